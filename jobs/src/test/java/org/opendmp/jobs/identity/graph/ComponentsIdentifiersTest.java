package org.opendmp.jobs.identity.graph;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.opendmp.common.testing.DatasetAssert.assertRows;
import static org.opendmp.common.testing.DatasetAssert.assertSameRows;
import static org.opendmp.common.testing.DatasetAssert.rows;

import java.nio.file.Path;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opendmp.common.testing.SharedSpark;
import org.opendmp.jobs.generate.GeneratorSpec;
import org.opendmp.jobs.generate.WorldGenerator;
import org.opendmp.jobs.identity.graph.ComponentOptions.CheckpointMode;

/** Components over identifier strings, against the generator's evidence groups. */
class ComponentsIdentifiersTest {
  private static final ComponentOptions OPTS =
      ComponentOptions.DEFAULTS.withCheckpoints(CheckpointMode.LOCAL, 3, null);

  @TempDir Path tmp;

  @Test
  void labelsAreTheSmallestIdentifierAndNullSidesLeaveSingles() {
    Dataset<Row> pairs = rows("id_a STRING, id_b STRING",
        new Object[] {"login|zoe", "cookie|b"},
        new Object[] {"cookie|b", "email_sha256|0f"},
        new Object[] {"maid|x", null},
        new Object[] {null, null},
        new Object[] {"crm_id|9", "crm_id|10"});
    assertRows(Components.ofIdentifiers(pairs, OPTS),
        new Object[] {"login|zoe", "cookie|b"},
        new Object[] {"cookie|b", "cookie|b"},
        new Object[] {"email_sha256|0f", "cookie|b"},
        new Object[] {"maid|x", "maid|x"},
        new Object[] {"crm_id|9", "crm_id|10"},
        new Object[] {"crm_id|10", "crm_id|10"});
  }

  @Test
  void componentsOfAGeneratedWorldAreExactlyItsEvidenceGroups() {
    WorldGenerator.generate(new GeneratorSpec(tmp, 300, 2, LocalDate.of(2026, 11, 2), 7));
    Dataset<Row> truth = SharedSpark.spark().read()
        .option("header", true)
        .option("escape", "\"")
        .schema("id_type STRING, id_value STRING, true_person_id STRING, evidence_group STRING, shared STRING")
        .csv(tmp.resolve("truth/identifiers.csv").toString())
        .select(concat_ws("|", col("id_type"), col("id_value")).as("id"), col("evidence_group"));
    WindowSpec group = Window.partitionBy(col("evidence_group"));
    // Each group's identifiers chained in sorted order, each link randomly oriented; a group's last identifier
    // pairs with null, so single-identifier groups are present too.
    Column next = lead(col("id"), 1).over(group.orderBy(col("id")));
    Column flip = pmod(xxhash64(col("id")), org.apache.spark.sql.functions.lit(2)).equalTo(0).and(next.isNotNull());
    Dataset<Row> pairs = truth.select(
        when(flip, next).otherwise(col("id")).as("id_a"), when(flip, col("id")).otherwise(next).as("id_b"));
    Dataset<Row> expected = truth.select(col("id"), min(col("id")).over(group).as("component"));

    assertThat(expected.select("component").distinct().count()).isGreaterThan(300);
    assertThat(truth.groupBy("evidence_group").count().where("count >= 4").count()).isGreaterThan(20);
    assertSameRows(Components.ofIdentifiers(pairs, OPTS), expected);
  }
}
