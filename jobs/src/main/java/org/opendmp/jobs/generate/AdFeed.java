package org.opendmp.jobs.generate;

/** adserver/: impressions and clicks, keyed by the ad server's cookie. */
final class AdFeed {
  static final String SOURCE = "adserver";
  private static final String HEADER = "event_time,ad_cookie,campaign_id,creative_id,placement_id,site,ip,user_agent";
  private static final LineShape SHAPE = LineShape.csv(',', 8, 0, LineShape.TimeStyle.ISO);
  private final FeedFile impressions;
  private final FeedFile clicks;
  private final IdRegistry ids;
  private final Day day;

  AdFeed(Landing landing, Day day, IdRegistry ids) {
    this.impressions = landing.open(SOURCE, day, "impressions.csv.gz", HEADER, SHAPE);
    this.clicks = landing.open(SOURCE, day, "clicks.csv", HEADER, SHAPE);
    this.ids = ids;
    this.day = day;
  }

  void event(boolean click, int user, int sec, String adCookie, long adKey, String campaign, String creative,
      String placement, String site, String ip, String ua) {
    String[] f = {day.isoTime(sec), adCookie, campaign, creative, placement, site, ip, ua};
    if ((click ? clicks : impressions).write(f)) {
      ids.record(user, adKey);
    }
  }
}
