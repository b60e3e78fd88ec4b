package org.opendmp.jobs.activate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.opendmp.common.table.Tables;
import org.opendmp.jobs.testing.TableRows;

/** The CRM feedback's pages on hand-made events: the max_pages cap, bots left out, last contact before tonight. */
class CrmFeedbackFramesTest {
  @Test
  void pagesAreCappedBotsIgnoredAndOnlyEarlierNightsContactsCount() {
    Map<String, Object> bot = CrmFeedbackTest.event("2026-11-01T15:00:00", "product_view", "ck1", "X9", "shoes");
    bot.put("is_bot", true);
    Map<String, Object> contact = CrmFeedbackTest.event("2026-10-31T11:00:00", "catalog_mailing", "C2", null, null);
    contact.put("run_date", java.sql.Date.valueOf("2026-10-31"));
    Map<String, Object> tonight = CrmFeedbackTest.event("2026-11-02T08:00:00", "callcenter_appointment", "C1", null, null);
    tonight.put("run_date", java.sql.Date.valueOf("2026-11-02"));
    Dataset<Row> events = TableRows.of(Tables.EVENTS,
        CrmFeedbackTest.event("2026-10-30T10:00:00", "product_view", "ck1", "S1", "shoes"),
        CrmFeedbackTest.event("2026-10-31T10:00:00", "product_view", "ck1", "S2", "shoes"),
        CrmFeedbackTest.event("2026-11-01T10:00:00", "product_view", "ck1", "S3", "shoes"), bot, tonight,
        CrmFeedbackTest.event("2026-10-30T10:00:00", "product_view", "ck2", "B1", "bags"),
        CrmFeedbackTest.event("2026-11-01T10:00:00", "product_view", "ck2", "B2", "bags"), contact);
    Dataset<Row> graph = TableRows.of(Tables.ID_GRAPH, ActivateJobTest.id("cookie", "ck1", "P1"),
        ActivateJobTest.id("crm_id", "C1", "P1"), ActivateJobTest.id("cookie", "ck2", "P2"), ActivateJobTest.id("crm_id", "C2", "P2"));
    List<String> out = CrmFeedbackFrames.pagesAndRecommendation(CrmFeedbackFrames.personEvents(events, graph),
            LocalDate.parse("2026-11-02"), 2)
        .collectAsList().stream().map(Row::toString).sorted().toList();
    // P1: tonight's appointment is not a past contact, the bot's view is not a page, 2 pages at most, nothing sold;
    // P2: only the view after the catalog of 10-31
    assertThat(out).containsExactly("[P1,S3|S2,null]", "[P2,B2,null]");
  }
}
