package org.opendmp.jobs.generate;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * The three seed use cases of DESIGN.md §1, planted on a known handful of people every week. The plan says who
 * does what on which day; the day simulation executes it with protected records and reports the row of
 * truth/use_cases.csv when the story completes.
 */
final class Plans {
  enum Kind {
    CAR_INTENDER("car_intender"),
    ABANDON_THEN_WIFI("abandon_then_wifi"),
    CALLCENTER_BROWSE("callcenter_browse");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  /** One step of a story: step 0 browses (and for cars, syncs); step 1 is the wifi login or the appointment. */
  record Action(Kind kind, int step, int sku, int storyDay) {}

  private final Map<Long, List<Action>> actions = new HashMap<>();

  /** The actions of a person on a day, or null (a lookup, never iterated: output order does not depend on it). */
  List<Action> at(int day, int person) {
    return actions.get((long) day << 32 | person);
  }

  static Plans build(GeneratorSpec spec, Person[] people) {
    Plans plans = new Plans();
    int perWeek = Math.max(2, Math.min(50, spec.people() / 400));
    LocalDate firstMonday = spec.start().with(DayOfWeek.MONDAY);
    int weeks = (int) ((spec.start().plusDays(spec.days() - 1).toEpochDay() - firstMonday.toEpochDay()) / 7) + 1;
    for (int w = 0; w < weeks; w++) {
      // day indexes of this week's Monday..Sunday relative to the start
      int monday = (int) (firstMonday.plusWeeks(w).toEpochDay() - spec.start().toEpochDay());
      int from = Math.max(0, monday);
      int to = Math.min(spec.days() - 1, monday + 6);
      SplittableRandom r = Seeds.rng(spec.seed(), Seeds.PLAN, w, 0);
      for (Person p : choose(people, perWeek, r, Plans::carCandidate)) {
        int day = from + r.nextInt(to - from + 1);
        plans.add(day, p, new Action(Kind.CAR_INTENDER, 0, anySku(Products.CARS, r), day));
      }
      if (monday >= 0 && monday + 2 < spec.days()) {
        for (Person p : choose(people, perWeek, r, Plans::abandonCandidate)) {
          int sku = anySku(p.interest, r);
          plans.add(monday, p, new Action(Kind.ABANDON_THEN_WIFI, 0, sku, monday));
          plans.add(monday + 2, p, new Action(Kind.ABANDON_THEN_WIFI, 1, sku, monday));
        }
      }
      if (to >= 1) {
        for (Person p : choose(people, perWeek, r, Plans::callCandidate)) {
          int day = Math.max(1, from) + r.nextInt(to - Math.max(1, from) + 1);
          int sku = anySku(p.interest, r);
          for (int b = Math.max(0, day - 2); b < day; b++) {
            plans.add(b, p, new Action(Kind.CALLCENTER_BROWSE, 0, sku, day));
          }
          plans.add(day, p, new Action(Kind.CALLCENTER_BROWSE, 1, sku, day));
        }
      }
    }
    return plans;
  }

  private void add(int day, Person p, Action a) {
    p.planned = true;
    actions.computeIfAbsent((long) day << 32 | p.id, k -> new ArrayList<>()).add(a);
  }

  private static int anySku(int category, SplittableRandom r) {
    return Products.sku(category, r.nextInt(Products.PER_CATEGORY));
  }

  private static List<Person> choose(Person[] people, int n, SplittableRandom r, Predicate<Person> ok) {
    List<Person> chosen = new ArrayList<>();
    Set<Integer> seen = new HashSet<>();
    for (int attempt = 0; attempt < 200 * n && chosen.size() < n; attempt++) {
      Person p = people[r.nextInt(people.length)];
      if (seen.add(p.id) && ok.test(p)) {
        chosen.add(p);
      }
    }
    return chosen;
  }

  /** Reconcilable (logs in), has a browser and a contact an agency may use (SMS or postal consent). */
  private static boolean carCandidate(Person p) {
    return p.hasLogin() && p.primary != null && p.devices.length > 0
        && (p.primary.consent[1] == 1 || p.primary.consent[2] == 1)
        && (p.interest == Products.CARS || p.id % 3 == 0);
  }

  /** Logs in on the web and carries a phone whose maid is visible to the store wifi. */
  private static boolean abandonCandidate(Person p) {
    Device phone = p.phone();
    return p.hasLogin() && p.primary != null && phone != null && !phone.limitAdTracking
        && !p.primary.emailMissing && !p.primary.emailTypo;
  }

  private static boolean callCandidate(Person p) {
    return p.hasLogin() && p.primary != null;
  }
}
