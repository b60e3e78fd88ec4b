package org.opendmp.jobs.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Builds the people of the world: households of 1-4 people living at one address, each person's attributes
 * (the planted interest and propensity among them) and devices, and a shared household tablet or desktop in
 * some households. Household h is built from its own seeded generator, so people are reproducible one by one.
 */
final class Population {
  /** The share of people who are CRM customers when the world starts. */
  static final double CUSTOMER_BASE = 0.30;

  private Population() {}

  static Person[] build(GeneratorSpec spec) {
    Person[] people = new Person[spec.people()];
    int startDay = (int) spec.start().toEpochDay();
    int next = 0;
    int household = 0;
    while (next < people.length) {
      SplittableRandom r = Seeds.rng(spec.seed(), Seeds.HOUSEHOLD, household, 0);
      double u = r.nextDouble();
      int size = Math.min(people.length - next, u < 0.40 ? 1 : u < 0.75 ? 2 : u < 0.90 ? 3 : 4);
      int city = r.nextInt(FrenchData.CITIES.length);
      int street = r.nextInt(FrenchData.STREETS.length);
      int streetNo = 1 + r.nextInt(180);
      int familyName = r.nextInt(FrenchData.LAST.length);
      for (int m = 0; m < size; m++) {
        Person p = person(spec.seed(), next + m, household, m == 0 || r.nextDouble() < 0.7 ? familyName : -1, startDay);
        p.city = (short) city;
        p.street = (short) street;
        p.streetNo = (short) streetNo;
        people[next + m] = p;
      }
      devices(spec.seed(), people, next, size, r);
      next += size;
      household++;
    }
    return people;
  }

  private static Person person(long seed, int id, int household, int familyName, int startDay) {
    SplittableRandom r = Seeds.rng(seed, Seeds.PERSON, id, 0);
    boolean female = r.nextBoolean();
    int first = r.nextInt(female ? FrenchData.FEMALE.length : FrenchData.MALE.length);
    int last = familyName >= 0 ? familyName : r.nextInt(FrenchData.LAST.length);
    int age = 18 + (int) (67 * Math.pow(r.nextDouble(), 1.3));
    int birthDay = startDay - age * 365 - r.nextInt(365);
    double ui = r.nextDouble();
    int interest = ui < 0.22 ? Products.CARS : 1 + r.nextInt(Products.CATEGORIES.length - 1);
    float propensity = (float) Math.pow(r.nextDouble(), 1.4);
    boolean customer = r.nextDouble() < CUSTOMER_BASE + 0.3 * propensity;
    boolean account = r.nextDouble() < 0.65;
    boolean habit = customer && account && r.nextDouble() < 0.5;
    float activity = (float) activity(r, habit);
    int csp = csp(r, age);
    Person p = new Person(id, household, first, last, female, birthDay, interest, propensity, activity, csp,
        account, habit, r.nextDouble() < 0.6);
    p.customer = customer;
    p.loyaltyCard = customer && r.nextDouble() < 0.7;
    return p;
  }

  /** The daily probability of visiting the site: habitual logged-in customers come nearly every day. */
  private static double activity(SplittableRandom r, boolean habit) {
    if (habit) {
      return 0.6 + 0.35 * r.nextDouble();
    }
    double u = r.nextDouble();
    return u < 0.6 ? 0.02 + 0.04 * r.nextDouble() : u < 0.9 ? 0.08 + 0.12 * r.nextDouble() : 0.25 + 0.25 * r.nextDouble();
  }

  private static int csp(SplittableRandom r, int age) {
    if (age >= 64 && r.nextDouble() < 0.8) {
      return 6;
    }
    if (age < 24 && r.nextDouble() < 0.6) {
      return 7;
    }
    double u = r.nextDouble();
    return u < 0.02 ? 0 : u < 0.09 ? 1 : u < 0.30 ? 2 : u < 0.55 ? 3 : u < 0.82 ? 4 : 5;
  }

  /** Own devices for each member, then maybe one household device shared by all members. */
  private static void devices(long seed, Person[] people, int from, int size, SplittableRandom hr) {
    List<List<Device>> lists = new ArrayList<>();
    for (int m = 0; m < size; m++) {
      Person p = people[from + m];
      SplittableRandom r = Seeds.rng(seed, Seeds.DEVICE, p.id, 0);
      List<Device> own = new ArrayList<>();
      boolean phone = r.nextDouble() < 0.9;
      if (phone) {
        boolean app = r.nextDouble() < (p.customer ? 0.45 : 0.2);
        own.add(new Device(p.id, own.size(), Device.PHONE, r.nextDouble() < 0.45, r.nextDouble() < 0.08, app, false, r.nextInt(4)));
      }
      if (!phone || r.nextDouble() < 0.5) {
        own.add(new Device(p.id, own.size(), Device.DESKTOP, false, false, false, false, r.nextInt(4)));
      }
      if (r.nextDouble() < 0.15) {
        own.add(new Device(p.id, own.size(), Device.TABLET, r.nextBoolean(), r.nextDouble() < 0.08, false, false, r.nextInt(4)));
      }
      lists.add(own);
    }
    if (size >= 2 && hr.nextDouble() < 0.6) {
      Person owner = people[from];
      byte kind = hr.nextBoolean() ? Device.TABLET : Device.DESKTOP;
      boolean ios = kind == Device.TABLET && hr.nextBoolean();
      Device shared = new Device(owner.id, lists.get(0).size(), kind, ios, false, false, true, hr.nextInt(4));
      lists.forEach(l -> l.add(shared));
    }
    for (int m = 0; m < size; m++) {
      people[from + m].devices = lists.get(m).toArray(Device[]::new);
    }
  }
}
