package org.opendmp.jobs.identity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
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
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;

/**
 * identity.audit for a night: persons and identifiers, persons by size, the largest persons, links by rule,
 * merges, and the reconciliation rates (share of CRM customers whose person has a cookie; share of cookies whose
 * person is a known customer). Rows {@code metric, dimension, value}; returns the headline numbers.
 */
final class IdentityAudit {
  private IdentityAudit() {}

  static Map<String, Object> write(Lake lake, LocalDate date, Dataset<Row> links, Dataset<Row> merges) {
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
    for (Row r : perPerson.orderBy(col("size").desc(), col("person_id")).limit(5).collectAsList()) {
      rows.add(row("largest_person", r.getString(0), r.getLong(1)));
    }
    for (Row r : links.groupBy("rule").count().collectAsList()) {
      rows.add(row("links_tonight", r.getString(0), r.getLong(1)));
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
    rows.add(row("persons", "all", persons));
    rows.add(row("merges_tonight", "all", mergeCount));
    rows.add(row("reconciliation", "crm_customers_with_cookie", crmWithCookie));
    rows.add(row("reconciliation", "cookies_of_known_customers", cookiesOfCustomers));
    lake.replaceDate(Tables.AUDIT, date, lake.spark().createDataFrame(rows, Tables.AUDIT.schema()));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("persons", persons);
    out.put("crm_customers_with_cookie", Math.round(crmWithCookie * 10000) / 10000.0);
    out.put("cookies_of_known_customers", Math.round(cookiesOfCustomers * 10000) / 10000.0);
    return out;
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
