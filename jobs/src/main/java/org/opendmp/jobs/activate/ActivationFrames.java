package org.opendmp.jobs.activate;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_except;
import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.array_position;
import static org.apache.spark.sql.functions.array_repeat;
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
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.try_element_at;
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
   * whose consent for the destination's purpose is true and who are contactable on it, with the consents it also
   * requires (also_requires), minus every member (control
   * included) of its suppression segments and everybody on the global opt-out list, with the identifiers of the first
   * accepted type they have.
   *
   * <p>Input: {@code membership} (gold.segment_membership of the night: person_id, segment_id, is_control; a null
   * is_control counts as false), {@code profiles} (gold.profiles of the night: person_id, consent_&lt;purpose&gt;,
   * contactable_&lt;purpose&gt;, consent_&lt;each also_requires purpose&gt;; null counts as false), {@code idGraph} (identity.id_graph: id_type, id_value,
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
    Column consents = coalesce(col("consent_" + d.purpose()), lit(false)).and(coalesce(col("contactable_" + d.purpose()), lit(false)));
    for (String purpose : d.alsoRequires()) {
      consents = consents.and(coalesce(col("consent_" + purpose), lit(false)));
    }
    Dataset<Row> consenting = profiles.where(consents).select("person_id");
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
   * The id graph restricted to identifiers a deterministic-only destination may receive: those with a deterministic
   * link of silver.id_links to another identifier of the same person, and those no link touches (a person of one
   * identifier, nothing inferred). An identifier the person holds only through probabilistic or device links is left
   * out. The rule is per identifier: two deterministic islands of one person joined by a probabilistic link both
   * qualify. Input: {@code idGraph} (id_type, id_value, person_id), {@code idLinks} (id_type_a, id_value_a, id_type_b,
   * id_value_b, kind). Output: the rows of {@code idGraph} kept, same columns.
   */
  public static Dataset<Row> deterministicIds(Dataset<Row> idGraph, Dataset<Row> idLinks) {
    Dataset<Row> ends = idLinks.select(col("id_type_a").as("id_type"), col("id_value_a").as("id_value"),
            col("id_type_b").as("other_type"), col("id_value_b").as("other_value"), col("kind"))
        .unionByName(idLinks.select(col("id_type_b").as("id_type"), col("id_value_b").as("id_value"),
            col("id_type_a").as("other_type"), col("id_value_a").as("other_value"), col("kind")));
    Dataset<Row> owners = idGraph.select(col("id_type"), col("id_value"), col("person_id"));
    Dataset<Row> others = idGraph.select(col("id_type").as("other_type"), col("id_value").as("other_value"),
        col("person_id").as("other_person"));
    Dataset<Row> tied = ends.where(col("kind").equalTo("deterministic"))
        .join(owners, scala(List.of("id_type", "id_value")))
        .join(others, scala(List.of("other_type", "other_value")))
        .where(col("person_id").equalTo(col("other_person")))
        .select("id_type", "id_value").distinct();
    Dataset<Row> linked = ends.select("id_type", "id_value").distinct();
    Dataset<Row> alone = idGraph.join(linked, scala(List.of("id_type", "id_value")), "left_anti");
    return idGraph.join(tied, scala(List.of("id_type", "id_value")), "left_semi").unionByName(alone);
  }

  /**
   * The destination's extra columns for each person of its audience, as {@code column_values} (conf order; a null
   * value is the empty string, what the file shows): {@code profile.<column>} from {@code profiles} (gold.profiles of
   * the night), {@code trait.<name>} from {@code traits} (gold.traits of the night: texts, else numbers, else times;
   * may be null when no column reads a trait), a quoted constant as is. Input: an audience as {@link #audience}
   * returns it. Output: the same rows with column_values (empty without extra columns).
   */
  public static Dataset<Row> withColumns(Dataset<Row> audience, Dataset<Row> profiles, Dataset<Row> traits, Destination d) {
    if (d.columns().isEmpty()) {
      return audience.withColumn("column_values", array().cast("array<string>"));
    }
    Dataset<Row> out = audience.join(profiles.select(col("person_id"), org.apache.spark.sql.functions.struct("*").as("profile")),
        scala(List.of("person_id")), "left_outer");
    boolean readsTraits = d.columns().values().stream().anyMatch(v -> v.startsWith("trait."));
    if (readsTraits) {
      out = out.join(traits.select(col("person_id"), col("texts").as("t_texts"), col("numbers").as("t_numbers"),
          col("times").as("t_times")), scala(List.of("person_id")), "left_outer");
    }
    List<Column> values = new ArrayList<>();
    for (String v : d.columns().values()) {
      Column value;
      if (v.startsWith("profile.")) {
        value = col("profile").getField(v.substring(8)).cast("string");
      } else if (v.startsWith("trait.")) {
        String t = v.substring(6);
        value = coalesce(try_element_at(col("t_texts"), lit(t)), try_element_at(col("t_numbers"), lit(t)).cast("string"),
            try_element_at(col("t_times"), lit(t)).cast("string"));
      } else {
        value = lit(v.substring(1, v.length() - 1));
      }
      values.add(coalesce(value, lit("")));
    }
    List<Column> keep = new ArrayList<>();
    for (String c : audience.columns()) {
      keep.add(col(c));
    }
    keep.add(array(values.toArray(Column[]::new)).as("column_values"));
    return out.select(keep.toArray(Column[]::new));
  }

  /**
   * Routing between destinations: a destination with {@code fallback_for} keeps only the persons its primary
   * destination does not send tonight. Input: {@code audiences} (destination, person_id, ...: every destination's
   * audience). Output: the rows kept, same columns; unchanged when no destination is a fallback.
   */
  public static Dataset<Row> routed(Dataset<Row> audiences, List<Destination> destinations) {
    List<Column> pairs = new ArrayList<>();
    for (Destination d : destinations) {
      if (d.fallbackFor() != null) {
        pairs.add(lit(d.id()));
        pairs.add(lit(d.fallbackFor()));
      }
    }
    if (pairs.isEmpty()) {
      return audiences;
    }
    Dataset<Row> reached = audiences.select(col("destination").as("primary"), col("person_id"));
    return audiences.withColumn("primary", try_element_at(map(pairs.toArray(Column[]::new)), col("destination")))
        .join(reached, scala(List.of("primary", "person_id")), "left_anti")
        .drop("primary");
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
      return now.select(col("id_type"), col("id_value"), col("codes"), none.as("removed"), col("column_values"));
    }
    Dataset<Row> before = byId(previous).withColumnRenamed("codes", "previous_codes")
        .withColumnRenamed("column_values", "previous_values");
    // an identifier is sent again when its codes or its extra column values changed
    return now.join(before, scala(List.of("id_type", "id_value")), "full_outer")
        .select(col("id_type"), col("id_value"), coalesce(col("codes"), none).as("codes"),
            coalesce(col("previous_codes"), none).as("previous_codes"), coalesce(col("column_values"), none).as("column_values"),
            coalesce(col("previous_values"), none).as("previous_values"))
        .where(not(col("codes").equalTo(col("previous_codes")).and(col("column_values").equalTo(col("previous_values")))))
        .select(col("id_type"), col("id_value"), col("codes"), array_except(col("previous_codes"), col("codes")).as("removed"),
            col("column_values"));
  }

  /**
   * The data lines of {@link #changes} in the destination's format, one column {@code line}, unordered (the job
   * sorts them). aam: {@code <id>\t<code,code>\t<removed,...>}; csv: {@code id_type,id,codes,removed_codes} with
   * codes joined by {@code |} and an id holding a comma or a quote quoted (RFC 4180).
   */
  public static Dataset<Row> lines(Dataset<Row> changes, Format format) {
    return lines(changes, format, 0);
  }

  /** As {@link #lines(Dataset, Format)}, a csv line followed by the {@code extraColumns} values of column_values. */
  public static Dataset<Row> lines(Dataset<Row> changes, Format format, int extraColumns) {
    Column line = switch (format) {
      case AAM -> concat_ws("\t", col("id_value"), array_join(col("codes"), ","), array_join(col("removed"), ","));
      case CSV -> concat_ws(",", col("id_type"), csvField(col("id_value")), array_join(col("codes"), "|"),
          array_join(col("removed"), "|"));
      case CRM -> concat_ws(",", csvField(col("id_value")), array_join(col("codes"), "|"), array_join(col("removed"), "|"));
    };
    if (format != Format.AAM && extraColumns > 0) {
      // a removal line (no codes) carries empty values
      Column values = when(size(col("column_values")).equalTo(extraColumns),
          org.apache.spark.sql.functions.transform(col("column_values"), ActivationFrames::csvField))
          .otherwise(array_repeat(lit(""), extraColumns));
      line = concat_ws(",", line, array_join(values, ","));
    }
    return changes.select(line.as("line"));
  }

  /** Persons per segment id of the audience: segment_id, persons. */
  public static Dataset<Row> segmentCounts(Dataset<Row> audience) {
    return audience.select(col("person_id"), explode(col("segments")).as("segment_id")).groupBy("segment_id").count()
        .withColumnRenamed("count", "persons");
  }

  private static Dataset<Row> byId(Dataset<Row> audience) {
    // audiences logged before extra columns existed have none
    Column values = java.util.Arrays.asList(audience.columns()).contains("column_values")
        ? coalesce(col("column_values"), array().cast("array<string>")) : array().cast("array<string>");
    return audience.select(col("id_type"), explode(col("id_values")).as("id_value"), col("codes"), values.as("column_values"));
  }

  private static Column csvField(Column c) {
    return when(c.rlike("[,\"\\r\\n]"), concat(lit("\""), regexp_replace(c, "\"", "\"\""), lit("\""))).otherwise(c);
  }

  private static scala.collection.immutable.Seq<String> scala(List<String> columns) {
    return scala.jdk.javaapi.CollectionConverters.asScala(columns).toSeq();
  }
}
