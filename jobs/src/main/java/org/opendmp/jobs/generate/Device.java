package org.opendmp.jobs.generate;

/**
 * A desktop, phone or tablet of its owner (slot = its index in the owner's devices). Every device has a browser
 * cookie that churns and an ad cookie; phones and tablets have a maid. A household device is also used by the
 * other members of the household.
 */
final class Device {
  static final byte DESKTOP = 0;
  static final byte PHONE = 1;
  static final byte TABLET = 2;

  /** Partner bits of {@link #syncedNow} and {@link #everSynced}. */
  static final int ADSERVER = 1;
  static final int PARTNER_A = 2;
  static final int PARTNER_B = 4;

  private static final double[] CHURN = {0.005, 0.02, 0.01};

  final int owner;
  final byte slot;
  final byte kind;
  final boolean ios;
  /** Limit ad tracking: the maid is the zero UUID, never an identifier. */
  final boolean limitAdTracking;
  /** Uses the shop's app (app events carry the maid). */
  final boolean app;
  final boolean household;
  final byte ua;
  private int cookieGen;
  /** The cookie generation the consent banner was last answered for (a new cookie asks again). */
  int bannerAnsweredGen = -1;
  private int churnedTo;
  /** Partners synced with the current cookie; churn forgets them. */
  byte syncedNow;
  /** Partners that ever synced this device: they keep segments for its uid. */
  byte everSynced;

  Device(int owner, int slot, byte kind, boolean ios, boolean lat, boolean app, boolean household, int ua) {
    this.owner = owner;
    this.slot = (byte) slot;
    this.kind = kind;
    this.ios = ios;
    this.limitAdTracking = lat;
    this.app = app;
    this.household = household;
    this.ua = (byte) ua;
  }

  boolean hasMaid() {
    return kind != DESKTOP;
  }

  /**
   * The cookie generation on a day. The browser forgets the cookie with a small daily probability, decided by
   * (owner, slot, day) alone, so whichever household member uses the device first that day sees the same.
   */
  int cookieGen(long seed, int day) {
    while (churnedTo < day) {
      churnedTo++;
      if (Seeds.unit(Seeds.hash(seed, Seeds.CHURN, owner, slot, churnedTo)) < CHURN[kind]) {
        cookieGen++;
        syncedNow = 0;
      }
    }
    return cookieGen;
  }

  String userAgent() {
    return switch (kind) {
      case DESKTOP -> FrenchData.DESKTOP_UA[ua % FrenchData.DESKTOP_UA.length];
      case PHONE -> ios ? FrenchData.PHONE_UA_IOS[ua % 2] : FrenchData.PHONE_UA_ANDROID[ua % 2];
      default -> FrenchData.TABLET_UA[ios ? 0 : 1];
    };
  }

  String appUserAgent() {
    return ios ? FrenchData.APP_UA_IOS : FrenchData.APP_UA_ANDROID;
  }
}
