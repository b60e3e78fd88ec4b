package org.opendmp.jobs.identity;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** Pure transforms from identifier co-occurrences to deterministic links. No IO, no actions. */
public final class DeterministicLinks {
  private DeterministicLinks() {}

  private static final StructType RULES = StructType.fromDDL("rule STRING, rule_source STRING, type_x STRING, type_y STRING");

  /** The rules as a small frame; {@code partner_uid:*} becomes the SQL pattern {@code partner_uid:%}. */
  static Dataset<Row> rules(SparkSession spark, IdentityConfig conf) {
    List<Row> rows = new ArrayList<>();
    for (IdentityConfig.Rule r : conf.rules()) {
      rows.add(RowFactory.create(r.name(), r.source(), r.types().get(0).replace("*", "%"), r.types().get(1).replace("*", "%")));
    }
    return spark.createDataFrame(rows, RULES);
  }

  /**
   * The night's links: observations (silver.id_observations columns) matched to rules by source and by their
   * two identifier types in either order. Shared values (a cookie with several logins) are the guards' business
   * ({@link IdGuards}), not this transform's. Output: {@code id_type_a, id_value_a, id_type_b, id_value_b, rule,
   * n} (n = observations that night), one row per pair and rule.
   */
  public static Dataset<Row> of(Dataset<Row> observations, Dataset<Row> rules) {
    Column sameOrder = expr("id_type_a LIKE type_x AND id_type_b LIKE type_y");
    Column swapped = expr("id_type_a LIKE type_y AND id_type_b LIKE type_x");
    return observations.join(broadcast(rules), col("source").equalTo(col("rule_source")).and(sameOrder.or(swapped)))
        .groupBy("id_type_a", "id_value_a", "id_type_b", "id_value_b", "rule")
        .agg(count(lit(1)).as("n"));
  }
}
