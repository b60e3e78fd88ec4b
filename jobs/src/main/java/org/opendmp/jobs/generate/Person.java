package org.opendmp.jobs.generate;

/**
 * One true person of the world and the state that carries over from day to day. Kept compact (indexes into
 * FrenchData, no strings) because a 1M-people world holds them all.
 */
final class Person {
  final int id;
  final int household;
  final short first;
  final short last;
  final boolean female;
  final int birthDay;
  final byte interest;
  final float propensity;
  final float activity;
  final byte csp;
  /** Has a site account (a login) once a customer. */
  final boolean account;
  /** Logs in on most visits: the customers the DMP can reconcile. */
  final boolean loginHabit;
  final boolean emailPreferred;

  short city;
  short street;
  short streetNo;
  int addrGen;
  int emailGen;
  boolean customer;
  boolean loyaltyCard;
  Device[] devices;
  int firstPurchaseDay = -1;
  CrmRecord primary;
  CrmRecord duplicate;
  /** A planted use case depends on this person: no deletion from the CRM. */
  boolean planned;
  /** The day a planted car search made them an auto intender for dataprovider_b, or -1. */
  int carIntentDay = -1;

  Person(int id, int household, int first, int last, boolean female, int birthDay, int interest, float propensity,
      float activity, int csp, boolean account, boolean loginHabit, boolean emailPreferred) {
    this.id = id;
    this.household = household;
    this.first = (short) first;
    this.last = (short) last;
    this.female = female;
    this.birthDay = birthDay;
    this.interest = (byte) interest;
    this.propensity = propensity;
    this.activity = activity;
    this.csp = (byte) csp;
    this.account = account;
    this.loginHabit = loginHabit;
    this.emailPreferred = emailPreferred;
  }

  String firstName() {
    return female ? FrenchData.FEMALE[first] : FrenchData.MALE[first];
  }

  String lastName() {
    return FrenchData.LAST[last];
  }

  String[] cityRow() {
    return FrenchData.CITIES[city];
  }

  /** Logged in on the site: a live account (a customer with an account). */
  boolean hasLogin() {
    return customer && account;
  }

  /** The phone with a maid that the person carries into stores, or null. */
  Device phone() {
    for (Device d : devices) {
      if (d.owner == id && d.kind == Device.PHONE) {
        return d;
      }
    }
    return null;
  }

  String trueId() {
    return label('P', id + 1);
  }

  String householdId() {
    return label('H', household + 1);
  }

  static String label(char prefix, int n) {
    String d = Integer.toString(n);
    return d.length() >= 7 ? prefix + d : prefix + "0000000".substring(d.length()) + d;
  }
}
