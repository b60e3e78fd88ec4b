package org.opendmp.jobs.generate;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import org.opendmp.common.DmpException;

/** truth/: persons, identifiers with their evidence groups, landing counts and planted use cases. */
final class TruthWriter {
  private TruthWriter() {}

  static void write(World w, GeneratorSpec spec, Path truth) {
    try {
      persons(w, spec, truth.resolve("persons.csv"));
      identifiers(w, truth.resolve("identifiers.csv"));
      counts(w.landing, truth.resolve("landing_counts.csv"));
      useCases(w, truth.resolve("use_cases.csv"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void persons(World w, GeneratorSpec spec, Path file) throws IOException {
    try (BufferedWriter out = TruthFiles.open(file)) {
      TruthFiles.row(out, "true_person_id", "crm_id", "email", "phone", "household_id", "interest", "propensity",
          "first_purchase_date", "consent_email", "consent_sms", "consent_postal", "consent_ads", "banner_analytics", "banner_ads",
          "banner_data_sharing");
      for (Person p : w.people) {
        CrmRecord c = p.primary;
        boolean customer = c != null;
        TruthFiles.row(out,
            p.trueId(),
            customer ? c.crmId() : "",
            customer ? w.values.email(p, p.emailGen, false) : "",
            customer ? w.values.phone(p) : "",
            p.householdId(),
            Products.CATEGORIES[p.interest],
            String.format(Locale.ROOT, "%.4f", p.propensity),
            p.firstPurchaseDay < 0 ? "" : spec.start().plusDays(p.firstPurchaseDay).toString(),
            customer ? c.consent(0) : "",
            customer ? c.consent(1) : "",
            customer ? c.consent(2) : "",
            customer ? c.consent(3) : "",
            Integer.toString(Banner.choice(spec.seed(), p, 0)),
            Integer.toString(Banner.choice(spec.seed(), p, 1)),
            Integer.toString(Banner.choice(spec.seed(), p, 2)));
      }
    }
  }

  private static void identifiers(World w, Path file) throws IOException {
    IdRegistry ids = w.ids;
    try (BufferedWriter out = TruthFiles.open(file)) {
      TruthFiles.row(out, "id_type", "id_value", "true_person_id", "evidence_group", "shared");
      for (int i = 0; i < ids.size(); i++) {
        long key = ids.key(i);
        String value = w.values.truthValue(key);
        if (value == null) {
          throw new DmpException("Cannot generate a world: an identifier does not normalise (" + IdType.of(key).label + " of person " + IdType.person(key) + ")");
        }
        TruthFiles.row(out, IdType.of(key).label, value, w.people[ids.truePerson(i)].trueId(),
            Person.label('G', ids.find(i) + 1), ids.shared(i) ? "1" : "0");
      }
    }
  }

  private static void counts(Landing landing, Path file) throws IOException {
    try (BufferedWriter out = TruthFiles.open(file)) {
      TruthFiles.row(out, "source", "dt", "file", "records", "malformed");
      for (Landing.Count c : landing.counts()) {
        TruthFiles.row(out, c.source(), c.dt(), c.file(), Long.toString(c.records()), Long.toString(c.malformed()));
      }
    }
  }

  private static void useCases(World w, Path file) throws IOException {
    try (BufferedWriter out = TruthFiles.open(file)) {
      TruthFiles.row(out, "dt", "use_case", "true_person_id", "detail");
      for (World.UseCase u : w.useCases()) {
        TruthFiles.row(out, u.dt(), u.useCase(), u.person(), u.detail());
      }
    }
  }
}
