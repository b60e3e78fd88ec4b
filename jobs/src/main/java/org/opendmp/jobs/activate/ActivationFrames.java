package org.opendmp.jobs.activate;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_except;
import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.array_position;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.opendmp.jobs.activate.DestinationsConfig.Destination;
import org.opendmp.jobs.activate.DestinationsConfig.Format;

/** The activate job's pure transforms: who a destination gets tonight, and the lines that tell the partner. */
public final class ActivationFrames {
  private ActivationFrames() {}

  /**
   * Tonight's eligible audience of a destination: members of its mapped segments who are not in the control group,
   * whose consent for the destination's purpose is true and who are contactable on it, minus every member (control
   * included) of its suppression segments and everybody on the global opt-out list, with the identifiers of the first
   * accepted type they have.
   *
   * <p>Input: {@code membership} (gold.segment_membership of the night: person_id, segment_id, is_control; a null
   * is_control counts as false), {@code profiles} (gold.profiles of the night: person_id, consent_&lt;purpose&gt;,
   * contactable_&lt;purpose&gt;; null counts as false), {@code idGraph} (identity.id_graph: id_type, id_value,
   * person_id), {@code optedOut} (person_id, as {@link #optedOut} returns). Output, one row per person: person_id, id_type, id_values (sorted, distinct), segments (segment ids,
   * sorted), codes (the partner's codes, sorted, distinct). A person without an identifier of an accepted type is
   * left out.
   */
  public static Dataset<Row> audience(
      Dataset<Row> membership, Dataset<Row> profiles, Dataset<Row> idGraph, Dataset<Row> optedOut, Destination d) {
    List<Column> pairs = new ArrayList<>();
    for (Map.Entry<String, String> e : d.segments().entrySet()) {
      pairs.add(lit(e.getKey()));
      pairs.add(lit(e.getValue()));
    }
    Column code = element_at(map(pairs.toArray(Column[]::new)), col("segment_id"));
    Dataset<Row> members = membership
        .where(col("segment_id").isin(d.segments().keySet().toArray()).and(not(coalesce(col("is_control"), lit(false)))))
        .select(col("person_id"), col("segment_id"), code.as("code"));
    Dataset<Row> consenting = profiles
        .where(coalesce(col("consent_" + d.purpose()), lit(false)).and(coalesce(col("contactable_" + d.purpose()), lit(false))))
        .select("person_id");
    Dataset<Row> eligible = members.join(consenting, scala(List.of("person_id")), "left_semi")
        .join(optedOut, scala(List.of("person_id")), "left_anti");
    if (!d.suppress().isEmpty()) {
      Dataset<Row> suppressed = membership.where(col("segment_id").isin(d.suppress().toArray())).select("person_id");
      eligible = eligible.join(suppressed, scala(List.of("person_id")), "left_anti");
    }
    Dataset<Row> perPerson = eligible.groupBy("person_id")
        .agg(array_sort(collect_set(col("segment_id"))).as("segments"), array_sort(collect_set(col("code"))).as("codes"));
    Column preference = array_position(array(d.idTypes().stream().map(t -> lit(t)).toArray(Column[]::new)), col("id_type"));
    Dataset<Row> ids = idGraph
        .where(col("id_type").isin(d.idTypes().toArray()).and(col("id_value").isNotNull()).and(col("person_id").isNotNull()))
        .select(col("person_id"), col("id_type"), col("id_value"), preference.as("preference"));
    ids = ids.join(perPerson.select("person_id"), scala(List.of("person_id")), "left_semi");
    Dataset<Row> best = ids.groupBy("person_id").agg(min(col("preference")).as("preference"));
    Dataset<Row> chosen = ids.join(best, scala(List.of("person_id", "preference")))
        .groupBy("person_id", "id_type")
        .agg(array_sort(collect_set(col("id_value"))).as("id_values"));
    return perPerson.join(chosen, "person_id")
        .select(col("person_id"), col("id_type"), col("id_values"), col("segments"), col("codes"));
  }

  /**
   * The persons on the global opt-out list: every person holding one of its identifiers in the id graph (one listed
   * identifier opts the whole person out, whatever identifier a destination would send). Input: {@code optOut}
   * (id_type, id_value, as {@link OptOutList#read} returns), {@code idGraph} (id_type, id_value, person_id). Output:
   * person_id, distinct; a listed identifier the graph does not know matches nobody.
   */
  public static Dataset<Row> optedOut(Dataset<Row> optOut, Dataset<Row> idGraph) {
    return idGraph.join(optOut, scala(List.of("id_type", "id_value")), "left_semi")
        .where(col("person_id").isNotNull()).select("person_id").distinct();
  }

  /**
   * What a delivery tells the partner, one row per identifier: id_type, id_value, codes (sent tonight, sorted) and
   * removed (codes sent last time and not tonight, sorted). Full: every identifier of {@code current}, removed
   * empty. Incremental ({@code previous} non-null: the audience of the previous delivery): only the identifiers
   * whose codes changed, including those no longer sent at all (codes empty); an unchanged identifier is not sent.
   * Input: audiences as {@link #audience} returns them.
   */
  public static Dataset<Row> changes(Dataset<Row> current, Dataset<Row> previous) {
    Column none = array().cast("array<string>");
    Dataset<Row> now = byId(current);
    if (previous == null) {
      return now.select(col("id_type"), col("id_value"), col("codes"), none.as("removed"));
    }
    Dataset<Row> before = byId(previous).withColumnRenamed("codes", "previous_codes");
    return now.join(before, scala(List.of("id_type", "id_value")), "full_outer")
        .select(col("id_type"), col("id_value"), coalesce(col("codes"), none).as("codes"),
            coalesce(col("previous_codes"), none).as("previous_codes"))
        .where(not(col("codes").equalTo(col("previous_codes"))))
        .select(col("id_type"), col("id_value"), col("codes"), array_except(col("previous_codes"), col("codes")).as("removed"));
  }

  /**
   * The data lines of {@link #changes} in the destination's format, one column {@code line}, unordered (the job
   * sorts them). aam: {@code <id>\t<code,code>\t<removed,...>}; csv: {@code id_type,id,codes,removed_codes} with
   * codes joined by {@code |} and an id holding a comma or a quote quoted (RFC 4180).
   */
  public static Dataset<Row> lines(Dataset<Row> changes, Format format) {
    Column line = switch (format) {
      case AAM -> concat_ws("\t", col("id_value"), array_join(col("codes"), ","), array_join(col("removed"), ","));
      case CSV -> concat_ws(",", col("id_type"), csvField(col("id_value")), array_join(col("codes"), "|"),
          array_join(col("removed"), "|"));
    };
    return changes.select(line.as("line"));
  }

  /** Persons per segment id of the audience: segment_id, persons. */
  public static Dataset<Row> segmentCounts(Dataset<Row> audience) {
    return audience.select(col("person_id"), explode(col("segments")).as("segment_id")).groupBy("segment_id").count()
        .withColumnRenamed("count", "persons");
  }

  private static Dataset<Row> byId(Dataset<Row> audience) {
    return audience.select(col("id_type"), explode(col("id_values")).as("id_value"), col("codes"));
  }

  private static Column csvField(Column c) {
    return when(c.rlike("[,\"\\r\\n]"), concat(lit("\""), regexp_replace(c, "\"", "\"\""), lit("\""))).otherwise(c);
  }

  private static scala.collection.immutable.Seq<String> scala(List<String> columns) {
    return scala.jdk.javaapi.CollectionConverters.asScala(columns).toSeq();
  }
}
