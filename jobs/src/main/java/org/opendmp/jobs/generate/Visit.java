package org.opendmp.jobs.generate;

/**
 * One browsing session: who, on which device, logged by which host, and the identifier fields its records
 * carry as written (a real value, a junk value, or null) with the keys that count (NONE for junk or absent).
 */
final class Visit {
  enum Host {
    /** access-web1.log.gz: combined format plus cookie and login. */
    WEB1,
    /** access-web2.log: plain combined format, no identifiers. */
    WEB2,
    COLLECTOR_WEB,
    COLLECTOR_APP
  }

  /** What people and systems put in identifier fields when there is none (never identifiers). */
  static final String[] JUNK = {"", "-", "null", "0", "anonymous", "00000000-0000-0000-0000-000000000000", "undefined"};
  static final String ZERO_UUID = "00000000-0000-0000-0000-000000000000";

  int user;
  Host host;
  String ip;
  String ua;
  String cookie;
  long cookieKey = IdRegistry.NONE;
  String login;
  long loginKey = IdRegistry.NONE;
  String maid;
  long maidKey = IdRegistry.NONE;
  /** A planted use case depends on these records: they are never the broken ones. */
  boolean protect;
  int sec;
  String lastPath;
}
