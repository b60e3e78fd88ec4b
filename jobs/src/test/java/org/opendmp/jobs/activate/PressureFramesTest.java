package org.opendmp.jobs.activate;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Date;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.opendmp.common.testing.SharedSpark;

/** The marketing-pressure cap on hand-made frames: past contacts, the cap, the priority, people already sent kept. */
class PressureFramesTest {
  static final StructType AUDIENCE = new StructType().add("destination", "string").add("person_id", "string").add("codes", "string");
  static final StructType PAIRS = new StructType().add("destination", "string").add("person_id", "string");
  static final StructType CONTACTS = new StructType().add("person_id", "string").add("contacts", "long");

  @Test
  void tonightsEntriesAreGrantedInPriorityOrderWithinTheCap() {
    Dataset<Row> audiences = frame(AUDIENCE,
        // P1: enters a, b and c with 1 contact already: only the highest-priority entry (c) fits under 2
        row("a", "P1", "A"), row("b", "P1", "B"), row("c", "P1", "C"),
        // P2: stays in a (sent last time), enters b and c with 2 contacts already: stays in a, held back from b and c
        row("a", "P2", "A"), row("b", "P2", "B"), row("c", "P2", "C"),
        // P3: no past contact, enters a and b: both fit
        row("a", "P3", "A"), row("b", "P3", "B"),
        // P4: 5 past contacts but only stays in b: never held back
        row("b", "P4", "B"));
    Dataset<Row> previous = frame(PAIRS, row("a", "P2"), row("b", "P4"));
    Dataset<Row> past = frame(CONTACTS, row("P1", 1L), row("P2", 2L), row("P4", 5L));
    assertThat(kept(PressureFrames.capped(audiences, previous, past, 2, List.of("c", "a", "b"))))
        .containsExactly("a P2 A", "a P3 A", "b P3 B", "b P4 B", "c P1 C");
    // the priority decides which entry a capped person gets
    assertThat(kept(PressureFrames.capped(audiences, previous, past, 2, List.of("b", "c", "a"))))
        .containsExactly("a P2 A", "a P3 A", "b P1 B", "b P3 B", "b P4 B");
    // a higher cap lets everything through
    assertThat(kept(PressureFrames.capped(audiences, previous, past, 5, List.of("c", "a", "b")))).hasSize(9);
  }

  @Test
  void entriesAreNewcomersOfEachDeliveryAgainstThatDestinationsPreviousOne() {
    Date d1 = Date.valueOf("2026-11-01");
    Date d2 = Date.valueOf("2026-11-02");
    Date d3 = Date.valueOf("2026-11-03");
    StructType delivered = new StructType().add("destination", "string").add("person_id", "string").add("run_date", "date");
    StructType deliveries = new StructType().add("destination", "string").add("run_date", "date").add("previous_run_date", "date");
    Dataset<Row> log = frame(delivered,
        row("a", "P1", d1), row("a", "P2", d1), row("a", "P1", d2), row("a", "P1", d3), row("a", "P3", d3),
        row("b", "P1", d2), row("b", "P3", d2));
    // d1 is outside the window: only its audience is read, as d2's previous delivery
    Dataset<Row> window = frame(deliveries, row("a", d2, d1), row("a", d3, d2), row("b", d2, null));
    assertThat(kept(PressureFrames.entries(log, window))).containsExactly("P1 1", "P3 2");
  }

  static List<String> kept(Dataset<Row> rows) {
    return rows.collectAsList().stream()
        .map(r -> String.join(" ", java.util.stream.IntStream.range(0, r.size()).mapToObj(i -> String.valueOf(r.get(i))).toList()))
        .sorted().toList();
  }

  static Row row(Object... values) {
    return RowFactory.create(values);
  }

  static Dataset<Row> frame(StructType schema, Row... rows) {
    return SharedSpark.spark().createDataFrame(List.of(rows), schema);
  }
}
