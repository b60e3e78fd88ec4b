package org.opendmp.jobs.generate;

/**
 * The identifier types of DESIGN.md §3 and how the generator packs one identifier into a long key:
 * person (32 bits) | type ordinal + 1 (5 bits) | sub (27 bits: device slot and cookie generation, email
 * generation, CRM number...). The key never is 0, which LongIntMap uses as "empty"; the value is rendered from
 * the key (IdValues), so identifiers are interned as longs, never as strings.
 */
enum IdType {
  COOKIE("cookie"),
  LOGIN("login"),
  CRM_ID("crm_id"),
  EMAIL("email_sha256"),
  PHONE("phone_sha256"),
  LOYALTY("loyalty_card"),
  MAID("maid"),
  AD_COOKIE("ad_cookie"),
  PARTNER_A("partner_uid:dataprovider_a"),
  PARTNER_B("partner_uid:dataprovider_b");

  private static final IdType[] ALL = values();
  static final int SUB_BITS = 27;

  final String label;

  IdType(String label) {
    this.label = label;
  }

  long key(int person, int sub) {
    return ((long) person << 32) | ((long) (ordinal() + 1) << SUB_BITS) | sub;
  }

  static int person(long key) {
    return (int) (key >>> 32);
  }

  static IdType of(long key) {
    return ALL[(int) ((key >>> SUB_BITS) & 0x1F) - 1];
  }

  static int sub(long key) {
    return (int) (key & ((1L << SUB_BITS) - 1));
  }

  /** The cookie of a device slot at a cookie generation (the cookie churns, the slot stays). */
  static int deviceSub(int slot, int generation) {
    return slot << 20 | generation;
  }
}
