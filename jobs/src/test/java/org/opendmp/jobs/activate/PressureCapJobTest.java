package org.opendmp.jobs.activate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.common.testing.SharedSpark;
import org.opendmp.jobs.JobContext;
import org.opendmp.jobs.activate.DestinationsConfig.Destination;
import org.opendmp.jobs.activate.DestinationsConfig.Pressure;
import org.opendmp.jobs.testing.TableRows;

/**
 * The pressure cap in the job over three nights: offline contacts from gold.scores' pressure_7d, the entries of
 * earlier deliveries read back from activation.*, the priority between destinations, people already sent kept.
 */
class PressureCapJobTest {
  static final LocalDate D1 = LocalDate.parse("2026-12-01");
  static final LocalDate D2 = D1.plusDays(1);
  static final LocalDate D3 = D1.plusDays(2);
  // both full destinations send segment s; b has the priority; 2 contacts per 7 nights
  static final DestinationsConfig CONF = new DestinationsConfig(List.of(
      new Destination("a", "A", List.of("crm_id"), Map.of("s", "S"), "postal", null, "csv", "full", null, null, null, null),
      new Destination("b", "B", List.of("crm_id"), Map.of("s", "S"), "postal", null, "csv", "incremental", null, null, null, null)),
      new Pressure(2, List.of("b")), null);
  static Lake lake;

  @BeforeAll
  static void threeNights() {
    lake = SharedSpark.freshLake();
    lake.overwrite(Tables.ID_GRAPH, TableRows.of(Tables.ID_GRAPH, ActivateJobTest.id("crm_id", "C1", "P1"),
        ActivateJobTest.id("crm_id", "C2", "P2"), ActivateJobTest.id("crm_id", "C3", "P3"), ActivateJobTest.id("crm_id", "C4", "P4")));
    ActivateJobTest.optOut(lake, D1);
    // night 1: P3 had 2 offline contacts (catalog, call center): no room left; P1 and P2 enter both
    night(D1, List.of("P1", "P2", "P3"), Map.of("P3", 2.0));
    // night 2: P3's offline contacts are older than 7 nights: enters both; P4 (1 offline) gets b only
    night(D2, List.of("P1", "P2", "P3", "P4"), Map.of("P4", 1.0));
    // night 3: P4 still 1 offline + its entry into b on night 2 = 2: still held back from a
    night(D3, List.of("P1", "P2", "P3", "P4"), Map.of("P4", 1.0));
  }

  @Test
  void entriesAreGrantedByPriorityWithinTheCapCountingOfflineContactsAndEarlierEntries() {
    assertThat(sent(D1)).containsExactly("a P1", "a P2", "b P1", "b P2");
    assertThat(sent(D2)).containsExactly("a P1", "a P2", "a P3", "b P1", "b P2", "b P3", "b P4");
    assertThat(sent(D3)).containsExactly("a P1", "a P2", "a P3", "b P1", "b P2", "b P3", "b P4");
  }

  static void night(LocalDate night, List<String> members, Map<String, Double> offline) {
    lake.replaceDate(Tables.SEGMENT_MEMBERSHIP, night, TableRows.of(Tables.SEGMENT_MEMBERSHIP,
        members.stream().map(p -> ActivateJobTest.member(p, "s", false)).toArray(Map[]::new)));
    lake.replaceDate(Tables.PROFILES, night, TableRows.of(Tables.PROFILES,
        members.stream().map(p -> ActivateJobTest.profile(p, "postal")).toArray(Map[]::new)));
    lake.replaceDate(Tables.SCORES, night, TableRows.of(Tables.SCORES, offline.entrySet().stream()
        .map(e -> Map.<String, Object>of("person_id", e.getKey(), "score", "pressure_7d", "value", e.getValue()))
        .toArray(Map[]::new)));
    ActivateJobTest.stats(lake, night);
    Activate.run(new JobContext("activate", lake, night), CONF, ActivateJobTest.ONCE);
  }

  static List<String> sent(LocalDate night) {
    return lake.readDate(Tables.AUDIENCE, night).collectAsList().stream()
        .map(r -> r.<String>getAs("destination") + " " + r.<String>getAs("person_id")).sorted().toList();
  }
}
