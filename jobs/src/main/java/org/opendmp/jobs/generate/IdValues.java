package org.opendmp.jobs.generate;

import org.opendmp.common.ids.Identifiers;

/**
 * The value of every identifier, rendered from its key: what the feeds write (before "as typed" variations)
 * and what the truth lists (normalised and hashed by {@link Identifiers}, exactly as the ingest does). Numbers
 * in logins, emails, phones and cards are bijective scrambles of the person id, so two people never share one.
 */
final class IdValues {
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  /** Odd and not a multiple of 5: a bijection modulo any power of ten. */
  private static final long SCRAMBLE = 7_654_321L;

  private final long seed;
  private final Person[] people;
  private final long loginModulus;
  private final long emailModulus;

  IdValues(long seed, Person[] people) {
    this.seed = seed;
    this.people = people;
    this.loginModulus = powerOfTenAbove(10L * people.length);
    this.emailModulus = powerOfTenAbove(40L * people.length);
  }

  private static long powerOfTenAbove(long n) {
    long m = 1000;
    while (m < n) {
      m *= 10;
    }
    return m;
  }

  private long scramble(long n, long modulus, long salt) {
    long offset = Math.floorMod(Seeds.hash(seed, Seeds.IDS, salt, 0, 0), modulus);
    // n < modulus (checked by the callers' ranges), so n -> n * SCRAMBLE + offset is a bijection
    return (n * SCRAMBLE % modulus + offset) % modulus;
  }

  String cookie(int owner, int slot, int gen) {
    return uuid(Seeds.hash(seed, Seeds.IDS, 1, owner, IdType.deviceSub(slot, gen)), false);
  }

  String maid(Device d) {
    return uuid(Seeds.hash(seed, Seeds.IDS, 2, d.owner, d.slot), d.ios);
  }

  String adCookie(Device d) {
    return adCookie(d.owner, d.slot);
  }

  private String adCookie(int owner, int slot) {
    return hex(Seeds.hash(seed, Seeds.IDS, 3, owner, slot), 16) + hex(Seeds.hash(seed, Seeds.IDS, 4, owner, slot), 4);
  }

  String partnerA(int owner, int slot) {
    return "dpa-" + hex(Seeds.hash(seed, Seeds.IDS, 5, owner, slot), 16);
  }

  String partnerB(int owner, int slot) {
    return Long.toString(Seeds.hash(seed, Seeds.IDS, 6, owner, slot) >>> 2);
  }

  String login(Person p) {
    return FrenchData.ascii(p.firstName()) + "." + FrenchData.ascii(p.lastName()) + scramble(p.id, loginModulus, 7);
  }

  /** The person's address at an email generation (people change address), with a mistyped domain or not. */
  String email(Person p, int gen, boolean domainTypo) {
    long n = scramble(p.id * 4L + gen, emailModulus, 8); // gen <= 3 (Crm caps email changes)
    String f = FrenchData.ascii(p.firstName());
    String l = FrenchData.ascii(p.lastName());
    String local = switch (gen % 3) {
      case 0 -> f + "." + l;
      case 1 -> f.charAt(0) + l;
      default -> l + "." + f;
    };
    int d = (int) Math.floorMod(Seeds.hash(seed, Seeds.IDS, 9, p.id, 0) + gen, (long) FrenchData.DOMAINS.length);
    return local + n + "@" + (domainTypo ? FrenchData.DOMAIN_TYPOS[d] : FrenchData.DOMAINS[d]);
  }

  /** E.164: +33 then a mobile 6 or 7 and eight digits. */
  String phone(Person p) {
    long n = scramble(p.id, 100_000_000L, 10);
    String digits = Long.toString(n);
    boolean seven = Seeds.unit(Seeds.hash(seed, Seeds.IDS, 11, p.id, 0)) < 0.25;
    return "+33" + (seven ? '7' : '6') + "00000000".substring(digits.length()) + digits;
  }

  String loyalty(Person p, int ordinal) {
    String digits = Long.toString(scramble(p.id * 2L + ordinal, 10_000_000_000L, 12));
    return "LC" + "0000000000".substring(digits.length()) + digits;
  }

  static String crmId(int no) {
    return Person.label('C', no);
  }

  /** The identifier in the truth's normalised form (Identifiers), from its key. */
  String truthValue(long key) {
    int person = IdType.person(key);
    int sub = IdType.sub(key);
    Person p = people[person];
    return switch (IdType.of(key)) {
      case COOKIE -> Identifiers.plain(cookie(person, sub >>> 20, sub & 0xFFFFF));
      case LOGIN -> Identifiers.login(login(p));
      case CRM_ID -> Identifiers.plain(crmId(sub));
      case EMAIL -> Identifiers.emailSha256(email(p, sub >>> 1, (sub & 1) == 1));
      case PHONE -> Identifiers.phoneSha256(phone(p), "FR");
      case LOYALTY -> Identifiers.plain(loyalty(p, sub));
      case MAID -> Identifiers.plain(maid(p.devices[sub]));
      case AD_COOKIE -> Identifiers.plain(adCookie(person, sub));
      case PARTNER_A -> Identifiers.plain(partnerA(person, sub));
      case PARTNER_B -> Identifiers.plain(partnerB(person, sub));
    };
  }

  static long emailKey(Person p, int gen, boolean typo) {
    return IdType.EMAIL.key(p.id, gen << 1 | (typo ? 1 : 0));
  }

  static long cookieKey(Device d, int gen) {
    return IdType.COOKIE.key(d.owner, IdType.deviceSub(d.slot, gen));
  }

  private static String uuid(long h, boolean upper) {
    long lo = Seeds.mix(h ^ 0x5DEECE66DL);
    String s = hex(h, 8) + "-" + hex(h >>> 32, 4) + "-4" + hex(h >>> 48, 3) + "-" + hex(8 | (lo & 3), 1) + hex(lo >>> 2, 3) + "-" + hex(lo >>> 16, 12);
    return upper ? s.toUpperCase(java.util.Locale.ROOT) : s;
  }

  static String hex(long v, int digits) {
    char[] c = new char[digits];
    for (int i = digits - 1; i >= 0; i--) {
      c[i] = HEX[(int) (v & 0xF)];
      v >>>= 4;
    }
    return new String(c);
  }
}
