package org.opendmp.jobs.activate;

import static org.apache.spark.sql.functions.array_position;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * The marketing-pressure cap across destinations. A contact is a person's <em>entry</em> into a destination's
 * audience (sent tonight, not in that destination's previous delivery): the moment a partner is told to reach them.
 * Staying in an audience is not a new contact, so people already sent are never held back (holding them back would
 * make the partner drop and re-add them). Offline contacts (catalog mailings, call-center appointments) come from
 * gold.scores' pressure_7d.
 */
public final class PressureFrames {
  private PressureFrames() {}

  /**
   * The entries of a window of deliveries, counted per person. Input: {@code delivered} (activation.audience rows:
   * destination, person_id, run_date) holding every night of {@code deliveries} and their previous nights;
   * {@code deliveries} (destination, run_date, previous_run_date: the destination's delivery before it, null for the
   * first) of the nights to count. Output: person_id, entries (> 0).
   */
  public static Dataset<Row> entries(Dataset<Row> delivered, Dataset<Row> deliveries) {
    Dataset<Row> sent = delivered.select("destination", "person_id", "run_date")
        .join(deliveries, scala(List.of("destination", "run_date")));
    Dataset<Row> before = delivered.select(col("destination"), col("person_id"), col("run_date").as("previous_run_date"));
    return sent.join(before, scala(List.of("destination", "person_id", "previous_run_date")), "left_anti")
        .groupBy("person_id").agg(count(lit(1)).as("entries"));
  }

  /**
   * Tonight's audiences under the cap. Input: {@code audiences} (destination, person_id and any other columns: every
   * destination's eligible audience tonight), {@code previous} (destination, person_id: each destination's previous
   * delivery), {@code pastContacts} (person_id, contacts: the person's contacts of the 6 previous nights and of
   * pressure_7d; absent = 0). A person's entries of tonight are granted in {@code priority} order (destination ids,
   * highest first; each destination of {@code audiences} listed) while past contacts + entries granted stays within
   * {@code maxContacts}; the others are held back. Output: the rows of {@code audiences} kept, same columns.
   */
  public static Dataset<Row> capped(Dataset<Row> audiences, Dataset<Row> previous, Dataset<Row> pastContacts,
      int maxContacts, List<String> priority) {
    Column rank = array_position(org.apache.spark.sql.functions.array(priority.stream().map(p -> lit(p)).toArray(Column[]::new)),
        col("destination"));
    Dataset<Row> stayed = previous.select(col("destination"), col("person_id"), lit(true).as("stays"));
    Dataset<Row> flagged = audiences
        .join(stayed, scala(List.of("destination", "person_id")), "left_outer")
        .join(pastContacts.select(col("person_id"), col("contacts").as("past_contacts")), scala(List.of("person_id")), "left_outer")
        .withColumn("is_entry", col("stays").isNull())
        .withColumn("priority_rank", rank);
    Column nthEntry = sum(when(col("is_entry"), 1).otherwise(0))
        .over(Window.partitionBy("person_id").orderBy(col("is_entry").desc(), col("priority_rank"))
            .rowsBetween(Window.unboundedPreceding(), Window.currentRow()));
    return flagged
        .withColumn("contacts_so_far", coalesce(col("past_contacts"), lit(0L)).plus(nthEntry))
        .where(col("is_entry").equalTo(false).or(col("contacts_so_far").leq(maxContacts)))
        .select(audiences.columns()[0], java.util.Arrays.copyOfRange(audiences.columns(), 1, audiences.columns().length));
  }

  private static scala.collection.immutable.Seq<String> scala(List<String> columns) {
    return scala.jdk.javaapi.CollectionConverters.asScala(columns).toSeq();
  }
}
