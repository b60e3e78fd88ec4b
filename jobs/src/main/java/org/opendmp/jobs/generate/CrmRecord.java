package org.opendmp.jobs.generate;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

/**
 * One customer record of the CRM, as the CRM holds it: values as typed when the record was created or last
 * changed. A person may have two (a duplicate with another crm_id). Typed values are re-rendered from seeded
 * generators keyed by (crm number, field, version), so a Monday full extract repeats exactly what was typed.
 */
final class CrmRecord {
  static final String[] CONSENT = {"", "Y", "N"};
  private static final DateTimeFormatter SQL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", java.util.Locale.ROOT);

  final int no;
  final Person person;
  final boolean duplicate;
  final int customerSince;
  int emailGen;
  boolean emailTypo;
  boolean emailMissing;
  boolean phoneMissing;
  byte phoneFormat;
  int phoneVer;
  /** 0 or 1 (a duplicate got its own card), -1 without a card. */
  int loyaltyOrdinal = -1;
  boolean login;
  boolean birthMissing;
  short city;
  short street;
  short streetNo;
  int addrVer;
  boolean vip;
  /** email, sms, postal, ads: 0 unknown, 1 Y, 2 N. */
  final byte[] consent = new byte[4];
  long updatedAt;
  boolean deleted;
  /** The operation of the day for the delta extract (I, U, D), or 0. */
  char op;

  CrmRecord(int no, Person person, boolean duplicate, int customerSince) {
    this.no = no;
    this.person = person;
    this.duplicate = duplicate;
    this.customerSince = customerSince;
  }

  String crmId() {
    return IdValues.crmId(no);
  }

  String consent(int purpose) {
    return CONSENT[consent[purpose]];
  }

  /** The columns of the full extract, as typed. */
  String[] fields(IdValues values, long seed) {
    Person p = person;
    String[] c = FrenchData.CITIES[city];
    String email = emailMissing ? "" : Typing.email(values.email(p, emailGen, emailTypo), typing(seed, 3, emailGen));
    String phone = phoneMissing ? "" : Typing.phone(values.phone(p), phoneFormat);
    return new String[] {
      crmId(),
      Typing.name(p.firstName(), typing(seed, 1, 0)),
      Typing.name(p.lastName(), typing(seed, 2, 0)),
      email,
      phone,
      birthMissing ? "" : LocalDate.ofEpochDay(p.birthDay).toString(),
      Typing.street(streetNo, FrenchData.STREETS[street], typing(seed, 4, addrVer)),
      c[1],
      Typing.city(c[0], typing(seed, 5, addrVer)),
      loyaltyOrdinal < 0 ? "" : values.loyalty(p, loyaltyOrdinal),
      login ? values.login(p) : "",
      LocalDate.ofEpochDay(customerSince).toString(),
      vip ? "1" : "0",
      consent(0),
      consent(1),
      consent(2),
      consent(3),
      sqlTime(updatedAt)
    };
  }

  /** The identifiers this record carries (IdRegistry.NONE for the absent ones). */
  long[] idKeys() {
    Person p = person;
    return new long[] {
      IdType.CRM_ID.key(p.id, no),
      emailMissing ? IdRegistry.NONE : IdValues.emailKey(p, emailGen, emailTypo),
      phoneMissing ? IdRegistry.NONE : IdType.PHONE.key(p.id, 0),
      loyaltyOrdinal < 0 ? IdRegistry.NONE : IdType.LOYALTY.key(p.id, loyaltyOrdinal),
      login ? IdType.LOGIN.key(p.id, 0) : IdRegistry.NONE
    };
  }

  private SplittableRandom typing(long seed, int field, int version) {
    return Seeds.rng(seed, Seeds.TYPING, no, field, version);
  }

  static String sqlTime(long epochSecond) {
    return SQL_TIME.format(LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC));
  }
}
