package org.opendmp.jobs.generate;

/** idsync/: cookie matching with the ad server and the two data providers. */
final class IdSyncFeed {
  static final String SOURCE = "idsync";
  private final FeedFile file;
  private final IdRegistry ids;
  private final Day day;

  IdSyncFeed(Landing landing, Day day, IdRegistry ids) {
    this.file = landing.open(SOURCE, day, "idsync.csv.gz", "sync_time,partner,partner_uid,cookie",
        LineShape.csv(',', 4, 0, LineShape.TimeStyle.ISO));
    this.ids = ids;
    this.day = day;
  }

  void sync(int user, int sec, String partner, String uid, long uidKey, String cookie, long cookieKey, boolean protect) {
    String[] f = {day.isoTime(sec), partner, uid, cookie};
    if (protect ? file.writeProtected(f) : file.write(f)) {
      ids.record(user, uidKey, cookieKey);
    }
  }
}
