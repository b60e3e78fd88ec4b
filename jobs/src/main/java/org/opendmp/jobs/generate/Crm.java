package org.opendmp.jobs.generate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The CRM: its records (crm number = index + 1) and how they change day by day: moves and new emails of the
 * person, consents, VIP flags, phones retyped, deletions, duplicates created, prospects who buy and become
 * customers. A day's changes are decided by (crm number, day) alone.
 */
final class Crm {
  private final long seed;
  private final List<CrmRecord> records = new ArrayList<>();
  private final List<CrmRecord> changed = new ArrayList<>();

  Crm(long seed) {
    this.seed = seed;
  }

  /** The customers of the first day, then the duplicates that already exist (created after them). */
  void init(Person[] people, int startDay) {
    for (Person p : people) {
      if (p.customer) {
        SplittableRandom r = Seeds.rng(seed, Seeds.CRM, p.id, -1);
        int since = startDay - 1 - r.nextInt(3650);
        p.primary = create(p, false, since, r);
        p.primary.updatedAt = epoch(since + r.nextInt(startDay - since)) + r.nextInt(86_400);
      }
    }
    for (Person p : people) {
      SplittableRandom r = Seeds.rng(seed, Seeds.CRM, p.id, -2);
      if (p.customer && r.nextDouble() < 0.02) {
        int since = p.primary.customerSince + r.nextInt(startDay - p.primary.customerSince);
        p.duplicate = create(p, true, since, r);
        p.duplicate.updatedAt = epoch(since) + r.nextInt(86_400);
      }
    }
  }

  private CrmRecord create(Person p, boolean duplicate, int since, SplittableRandom r) {
    CrmRecord c = new CrmRecord(records.size() + 1, p, duplicate, since);
    records.add(c);
    c.emailGen = p.emailGen;
    c.emailTypo = r.nextDouble() < (duplicate ? 0.15 : 0.02);
    c.emailMissing = r.nextDouble() < (duplicate ? 0.2 : 0.03);
    c.phoneMissing = r.nextDouble() < (duplicate ? 0.3 : 0.08);
    c.phoneFormat = (byte) r.nextInt(8);
    c.loyaltyOrdinal = duplicate ? (r.nextDouble() < 0.5 ? 1 : -1) : (p.loyaltyCard ? 0 : -1);
    c.login = !duplicate && p.account;
    c.birthMissing = r.nextDouble() < 0.04;
    copyAddress(c, p);
    c.vip = !duplicate && r.nextDouble() < 0.02 + 0.1 * p.propensity;
    c.consent[0] = consent(r, 0.60, 0.30);
    c.consent[1] = consent(r, 0.40, 0.45);
    c.consent[2] = consent(r, 0.50, 0.35);
    c.consent[3] = consent(r, 0.55, 0.30);
    return c;
  }

  private static byte consent(SplittableRandom r, double yes, double no) {
    double u = r.nextDouble();
    return (byte) (u < yes ? 1 : u < yes + no ? 2 : 0);
  }

  private static void copyAddress(CrmRecord c, Person p) {
    c.city = p.city;
    c.street = p.street;
    c.streetNo = p.streetNo;
    c.addrVer = p.addrGen;
  }

  /** The day's changes to the person's live records (not on the first day: its full extract is the baseline). */
  void daily(Person p, Day day) {
    if (day.index == 0) {
      return;
    }
    for (CrmRecord c : new CrmRecord[] {p.primary, p.duplicate}) {
      if (c == null || c.deleted) {
        continue;
      }
      SplittableRandom r = Seeds.rng(seed, Seeds.CRM, c.no, day.index);
      int sec = 25_200 + r.nextInt(43_200);
      if (!p.planned && r.nextDouble() < (c.duplicate ? 0.03 : 0.001)) {
        c.deleted = true;
        touch(c, 'D', day, sec);
        if (!c.duplicate) {
          p.customer = false;
        }
        continue;
      }
      boolean change = false;
      if (!c.duplicate && r.nextDouble() < 0.0015) {
        p.addrGen++;
        SplittableRandom a = Seeds.rng(seed, Seeds.PERSON, p.id, p.addrGen);
        p.city = (short) (a.nextDouble() < 0.6 ? p.city : a.nextInt(FrenchData.CITIES.length));
        p.street = (short) a.nextInt(FrenchData.STREETS.length);
        p.streetNo = (short) (1 + a.nextInt(180));
        copyAddress(c, p);
        change = true;
      }
      if (!c.duplicate && p.emailGen < 3 && r.nextDouble() < 0.001) {
        p.emailGen++;
        c.emailGen = p.emailGen;
        c.emailTypo = false;
        c.emailMissing = false;
        change = true;
      }
      if (r.nextDouble() < 0.004) {
        int purpose = r.nextInt(4);
        c.consent[purpose] = (byte) (c.consent[purpose] == 1 ? 2 : 1);
        change = true;
      }
      if (r.nextDouble() < 0.0005) {
        c.vip = !c.vip;
        change = true;
      }
      if (r.nextDouble() < 0.001) {
        c.phoneMissing = false;
        c.phoneFormat = (byte) r.nextInt(8);
        change = true;
      }
      if (change) {
        touch(c, 'U', day, sec);
      }
      if (!c.duplicate && p.duplicate == null && r.nextDouble() < 0.0003) {
        p.duplicate = create(p, true, (int) day.date.toEpochDay(), r);
        touch(p.duplicate, 'I', day, sec + 60);
      }
    }
  }

  /** A purchase online or in store: the first one of the period is planted truth; prospects may register. */
  void purchased(Person p, Day day, int sec, boolean inStore, SplittableRandom r) {
    if (p.firstPurchaseDay < 0) {
      p.firstPurchaseDay = day.index;
      maybeConvert(p, day, sec, inStore, r);
    }
  }

  private void maybeConvert(Person p, Day day, int sec, boolean inStore, SplittableRandom r) {
    if (p.customer || p.primary != null || r.nextDouble() >= 0.35) {
      return;
    }
    p.customer = true;
    p.loyaltyCard = inStore && r.nextDouble() < 0.6;
    p.primary = create(p, false, (int) day.date.toEpochDay(), Seeds.rng(seed, Seeds.CRM, p.id, -3));
    touch(p.primary, 'I', day, Math.min(86_399, sec + 120));
  }

  private void touch(CrmRecord c, char op, Day day, int sec) {
    if (c.op == 0) {
      changed.add(c);
    }
    c.op = c.op == 'I' && op == 'U' ? 'I' : op;
    c.updatedAt = day.epochSecond(Math.min(86_399, sec));
  }

  /** Today's changed records by crm number; clears the day's operations. */
  List<CrmRecord> takeChanged() {
    List<CrmRecord> out = new ArrayList<>(changed);
    out.sort(Comparator.comparingInt(c -> c.no));
    changed.clear();
    return out;
  }

  List<CrmRecord> records() {
    return records;
  }

  private static long epoch(int epochDay) {
    return epochDay * 86_400L;
  }
}
