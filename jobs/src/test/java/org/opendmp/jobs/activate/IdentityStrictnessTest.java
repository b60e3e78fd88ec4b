package org.opendmp.jobs.activate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.opendmp.common.table.Tables;
import org.opendmp.jobs.activate.DestinationsConfig.Destination;
import org.opendmp.jobs.testing.TableRows;

/**
 * Identity strictness on hand-made frames: a deterministic destination gets only identifiers tied to the person by a
 * deterministic link of silver.id_links (or a person of one identifier); a probabilistic one gets any.
 */
class IdentityStrictnessTest {
  // P1: crm C1 = email E1 (CRM record, deterministic); cookie K1 matched to E1 probabilistically; maid M1 on K1's
  // device. P2: a lone crm id. P3: email E3 whose only deterministic link goes to another person's C4 (a split).
  static final Dataset<Row> GRAPH = TableRows.of(Tables.ID_GRAPH,
      ActivateJobTest.id("crm_id", "C1", "P1"), ActivateJobTest.id("email_sha256", "E1", "P1"),
      ActivateJobTest.id("cookie", "K1", "P1"), ActivateJobTest.id("maid", "M1", "P1"),
      ActivateJobTest.id("crm_id", "C2", "P2"), ActivateJobTest.id("email_sha256", "E3", "P3"),
      ActivateJobTest.id("crm_id", "C4", "P4"));
  static final Dataset<Row> LINKS = TableRows.of(Tables.ID_LINKS,
      link("crm_id", "C1", "email_sha256", "E1", "deterministic"), link("email_sha256", "E1", "cookie", "K1", "probabilistic"),
      link("maid", "M1", "cookie", "K1", "device"), link("email_sha256", "E3", "crm_id", "C4", "deterministic"));

  @Test
  void onlyDeterministicallyTiedIdentifiersRemain() {
    assertThat(ActivationFrames.deterministicIds(GRAPH, LINKS).collectAsList()).extracting(r -> r.getString(1))
        .containsExactlyInAnyOrder("C1", "E1", "C2");
  }

  @Test
  void aDestinationSendsWhatItsStrictnessAllows() {
    Dataset<Row> membership = TableRows.of(Tables.SEGMENT_MEMBERSHIP,
        ActivateJobTest.member("P1", "cars", false), ActivateJobTest.member("P2", "cars", false),
        ActivateJobTest.member("P3", "cars", false));
    Dataset<Row> profiles = TableRows.of(Tables.PROFILES, ActivateJobTest.profile("P1", "ads"),
        ActivateJobTest.profile("P2", "ads"), ActivateJobTest.profile("P3", "ads"));
    Dataset<Row> nobody = GRAPH.select("person_id").where("false");
    for (String strictness : List.of("deterministic", "probabilistic")) {
      Destination d = new Destination("dsp", "DSP", List.of("maid", "cookie", "email_sha256", "crm_id"), Map.of("cars", "CAR"),
          "ads", null, "csv", null, null, null, null, null, strictness.equals("deterministic") ? null : strictness, null, null, null);
      Dataset<Row> ids = d.deterministicOnly() ? ActivationFrames.deterministicIds(GRAPH, LINKS) : GRAPH;
      List<String> sent = ActivationFrames.audience(membership, profiles, ids, nobody, d).collectAsList().stream()
          .map(r -> r.getString(0) + " " + r.getString(1) + " " + r.getList(2)).sorted().toList();
      if (strictness.equals("deterministic")) {
        // the default; P1 by its email (maid and cookie are inferred), P3 not at all
        assertThat(d.identity()).isEqualTo("deterministic");
        assertThat(sent).containsExactly("P1 email_sha256 [E1]", "P2 crm_id [C2]");
      } else {
        assertThat(sent).containsExactly("P1 maid [M1]", "P2 crm_id [C2]", "P3 email_sha256 [E3]");
      }
    }
  }

  static Map<String, Object> link(String typeA, String a, String typeB, String b, String kind) {
    return Map.of("id_type_a", typeA, "id_value_a", a, "id_type_b", typeB, "id_value_b", b, "rule", "r", "kind", kind);
  }
}
