package org.opendmp.jobs.generate;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * crm/: the full extract (first day and Mondays) or the delta of the day's changes, and truth/crm_state/dt=D.csv,
 * the recorded state after that extract. CRM files get their malformed lines as extra lines (INSERT mode), so
 * every record arrives intact and the state is exactly what the parseable rows give.
 */
final class CrmFeed {
  static final String[] COLUMNS = {
    "crm_id", "first_name", "last_name", "email", "phone", "birth_date", "street", "postcode", "city", "loyalty_card",
    "login", "customer_since", "vip", "consent_email", "consent_sms", "consent_postal", "consent_ads", "updated_at"
  };

  private CrmFeed() {}

  static void write(World w, Day day, Path truth) {
    List<CrmRecord> changed = w.crm.takeChanged();
    Path statePath = truth.resolve("crm_state").resolve("dt=" + day.iso + ".csv");
    try (BufferedWriter state = TruthFiles.open(statePath)) {
      TruthFiles.row(state, COLUMNS);
      if (day.fullExtract) {
        FeedFile f = w.landing.openInsertMode("crm", day, "customers_full_" + day.compact + ".csv.gz",
            String.join(";", COLUMNS), LineShape.csv(';', COLUMNS.length, COLUMNS.length - 1, LineShape.TimeStyle.SQL));
        for (CrmRecord c : w.crm.records()) {
          if (!c.deleted) {
            String[] fields = c.fields(w.values, w.seed);
            f.write(fields);
            w.ids.record(c.person.id, c.idKeys());
            TruthFiles.row(state, fields);
          }
        }
      } else {
        FeedFile f = w.landing.openInsertMode("crm", day, "customers_delta_" + day.compact + ".csv",
            "op;" + String.join(";", COLUMNS), LineShape.csv(';', COLUMNS.length + 1, COLUMNS.length, LineShape.TimeStyle.SQL));
        for (CrmRecord c : changed) {
          f.write(delta(w, c));
          w.ids.record(c.person.id, c.op == 'D' ? new long[] {IdType.CRM_ID.key(c.person.id, c.no)} : c.idKeys());
        }
        for (CrmRecord c : w.crm.records()) {
          if (!c.deleted) {
            TruthFiles.row(state, c.fields(w.values, w.seed));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    changed.forEach(c -> c.op = 0);
  }

  /** op then the full columns; a delete carries only crm_id and updated_at. */
  private static String[] delta(World w, CrmRecord c) {
    String[] row = new String[COLUMNS.length + 1];
    row[0] = String.valueOf(c.op);
    if (c.op == 'D') {
      java.util.Arrays.fill(row, 1, row.length, "");
      row[1] = c.crmId();
      row[row.length - 1] = CrmRecord.sqlTime(c.updatedAt);
    } else {
      System.arraycopy(c.fields(w.values, w.seed), 0, row, 1, COLUMNS.length);
    }
    return row;
  }
}
