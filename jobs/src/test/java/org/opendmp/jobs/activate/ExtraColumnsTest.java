package org.opendmp.jobs.activate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.opendmp.common.table.Tables;
import org.opendmp.jobs.activate.DestinationsConfig.Destination;
import org.opendmp.jobs.activate.DestinationsConfig.Format;
import org.opendmp.jobs.testing.TableRows;

/**
 * A destination's extra csv columns (use case 1's nearest agency, use case 2's abandoned product and offer) on
 * hand-made frames: values from profiles, traits and conf, in the header and the lines, resent when they change.
 */
class ExtraColumnsTest {
  static final Destination SMS = new Destination("sms", "SMS", List.of("crm_id"), Map.of("carts", "CART"), "sms", null, "csv",
      "incremental", null, null, null, null, null, null,
      columns("agency", "profile.nearest_agency", "product", "trait.last_abandoned_sku_7d", "offer", "'CART10'"), null);

  @Test
  void valuesComeFromProfilesTraitsAndConf() {
    assertThat(SMS.spec(LocalDate.parse("2026-11-02")).header()).isEqualTo("id_type,id,codes,removed_codes,agency,product,offer");
    Dataset<Row> audience = audience("P1", "C1", "P2", "C2");
    Dataset<Row> profiles = TableRows.of(Tables.PROFILES, Map.of("person_id", "P1", "nearest_agency", "AG01"),
        Map.of("person_id", "P2"));
    Dataset<Row> traits = TableRows.of(Tables.TRAITS, Map.of("person_id", "P1", "texts", Map.of("last_abandoned_sku_7d", "SKU9")));
    Dataset<Row> withValues = ActivationFrames.withColumns(audience, profiles, traits, SMS);
    assertThat(lines(ActivationFrames.changes(withValues, null))).containsExactly(
        "crm_id,C1,CART,,AG01,SKU9,CART10", "crm_id,C2,CART,,,,CART10");
    // next night: C1's product changed (same codes: resent), C2 unchanged (not sent), C3 left (removal, empty values)
    Dataset<Row> before = ActivationFrames.withColumns(audience("P1", "C1", "P2", "C2", "P3", "C3"), profiles,
        TableRows.of(Tables.TRAITS, Map.of("person_id", "P1", "texts", Map.of("last_abandoned_sku_7d", "SKU1"))), SMS);
    assertThat(lines(ActivationFrames.changes(withValues, before))).containsExactly(
        "crm_id,C1,CART,,AG01,SKU9,CART10", "crm_id,C3,,CART,,,");
    // without extra columns nothing is appended
    Dataset<Row> plain = ActivationFrames.withColumns(audience, profiles, null,
        new Destination("p", "P", List.of("crm_id"), Map.of("carts", "CART"), "sms", null, "csv", null, null, null, null, null));
    assertThat(ActivationFrames.lines(ActivationFrames.changes(plain, null), Format.CSV).collectAsList())
        .extracting(r -> r.getString(0)).containsExactlyInAnyOrder("crm_id,C1,CART,", "crm_id,C2,CART,");
  }

  static List<String> lines(Dataset<Row> changes) {
    return ActivationFrames.lines(changes, Format.CSV, 3).collectAsList().stream().map(r -> r.getString(0)).sorted().toList();
  }

  /** person, crm id pairs, each in segment carts. */
  static Dataset<Row> audience(String... personAndId) {
    List<Row> rows = new java.util.ArrayList<>();
    for (int i = 0; i < personAndId.length; i += 2) {
      rows.add(org.apache.spark.sql.RowFactory.create(personAndId[i], "crm_id",
          scala.jdk.javaapi.CollectionConverters.asScala(List.of(personAndId[i + 1])).toSeq(),
          scala.jdk.javaapi.CollectionConverters.asScala(List.of("carts")).toSeq(),
          scala.jdk.javaapi.CollectionConverters.asScala(List.of("CART")).toSeq()));
    }
    return org.opendmp.common.testing.SharedSpark.spark().createDataFrame(rows, new org.apache.spark.sql.types.StructType()
        .add("person_id", "string").add("id_type", "string").add("id_values", "array<string>")
        .add("segments", "array<string>").add("codes", "array<string>"));
  }

  static Map<String, String> columns(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }
}
