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
 * Use case 1's routing on hand-made frames: car intenders go to SMS when they consented to SMS and have a phone,
 * otherwise to postal mail (postal_partner is {@code fallback_for: sms_partner}).
 */
class RoutingTest {
  static final Destination SMS = new Destination("sms", "SMS", List.of("phone_sha256"), Map.of("cars", "CAR", "carts", "CART"),
      "sms", null, "csv", null, null, null, null, null);
  static final Destination POSTAL = new Destination("postal", "Post", List.of("crm_id"), Map.of("cars", "CAR"), "postal", null,
      "csv", null, null, null, null, null, null, null, null, "sms");
  static final Destination DSP = new Destination("dsp", "DSP", List.of("crm_id"), Map.of("cars", "CAR"), "postal", null,
      "csv", null, null, null, null, null);

  @Test
  void theFallbackGetsOnlyThoseItsPrimaryDoesNotSend() {
    // P1 sms consent and a phone; P2 sms consent, no phone; P3 postal only; P4 both consents and a phone;
    // P5 cart abandoner by sms and car intender: SMS carries both
    Dataset<Row> graph = TableRows.of(Tables.ID_GRAPH, ActivateJobTest.id("phone_sha256", "ph1", "P1"),
        ActivateJobTest.id("crm_id", "C1", "P1"), ActivateJobTest.id("crm_id", "C2", "P2"), ActivateJobTest.id("crm_id", "C3", "P3"),
        ActivateJobTest.id("phone_sha256", "ph4", "P4"), ActivateJobTest.id("crm_id", "C4", "P4"),
        ActivateJobTest.id("phone_sha256", "ph5", "P5"), ActivateJobTest.id("crm_id", "C5", "P5"));
    Dataset<Row> membership = TableRows.of(Tables.SEGMENT_MEMBERSHIP, ActivateJobTest.member("P1", "cars", false),
        ActivateJobTest.member("P2", "cars", false), ActivateJobTest.member("P3", "cars", false),
        ActivateJobTest.member("P4", "cars", false), ActivateJobTest.member("P5", "cars", false),
        ActivateJobTest.member("P5", "carts", false));
    Dataset<Row> profiles = TableRows.of(Tables.PROFILES, ActivateJobTest.profile("P1", "sms", "postal"),
        ActivateJobTest.profile("P2", "sms", "postal"), ActivateJobTest.profile("P3", "postal"),
        ActivateJobTest.profile("P4", "sms", "postal"), ActivateJobTest.profile("P5", "sms", "postal"));
    Dataset<Row> nobody = graph.select("person_id").where("false");
    Dataset<Row> all = null;
    for (Destination d : List.of(SMS, POSTAL, DSP)) {
      Dataset<Row> a = ActivationFrames.audience(membership, profiles, graph, nobody, d)
          .withColumn("destination", org.apache.spark.sql.functions.lit(d.id()));
      all = all == null ? a : all.unionByName(a);
    }
    List<String> routed = ActivationFrames.routed(all, List.of(SMS, POSTAL, DSP)).collectAsList().stream()
        .map(r -> r.<String>getAs("destination") + " " + r.<String>getAs("person_id")).sorted().toList();
    assertThat(routed).containsExactly("dsp P1", "dsp P2", "dsp P3", "dsp P4", "dsp P5", "postal P2", "postal P3",
        "sms P1", "sms P4", "sms P5");
    // without a fallback, everybody with both consents gets both
    assertThat(ActivationFrames.routed(all, List.of(SMS, DSP)).count()).isEqualTo(all.count()).isEqualTo(13);
  }

  /** also_requires: a partner keeping what it receives gets only those who also agreed to data sharing. */
  @Test
  void aDestinationRequiringDataSharingSendsOnlyThoseWhoAgreedToIt() {
    Destination sharing = new Destination("onboarding", "Onboarder", List.of("crm_id"), Map.of("cars", "CAR"), "ads", null, "csv",
        null, null, null, null, null, null, null, null, null, null, null, List.of("data_sharing"));
    Dataset<Row> graph = TableRows.of(Tables.ID_GRAPH, ActivateJobTest.id("crm_id", "C1", "P1"), ActivateJobTest.id("crm_id", "C2", "P2"),
        ActivateJobTest.id("crm_id", "C3", "P3"));
    Dataset<Row> membership = TableRows.of(Tables.SEGMENT_MEMBERSHIP, ActivateJobTest.member("P1", "cars", false),
        ActivateJobTest.member("P2", "cars", false), ActivateJobTest.member("P3", "cars", false));
    // P1 ads and data sharing; P2 ads only; P3 data sharing only
    Dataset<Row> profiles = TableRows.of(Tables.PROFILES, withDataSharing(ActivateJobTest.profile("P1", "ads"), true),
        withDataSharing(ActivateJobTest.profile("P2", "ads"), false), withDataSharing(ActivateJobTest.profile("P3"), true));
    Dataset<Row> nobody = graph.select("person_id").where("false");
    assertThat(ActivationFrames.audience(membership, profiles, graph, nobody, sharing).collectAsList())
        .extracting(r -> r.<String>getAs("person_id")).containsExactly("P1");
    Destination plain = new Destination("ads", "DSP", List.of("crm_id"), Map.of("cars", "CAR"), "ads", null, "csv", null, null, null,
        null, null);
    assertThat(ActivationFrames.audience(membership, profiles, graph, nobody, plain).count()).as("ads alone").isEqualTo(2);
  }

  private static Map<String, Object> withDataSharing(Map<String, Object> profile, boolean granted) {
    profile.put("consent_data_sharing", granted);
    return profile;
  }
}
