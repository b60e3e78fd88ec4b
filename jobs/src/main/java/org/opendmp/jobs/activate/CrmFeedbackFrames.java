package org.opendmp.jobs.activate;

import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.transform;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.opendmp.jobs.activate.DestinationsConfig.Destination;

/**
 * The CRM feedback's pure transforms (seed use case 3): what the agent sees for a customer besides the segments --
 * scores, VIP flag, the product pages seen since the last contact and a recommended product.
 */
public final class CrmFeedbackFrames {
  private CrmFeedbackFrames() {}

  /** Event types of silver.events the feedback reads. */
  public static final List<String> VIEWS = List.of("product_view");
  public static final List<String> PURCHASES = List.of("purchase", "store_purchase");
  /** A call-center appointment or a catalog mailing is a contact: the pages listed are those seen after it. */
  public static final List<String> CONTACTS = List.of("callcenter_appointment", "catalog_mailing");

  /**
   * The window's events that matter, resolved to persons. Input: {@code events} (silver.events of the window:
   * event_time, event_type, id_type, id_value, sku, category, is_bot, run_date), {@code idGraph} (id_type, id_value, person_id).
   * Output: person_id, event_time, event_type, sku, category, run_date; events of identifiers the graph does not know are left
   * out (nobody to tell the CRM about).
   */
  public static Dataset<Row> personEvents(Dataset<Row> events, Dataset<Row> idGraph) {
    List<String> types = new ArrayList<>(VIEWS);
    types.addAll(PURCHASES);
    types.addAll(CONTACTS);
    return events.where(col("event_type").isin(types.toArray()).and(coalesce(col("is_bot"), lit(false)).equalTo(false)))
        .join(idGraph.select("id_type", "id_value", "person_id"), scala(List.of("id_type", "id_value")))
        .select("person_id", "event_time", "event_type", "sku", "category", "run_date");
  }

  /**
   * Pages since the last contact and the recommendation, per person. The last contact is the person's latest
   * contact loaded before {@code date}: tonight's appointment is the one the agent prepares, not a past contact (seed
   * use case 3: the customer browsed in the days before it). Pages: the distinct skus of the person's product views
   * after that contact (all the window's views when there is none in the window), most recently viewed
   * first (ties by sku), at most {@code maxPages}, joined by {@code |}. Recommendation: the best seller of the
   * category the person viewed most among those views (ties: the smallest category name), where the best seller is
   * the sku most purchased, by anybody, in that category over the window (ties: the smallest sku); a purchase
   * without category takes its sku's category from the window's views. Null when that category sold nothing.
   * Input: {@link #personEvents}. Output: person_id, pages, recommended_product; persons without a view since their
   * last contact are absent.
   */
  public static Dataset<Row> pagesAndRecommendation(Dataset<Row> events, java.time.LocalDate date, int maxPages) {
    Dataset<Row> lastContact = events.where(col("event_type").isin(CONTACTS.toArray())
            .and(col("run_date").lt(lit(java.sql.Date.valueOf(date)))))
        .groupBy("person_id").agg(max(col("event_time")).as("last_contact"));
    Dataset<Row> views = events.where(col("event_type").isin(VIEWS.toArray()).and(col("sku").isNotNull()))
        .join(lastContact, scala(List.of("person_id")), "left_outer")
        .where(col("last_contact").isNull().or(col("event_time").gt(col("last_contact"))));
    Dataset<Row> pages = views.groupBy("person_id", "sku").agg(max(col("event_time")).as("last_seen"))
        .withColumn("rank", row_number().over(Window.partitionBy("person_id").orderBy(col("last_seen").desc(), col("sku"))))
        .where(col("rank").leq(maxPages))
        .groupBy("person_id")
        .agg(array_join(transform(array_sort(collect_list(struct(col("rank"), col("sku")))), s -> s.getField("sku")), "|")
            .as("pages"));
    Dataset<Row> topCategory = views.where(col("category").isNotNull()).groupBy("person_id", "category").agg(count(lit(1)).as("n"))
        .withColumn("rank", row_number().over(Window.partitionBy("person_id").orderBy(col("n").desc(), col("category"))))
        .where(col("rank").equalTo(1)).select("person_id", "category");
    Dataset<Row> skuCategory = events.where(col("sku").isNotNull().and(col("category").isNotNull()))
        .groupBy("sku").agg(min(col("category")).as("sku_category"));
    Dataset<Row> bestSellers = events.where(col("event_type").isin(PURCHASES.toArray()).and(col("sku").isNotNull()))
        .join(skuCategory, scala(List.of("sku")), "left_outer")
        .withColumn("category", coalesce(col("category"), col("sku_category")))
        .where(col("category").isNotNull())
        .groupBy("category", "sku").agg(count(lit(1)).as("n"))
        .withColumn("rank", row_number().over(Window.partitionBy("category").orderBy(col("n").desc(), col("sku"))))
        .where(col("rank").equalTo(1)).select(col("category"), col("sku").as("recommended_product"));
    Dataset<Row> recommended = topCategory.join(bestSellers, scala(List.of("category")), "left_outer")
        .select("person_id", "recommended_product");
    return pages.join(recommended, scala(List.of("person_id")), "left_outer");
  }

  /**
   * Appends the CRM's values to each person's column_values, in {@code d.crm().columns()} order: each listed score
   * of {@code scores} (gold.scores of the night: person_id, score, value), the VIP flag of {@code profiles}
   * (gold.profiles of the night; null counts as false), then pages and recommended_product of {@code feedback}
   * ({@link #pagesAndRecommendation}). A missing value is the empty string. Input: an audience with column_values
   * ({@link ActivationFrames#withColumns}). Output: the same rows and columns.
   */
  public static Dataset<Row> withFeedback(
      Dataset<Row> audience, Dataset<Row> profiles, Dataset<Row> scores, Dataset<Row> feedback, Destination d) {
    List<String> names = d.crm().scores();
    Dataset<Row> out = audience.join(profiles.select(col("person_id"), coalesce(col("vip"), lit(false)).as("crm_vip")),
        scala(List.of("person_id")), "left_outer");
    if (!names.isEmpty()) {
      Dataset<Row> wide = scores.where(col("score").isin(names.toArray())).groupBy("person_id")
          .pivot("score", new ArrayList<>(names)).agg(first(col("value")));
      List<Column> renamed = new ArrayList<>(List.of(col("person_id")));
      names.forEach(n -> renamed.add(col("`" + n + "`").as("crm_score_" + n)));
      out = out.join(wide.select(renamed.toArray(Column[]::new)), scala(List.of("person_id")), "left_outer");
    }
    out = out.join(feedback.select(col("person_id"), col("pages").as("crm_pages"), col("recommended_product").as("crm_reco")),
        scala(List.of("person_id")), "left_outer");
    List<Column> values = new ArrayList<>();
    names.forEach(n -> values.add(col("crm_score_" + n).cast("string")));
    values.add(coalesce(col("crm_vip"), lit(false)).cast("string"));
    values.add(col("crm_pages"));
    values.add(col("crm_reco"));
    Column appended = concat(col("column_values"),
        org.apache.spark.sql.functions.array(values.stream().map(v -> coalesce(v, lit(""))).toArray(Column[]::new)));
    List<Column> keep = new ArrayList<>();
    for (String c : audience.columns()) {
      keep.add(c.equals("column_values") ? appended.as("column_values") : col(c));
    }
    return out.select(keep.toArray(Column[]::new));
  }

  private static scala.collection.immutable.Seq<String> scala(List<String> columns) {
    return scala.jdk.javaapi.CollectionConverters.asScala(columns).toSeq();
  }
}
