package org.opendmp.jobs.conform;

import static org.opendmp.common.testing.DatasetAssert.assertRows;

import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.common.testing.SharedSpark;
import org.opendmp.jobs.testing.TableRows;

/** silver.consents statements from the CRM and the consent banner, and the MERGE that keeps the latest. */
class ConsentStatementsTest {
  static final LocalDate D1 = LocalDate.parse("2026-11-02");
  static final LocalDate D2 = LocalDate.parse("2026-11-03");

  static Map<String, Object> crm(String crmId, String op, Boolean email, Boolean ads, String updated, LocalDate extract) {
    Map<String, Object> r = new HashMap<>();
    r.put("record_id", "crm.csv:" + crmId);
    r.put("crm_id", crmId);
    r.put("op", op);
    r.put("consent_email", email);
    r.put("consent_ads", ads);
    r.put("updated_at", updated == null ? null : Timestamp.valueOf(updated + " 10:00:00"));
    r.put("extract_date", extract);
    return r;
  }

  static Map<String, Object> hit(String record, String cookie, String time, String signal, boolean bot) {
    Map<String, Object> r = new HashMap<>();
    r.put("record_id", record);
    r.put("cookie", cookie);
    r.put("event_time", Timestamp.valueOf(time));
    r.put("event_type", signal == null ? "page_view" : "consent");
    r.put("consent", signal);
    r.put("is_bot", bot);
    return r;
  }

  @Test
  void theCrmStatesItsFlagsAsOfTheRecordsUpdateDate() {
    Dataset<Row> crm = TableRows.of(Tables.CRM_CUSTOMERS,
        crm("C1", "U", true, false, "2026-10-01", D1),
        crm("C2", "F", null, true, null, D1), // no update date: the extract's; an empty flag states nothing
        crm("C3", "D", true, true, "2026-11-01", D1), // a delete states nothing
        crm("C4", "U", true, null, "2026-12-25", D1)); // dated after the night: the night
    assertRows(ConsentStatements.fromCrm(crm, D1),
        new Object[] {"crm_id", "C1", "email", true, LocalDate.parse("2026-10-01"), "crm"},
        new Object[] {"crm_id", "C1", "ads", false, LocalDate.parse("2026-10-01"), "crm"},
        new Object[] {"crm_id", "C2", "ads", true, D1, "crm"},
        new Object[] {"crm_id", "C4", "email", true, D1, "crm"});
  }

  @Test
  void theBannersLastSignalOfTheNightWinsPerCookieAndPurpose() {
    Dataset<Row> web = TableRows.of(Tables.WEB_EVENTS,
        hit("w:1", "k1", "2026-11-02 09:00:00", "analytics:1,ads:1", false),
        hit("w:2", "k1", "2026-11-02 18:00:00", "ads:0", false), // later: ads withdrawn, analytics stands
        hit("w:3", "k2", "2026-11-02 10:00:00", "data_sharing:1", true), // a bot's
        hit("w:4", null, "2026-11-02 10:00:00", "data_sharing:1", false), // no cookie
        hit("w:5", "k3", "2026-11-02 10:00:00", null, false)); // not a consent event
    assertRows(ConsentStatements.fromWeb(web),
        new Object[] {"cookie", "k1", "analytics", true, D1, "web"},
        new Object[] {"cookie", "k1", "ads", false, D1, "web"});
  }

  @Test
  void theMergeKeepsTheLatestStatementAndRerunsChangeNothing() {
    Lake lake = SharedSpark.freshLake();
    Dataset<Row> night1 = statements(
        new Object[] {"cookie", "k1", "ads", true, D1, "web"},
        new Object[] {"crm_id", "C1", "email", true, LocalDate.parse("2026-10-01"), "crm"});
    ConsentStatements.merge(lake.delta(Tables.CONSENTS), night1, D1);
    Dataset<Row> night2 = statements(
        new Object[] {"cookie", "k1", "ads", false, D2, "web"}, // withdrawn
        new Object[] {"crm_id", "C1", "email", false, LocalDate.parse("2026-09-01"), "crm"}, // an older statement: ignored
        new Object[] {"cookie", "k2", "analytics", true, D2, "web"});
    ConsentStatements.merge(lake.delta(Tables.CONSENTS), night2, D2);
    ConsentStatements.merge(lake.delta(Tables.CONSENTS), night2, D2); // a rerun
    ConsentStatements.merge(lake.delta(Tables.CONSENTS), night1, D1); // an older night replayed
    assertRows(lake.read(Tables.CONSENTS),
        new Object[] {"cookie", "k1", "ads", false, D2, "web", D2},
        new Object[] {"crm_id", "C1", "email", true, LocalDate.parse("2026-10-01"), "crm", D1},
        new Object[] {"cookie", "k2", "analytics", true, D2, "web", D2});
  }

  static Dataset<Row> statements(Object[]... rows) {
    return org.opendmp.common.testing.DatasetAssert.rows(
        "id_type STRING, id_value STRING, purpose STRING, granted BOOLEAN, stated_on DATE, source STRING", rows);
  }
}
