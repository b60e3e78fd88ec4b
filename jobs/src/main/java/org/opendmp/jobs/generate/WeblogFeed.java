package org.opendmp.jobs.generate;

/** weblogs/: the two web servers' access logs (web1 with cookie and login fields, web2 without). */
final class WeblogFeed {
  static final String SOURCE = "weblogs";
  private final FeedFile web1;
  private final FeedFile web2;
  private final IdRegistry ids;
  private final Day day;

  WeblogFeed(Landing landing, Day day, IdRegistry ids) {
    this.web1 = landing.open(SOURCE, day, "access-web1.log.gz", null, LineShape.accessLog(true));
    this.web2 = landing.open(SOURCE, day, "access-web2.log", null, LineShape.accessLog(false));
    this.ids = ids;
    this.day = day;
  }

  void hit(Visit v, String path, int status, int bytes, String referrer, long emailKey) {
    String[] f = {
      v.ip, day.logTime(v.sec), "GET " + path + " HTTP/1.1", Integer.toString(status), Integer.toString(bytes),
      referrer, v.ua, v.cookie == null ? "-" : v.cookie, v.login == null ? "-" : v.login
    };
    if (v.host == Visit.Host.WEB1) {
      if (v.protect ? web1.writeProtected(f) : web1.write(f)) {
        ids.record(v.user, v.cookieKey, v.loginKey, emailKey);
      }
    } else if (v.protect ? web2.writeProtected(f) : web2.write(f)) {
      ids.record(v.user, emailKey);
    }
  }

  /** A crawler or script: no cookie, no login. */
  void bot(boolean firstHost, String ip, int sec, String path, int status, int bytes, String ua) {
    String[] f = {
      ip, day.logTime(sec), "GET " + path + " HTTP/1.1", Integer.toString(status), Integer.toString(bytes), "-", ua, "-", "-"
    };
    (firstHost ? web1 : web2).write(f);
  }
}
