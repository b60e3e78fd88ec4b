package org.opendmp.jobs.generate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Everything a world's days share: its people, CRM, plans, identifiers and landing files. */
final class World {
  /** One row of truth/use_cases.csv. */
  record UseCase(String dt, String useCase, String person, String detail) {}

  final long seed;
  final Person[] people;
  final IdValues values;
  final IdRegistry ids = new IdRegistry();
  final Crm crm;
  final Plans plans;
  final Landing landing;
  /** The day's intact POS lines for truth/store_records.csv: record_id, transaction_id, true_person_id, card. */
  final List<String[]> storeRecords = new ArrayList<>();
  private final List<UseCase> useCases = new ArrayList<>();

  World(GeneratorSpec spec, Landing landing) {
    this.seed = spec.seed();
    this.people = Population.build(spec);
    this.values = new IdValues(seed, people);
    this.crm = new Crm(seed);
    crm.init(people, (int) spec.start().toEpochDay());
    this.plans = Plans.build(spec, people);
    this.landing = landing;
  }

  void useCase(Day day, Plans.Kind kind, Person p, String detail) {
    useCases.add(new UseCase(day.iso, kind.label, p.trueId(), detail));
  }

  List<UseCase> useCases() {
    List<UseCase> sorted = new ArrayList<>(useCases);
    sorted.sort(Comparator.comparing(UseCase::dt).thenComparing(UseCase::useCase).thenComparing(UseCase::person));
    return sorted;
  }
}
