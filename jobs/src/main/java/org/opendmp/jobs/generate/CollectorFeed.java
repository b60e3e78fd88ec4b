package org.opendmp.jobs.generate;

/** weblogs/: the tag collector's NDJSON, browser events (collector-web) and app events (collector-app). */
final class CollectorFeed {
  private static final LineShape SHAPE = LineShape.ndjson("ts", "event", "url", "cookie", "maid", "login", "ip", "ua");
  private final FeedFile app;
  private final FeedFile web;
  private final IdRegistry ids;
  private final Day day;

  CollectorFeed(Landing landing, Day day, IdRegistry ids) {
    this.app = landing.open(WeblogFeed.SOURCE, day, "collector-app.ndjson.gz", null, SHAPE);
    this.web = landing.open(WeblogFeed.SOURCE, day, "collector-web.ndjson", null, SHAPE);
    this.ids = ids;
    this.day = day;
  }

  void event(Visit v, int millis, String event, String url, long emailKey) {
    boolean isApp = v.host == Visit.Host.COLLECTOR_APP;
    String[] f = {
      day.isoMillis(v.sec, millis), event, url, isApp ? null : v.cookie, isApp ? v.maid : null, v.login, v.ip, v.ua
    };
    FeedFile file = isApp ? app : web;
    if (v.protect ? file.writeProtected(f) : file.write(f)) {
      ids.record(v.user, isApp ? v.maidKey : v.cookieKey, v.loginKey, emailKey);
    }
  }
}
