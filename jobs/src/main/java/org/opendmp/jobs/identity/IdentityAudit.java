package org.opendmp.jobs.identity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;

/**
 * identity.audit for a night: identifiers by type and per person, persons by size, the largest persons with the
 * identifier that bridges most of tonight's links in each, links by rule and kind, shared links, merges, splits
 * by reason, and the reconciliation rates (share of CRM customers whose person has a cookie, overall and by the
 * rule of the cookie's links; share of cookies whose person is a known customer). Rows {@code metric,
 * dimension, value}; returns the headline numbers. It reads the whole id_graph (its cost follows the graph, a
 * single aggregation) and the links of the persons holding a CRM id (for the rate by rule).
 */
final class IdentityAudit {
  private IdentityAudit() {}

  static Map<String, Object> write(
      Lake lake, LocalDate date, Dataset<Row> links, Dataset<Row> sharedLinks, Dataset<Row> merges, Dataset<Row> splits) {
    Dataset<Row> graph = lake.read(Tables.ID_GRAPH);
    Dataset<Row> perPerson =
        graph.groupBy("person_id")
            .agg(count(lit(1)).as("size"), sum(is("crm_id")).as("crm_ids"), sum(is("cookie")).as("cookies"))
            .cache();
    List<Row> rows = new ArrayList<>();
    for (Row r : graph.groupBy("id_type").count().collectAsList()) {
      rows.add(row("identifiers", r.getString(0), r.getLong(1)));
    }
    Column bucket =
        when(col("size").equalTo(1), "1").when(col("size").equalTo(2), "2").when(col("size").leq(5), "3-5")
            .when(col("size").leq(10), "6-10").when(col("size").leq(50), "11-50").otherwise(">50");
    for (Row r : perPerson.groupBy(bucket.as("b")).count().collectAsList()) {
      rows.add(row("persons_by_size", r.getString(0), r.getLong(1)));
    }
    List<Row> largest = perPerson.orderBy(col("size").desc(), col("person_id")).limit(5).collectAsList();
    for (Row r : largest) {
      rows.add(row("largest_person", r.getString(0), r.getLong(1)));
    }
    rows.addAll(hubs(graph, links, largest));
    for (Row r : graph.groupBy("id_type").agg(count(lit(1)).divide(countDistinct("person_id"))).collectAsList()) {
      rows.add(row("identifiers_per_person", r.getString(0), r.getDouble(1)));
    }
    for (Row r : links.groupBy("rule").count().collectAsList()) {
      rows.add(row("links_tonight", r.getString(0), r.getLong(1)));
    }
    for (Row r : links.groupBy("kind").count().collectAsList()) {
      rows.add(row("links_by_kind", r.getString(0), r.getLong(1)));
    }
    for (Row r : sharedLinks.groupBy("rule").count().collectAsList()) {
      rows.add(row("shared_links", r.getString(0), r.getLong(1)));
    }
    for (Row r : splits.groupBy("reason").count().collectAsList()) {
      rows.add(row("splits_tonight", r.getString(0), r.getLong(1)));
    }
    for (Row r : reconciliationByRule(lake, graph).collectAsList()) {
      rows.add(row("reconciliation_by_rule", r.getString(0), r.getDouble(1)));
    }
    Row totals =
        perPerson.agg(
                count(lit(1)), sum(col("crm_ids")), sum(when(col("cookies").gt(0), col("crm_ids")).otherwise(0)),
                sum(col("cookies")), sum(when(col("crm_ids").gt(0), col("cookies")).otherwise(0)))
            .first();
    perPerson.unpersist();
    long persons = totals.getLong(0);
    double crmWithCookie = ratio(totals, 2, 1);
    double cookiesOfCustomers = ratio(totals, 4, 3);
    long mergeCount = merges.count();
    long splitCount = splits.count();
    rows.add(row("persons", "all", persons));
    rows.add(row("merges_tonight", "all", mergeCount));
    rows.add(row("splits_tonight", "all", splitCount));
    rows.add(row("reconciliation", "crm_customers_with_cookie", crmWithCookie));
    rows.add(row("reconciliation", "cookies_of_known_customers", cookiesOfCustomers));
    lake.replaceDate(Tables.AUDIT, date, lake.spark().createDataFrame(rows, Tables.AUDIT.schema()));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("persons", persons);
    out.put("merges", mergeCount);
    out.put("splits", splitCount);
    out.put("crm_customers_with_cookie", Math.round(crmWithCookie * 10000) / 10000.0);
    out.put("cookies_of_known_customers", Math.round(cookiesOfCustomers * 10000) / 10000.0);
    return out;
  }

  /**
   * The identifier of each of the largest persons with the most of tonight's links: the hub that bridges it.
   * Rows {@code largest_person_hub}, dimension {@code person_id type|value}, value its links tonight.
   */
  private static List<Row> hubs(Dataset<Row> graph, Dataset<Row> links, List<Row> largest) {
    List<Row> out = new ArrayList<>();
    if (largest.isEmpty()) {
      return out;
    }
    List<String> ids = largest.stream().map(r -> r.getString(0)).toList();
    Dataset<Row> members = graph.where(col("person_id").isin(ids.toArray()));
    Dataset<Row> ends =
        links.select(col("id_type_a").as("id_type"), col("id_value_a").as("id_value"))
            .unionByName(links.select(col("id_type_b").as("id_type"), col("id_value_b").as("id_value")));
    Dataset<Row> degree = ends.join(members, Identity.seq("id_type", "id_value")).groupBy("person_id", "id_type", "id_value").count();
    WindowSpec byPerson = Window.partitionBy("person_id").orderBy(col("count").desc(), col("id_type"), col("id_value"));
    for (Row r : degree.withColumn("rank", row_number().over(byPerson)).where(col("rank").equalTo(1)).collectAsList()) {
      out.add(row("largest_person_hub", r.getString(0) + " " + r.getString(1) + "|" + r.getString(2), r.getLong(3)));
    }
    return out;
  }

  /**
   * Per rule of a cookie link: the share of CRM customers (persons holding a crm_id) whose person holds a cookie
   * with a link of that rule. Output: {@code rule, share}.
   */
  private static Dataset<Row> reconciliationByRule(Lake lake, Dataset<Row> graph) {
    Dataset<Row> customers = graph.where(col("id_type").equalTo("crm_id")).select("person_id").distinct();
    long n = customers.count();
    Dataset<Row> cookies = graph.where(col("id_type").equalTo("cookie")).join(customers, "person_id").select("id_value", "person_id");
    Dataset<Row> links = lake.read(Tables.ID_LINKS).where(col("kind").notEqual(DeviceLinks.KIND));
    Dataset<Row> byA = links.where(col("id_type_a").equalTo("cookie")).select(col("id_value_a").as("id_value"), col("rule"));
    Dataset<Row> byB = links.where(col("id_type_b").equalTo("cookie")).select(col("id_value_b").as("id_value"), col("rule"));
    return byA.unionByName(byB).join(cookies, "id_value")
        .groupBy("rule")
        .agg(countDistinct("person_id").divide(lit(Math.max(1, n))).as("share"));
  }

  private static Column is(String type) {
    return when(col("id_type").equalTo(type), 1).otherwise(0);
  }

  private static double ratio(Row r, int num, int den) {
    long d = r.isNullAt(den) ? 0 : r.getLong(den);
    return d == 0 ? 0.0 : (double) r.getLong(num) / d;
  }

  private static Row row(String metric, String dimension, double value) {
    return RowFactory.create(metric, dimension, value, null);
  }
}
