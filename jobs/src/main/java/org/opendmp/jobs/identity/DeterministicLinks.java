package org.opendmp.jobs.identity;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
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
   * two identifier types in either order. Cookies seen with more than {@code maxLoginsPerCookie} logins in the
   * night are shared devices: their cookie-login links are left out. Output: {@code id_type_a, id_value_a,
   * id_type_b, id_value_b, rule, n} (n = observations that night), one row per pair and rule.
   */
  public static Dataset<Row> of(Dataset<Row> observations, Dataset<Row> rules, int maxLoginsPerCookie) {
    Column sameOrder = expr("id_type_a LIKE type_x AND id_type_b LIKE type_y");
    Column swapped = expr("id_type_a LIKE type_y AND id_type_b LIKE type_x");
    Dataset<Row> matched =
        observations.join(broadcast(rules), col("source").equalTo(col("rule_source")).and(sameOrder.or(swapped)));
    Dataset<Row> shared = sharedCookies(observations, maxLoginsPerCookie);
    Dataset<Row> kept =
        matched.join(shared, matched.col("id_type_a").equalTo(lit("cookie")).and(matched.col("id_type_b").equalTo(lit("login")))
            .and(matched.col("id_value_a").equalTo(shared.col("shared_cookie"))), "left_anti");
    return kept.groupBy("id_type_a", "id_value_a", "id_type_b", "id_value_b", "rule").agg(count(lit(1)).as("n"));
  }

  /** Cookies seen with more than {@code max} distinct logins among the observations: {@code shared_cookie}. */
  public static Dataset<Row> sharedCookies(Dataset<Row> observations, int max) {
    return observations.where(col("id_type_a").equalTo("cookie").and(col("id_type_b").equalTo("login")))
        .groupBy(col("id_value_a").as("shared_cookie"))
        .agg(countDistinct(col("id_value_b")).as("logins"))
        .where(col("logins").gt(max))
        .select("shared_cookie");
  }
}
