package org.opendmp.jobs.profile;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_arrays;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.opendmp.jobs.profile.TraitsConfig.Output;
import org.opendmp.jobs.profile.TraitsConfig.Trait;

/**
 * The Spark side of traits: pure transforms, no IO, no actions, no clock. A night turns its events into one
 * partial aggregate per person and trait ({@link #daily}); windows are rolled over those partials ({@link
 * #windows}) for the persons whose values can have changed tonight ({@link #touched}), and every other person's
 * row is carried from the previous night ({@link #carry}). Person ids of older partials are brought up to date
 * through the merges ({@link #aliases}, {@link #resolve}).
 */
public final class TraitFrames {
  static final String DECIMAL = "decimal(38,6)";

  private TraitFrames() {}

  /**
   * The night's events with their person. Input: silver.events columns ({@code id_type, id_value, is_bot} and
   * whatever the traits read) and identity.id_graph ({@code id_type, id_value, person_id}). Output: the event
   * columns plus {@code person_id}; grain: one row per event that is not a bot's (is_bot null counts as not a
   * bot) and whose identifier has a person (others, such as card-less store buyers, are left out).
   */
  public static Dataset<Row> personEvents(Dataset<Row> events, Dataset<Row> graph) {
    Dataset<Row> g = graph.select(col("id_type").as("g_type"), col("id_value").as("g_value"), col("person_id"));
    return events.where(not(coalesce(col("is_bot"), lit(false))))
        .join(g, col("id_type").equalTo(col("g_type")).and(col("id_value").equalTo(col("g_value"))))
        .drop("g_type", "g_value");
  }

  /** A field of the traits language as a column: a silver.events column, event_date, attributes.key. */
  static Column field(String name) {
    if (name.equals(TraitsConfig.EVENT_DATE)) {
      return to_date(col("event_time"));
    }
    if (name.startsWith(TraitsConfig.ATTRIBUTES)) {
      return col("attributes").getItem(name.substring(TraitsConfig.ATTRIBUTES.length()));
    }
    return col(name);
  }

  /**
   * Whether an event matches the trait: every {@code where} holds (a null field never does), no {@code
   * where_not} holds (a null field never does), and the trait's field is not null. Values compare as text.
   */
  static Column matches(Trait t) {
    Column c = lit(true);
    for (Map.Entry<String, List<String>> e : t.whereValues().entrySet()) {
      c = c.and(coalesce(field(e.getKey()).cast("string").isin(e.getValue().toArray()), lit(false)));
    }
    for (Map.Entry<String, List<String>> e : t.whereNotValues().entrySet()) {
      c = c.and(not(coalesce(field(e.getKey()).cast("string").isin(e.getValue().toArray()), lit(false))));
    }
    if (t.field() != null) {
      c = c.and(field(t.field()).isNotNull());
    }
    return c;
  }

  /**
   * The night's partial aggregates. Input: {@link #personEvents} ({@code person_id, event_id, event_time} and the
   * fields the traits read). Output: gold.person_daily columns but run_date ({@code person_id, trait,
   * definition, events, total, min_value, max_value, first_time, first_value, last_time, last_value,
   * value_counts}); grain: one row per person and trait with at least one matching event. Columns a trait's
   * aggregation does not need are null: total/min_value/max_value (sum, min, max), first_value/last_value
   * (first_value, last_value), value_counts (distinct_count, most_frequent). First and last break time ties by
   * value then event_id, so a night always gives the same row.
   */
  public static Dataset<Row> daily(Dataset<Row> personEvents, TraitsConfig conf) {
    List<Column> entries = new ArrayList<>();
    for (Trait t : conf.traits()) {
      Aggregation a = t.kind();
      Column value = a.keepsValue() ? field(t.field()).cast("string") : lit(null).cast("string");
      Column num = a.keepsNumber() ? field(t.field()).cast(DECIMAL) : lit(null).cast(DECIMAL);
      Column key = a.countsValues() ? field(t.field()).cast("string") : lit(null).cast("string");
      entries.add(when(matches(t), struct(lit(t.name()).as("trait"), value.as("value"), num.as("num"), key.as("gkey"))));
    }
    Dataset<Row> hits =
        personEvents.select(col("person_id"), col("event_id"), col("event_time"), explode(array(entries.toArray(Column[]::new))).as("e"))
            .where(col("e").isNotNull())
            .select(col("person_id"), col("event_id"), col("event_time"), col("e.trait").as("trait"), col("e.value").as("value"),
                col("e.num").as("num"), col("e.gkey").as("gkey"));
    Dataset<Row> perValue =
        hits.groupBy(col("person_id"), col("trait"), col("gkey"))
            .agg(count(lit(1)).as("events"), sum("num").as("total"), min("num").as("min_value"), max("num").as("max_value"),
                min(struct(col("event_time").as("t"), col("value").as("v"), col("event_id").as("id"))).as("first"),
                max(struct(col("event_time").as("t"), col("value").as("v"), col("event_id").as("id"))).as("last"));
    Column counts = collect_list(when(col("gkey").isNotNull(), struct(col("gkey"), col("events"))));
    return perValue.groupBy(col("person_id"), col("trait"))
        .agg(sum("events").as("events"), sum("total").as("total"), min("min_value").as("min_value"), max("max_value").as("max_value"),
            min("first").as("first"), max("last").as("last"), counts.as("counts"))
        .select(col("person_id"), col("trait"), element_at(definitions(conf), col("trait")).as("definition"),
            col("events").cast("bigint").as("events"), col("total").cast(DECIMAL).as("total"),
            col("min_value").cast(DECIMAL).as("min_value"), col("max_value").cast(DECIMAL).as("max_value"),
            col("first.t").as("first_time"), col("first.v").as("first_value"), col("last.t").as("last_time"),
            col("last.v").as("last_value"),
            when(size(col("counts")).gt(0), map_from_entries(col("counts"))).as("value_counts"));
  }

  /** trait name -> definition fingerprint, as a map literal. */
  static Column definitions(TraitsConfig conf) {
    List<Column> kv = new ArrayList<>();
    for (Trait t : conf.traits()) {
      kv.add(lit(t.name()));
      kv.add(lit(t.definition()));
    }
    return functions.map(kv);
  }

  /**
   * Each absorbed person id with the id that absorbed it. Input: identity.person_merges ({@code old_person_id,
   * new_person_id, run_date}). Output: {@code old_person_id, person_id}; grain: one row per old id (recorded on
   * two nights, the later wins). Chains (a into b, later b into c) are followed by {@link #aliasStep}.
   */
  public static Dataset<Row> aliases(Dataset<Row> merges) {
    return merges.groupBy(col("old_person_id")).agg(max_by(col("new_person_id"), col("run_date")).as("person_id"));
  }

  /** One step along chains of merges: each alias whose target was itself absorbed points one merge further. */
  public static Dataset<Row> aliasStep(Dataset<Row> aliases) {
    Dataset<Row> next = aliases.select(col("old_person_id").as("via"), col("person_id").as("further"));
    return aliases.join(next, col("person_id").equalTo(col("via")), "left")
        .select(col("old_person_id"), coalesce(col("further"), col("person_id")).as("person_id"));
  }

  /** The aliases that still point to an absorbed id: empty once {@link #aliasStep} has followed every chain. */
  public static Dataset<Row> openAliases(Dataset<Row> aliases) {
    return aliases.join(aliases.select(col("old_person_id").as("via")), col("person_id").equalTo(col("via")), "left_semi");
  }

  /** Rows with {@code person_id} replaced by its survivor when it was absorbed (aliases are small: broadcast). */
  public static Dataset<Row> resolve(Dataset<Row> rows, Dataset<Row> aliases) {
    Dataset<Row> a = aliases.select(col("old_person_id").as("alias_old"), col("person_id").as("alias_new"));
    String[] columns = rows.columns();
    Column[] out = new Column[columns.length];
    for (int i = 0; i < columns.length; i++) {
      out[i] = columns[i].equals("person_id") ? coalesce(col("alias_new"), col("person_id")).as("person_id") : col(columns[i]);
    }
    return rows.join(broadcast(a), col("person_id").equalTo(col("alias_old")), "left").select(out);
  }

  /**
   * The nights whose partials decide who is touched tonight: the run date (new events), and each night that
   * leaves a window tonight (run date - N for each window N; the longest window's leaves every trait).
   */
  public static List<LocalDate> edgeNights(LocalDate date, TraitsConfig conf) {
    List<LocalDate> out = new ArrayList<>();
    out.add(date);
    conf.allWindows().forEach(w -> out.add(date.minusDays(w)));
    return out.stream().distinct().sorted().toList();
  }

  /**
   * The persons whose row can differ from the previous night's: a partial tonight; a partial on a night leaving
   * one of its traits' windows tonight (run date - N for a trait with an N-day window; run date - longest window
   * for any trait, since the person leaves the table then); the survivor of a person of the previous row that
   * was absorbed; a previous row computed with another conf_version. Input: {@code edges}, gold.person_daily rows
   * of {@link #edgeNights} with resolved persons; {@code previous}, gold.traits of the previous night; {@code
   * aliases}, resolved ({@link #aliasStep}). Output: {@code person_id}, distinct.
   */
  public static Dataset<Row> touched(Dataset<Row> edges, Dataset<Row> previous, Dataset<Row> aliases, LocalDate date, TraitsConfig conf) {
    int longest = conf.maxWindow();
    Column leaving = col("run_date").equalTo(lit(date)).or(col("run_date").equalTo(lit(date.minusDays(longest))));
    for (int w : conf.allWindows()) {
      List<String> names = conf.traits().stream().filter(t -> t.windows().contains(w)).map(Trait::name).toList();
      leaving = leaving.or(col("run_date").equalTo(lit(date.minusDays(w))).and(col("trait").isin(names.toArray())));
    }
    Dataset<Row> active = edges.where(leaving).select("person_id");
    return active.unionByName(rescanned(previous, aliases, conf)).distinct();
  }

  /**
   * The persons whose previous row cannot be rolled forward (their windows are recomputed from the partials):
   * the survivor of a person of the previous row that was absorbed, and persons whose previous row was computed
   * with another conf_version. Output: {@code person_id}, distinct.
   */
  public static Dataset<Row> rescanned(Dataset<Row> previous, Dataset<Row> aliases, TraitsConfig conf) {
    Dataset<Row> absorbed =
        previous.select("person_id").join(aliases, previous.col("person_id").equalTo(aliases.col("old_person_id")))
            .select(aliases.col("person_id"));
    Dataset<Row> stale = resolve(previous.where(not(col("conf_version").equalTo(lit(conf.version())))).select("person_id"), aliases);
    return absorbed.unionByName(stale).distinct();
  }

  /**
   * The previous night's rows of persons neither touched nor absorbed, as tonight's: values unchanged but
   * days_since_last traits, one day older. Input: gold.traits rows of the previous night; {@link #touched};
   * resolved aliases. Output: gold.traits columns but run_date.
   */
  public static Dataset<Row> carry(Dataset<Row> previous, Dataset<Row> touched, Dataset<Row> aliases, TraitsConfig conf) {
    List<String> aging = new ArrayList<>();
    conf.traits().stream().filter(t -> t.kind() == Aggregation.DAYS_SINCE_LAST).forEach(t -> aging.addAll(t.keys()));
    Column numbers = aging.isEmpty()
        ? col("numbers")
        : expr("transform_values(numbers, (k, v) -> IF(k IN (" + aging.stream().map(k -> "'" + k + "'").collect(Collectors.joining(", "))
            + "), v + 1, v))");
    return previous.join(touched, previous.col("person_id").equalTo(touched.col("person_id")), "left_anti")
        .join(aliases, previous.col("person_id").equalTo(aliases.col("old_person_id")), "left_anti")
        .select(col("person_id"), numbers.as("numbers"), col("texts"), col("times"), col("conf_version"), col("computed_on"));
  }

  /**
   * Every trait of every window, recomputed from partials. Input: gold.person_daily rows (any nights: those
   * outside the longest window before the run date, after it, or of another definition are ignored), person ids
   * resolved. Output: gold.traits columns but run_date ({@code person_id, numbers, texts, times, conf_version,
   * computed_on} = the run date); grain: one row per person with a partial in the longest window. A window of N
   * nights holds the run date and the N-1 before it. Null values are absent from the maps; counts, distinct counts
   * and sums of an empty window are 0.
   */
  public static Dataset<Row> windows(Dataset<Row> daily, LocalDate date, TraitsConfig conf) {
    Dataset<Row> rows =
        daily.where(col("run_date").between(lit(date.minusDays(conf.maxWindow() - 1L)), lit(date))
            .and(element_at(definitions(conf), col("trait")).equalTo(col("definition"))));
    List<Column> aggs = new ArrayList<>();
    List<Trait> valueTraits = new ArrayList<>();
    for (Trait t : conf.traits()) {
      if (t.kind().countsValues()) {
        valueTraits.add(t);
        continue;
      }
      for (int w : t.windows()) {
        Column in = col("trait").equalTo(lit(t.name())).and(col("run_date").geq(lit(date.minusDays(w - 1L))));
        aggs.add(scalar(t, in, date).as(column(t.key(w))));
      }
    }
    aggs.add(count(lit(1)).as("__rows"));
    Dataset<Row> scalars = rows.groupBy(col("person_id")).agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
    Dataset<Row> all = scalars;
    if (!valueTraits.isEmpty()) {
      all = scalars.join(valueAggregates(rows, valueTraits, date), "person_id", "left");
    }
    return all.select(col("person_id"), map(conf, Output.NUMBER, "double").as("numbers"), map(conf, Output.TEXT, "string").as("texts"),
        map(conf, Output.TIME, "timestamp").as("times"), lit(conf.version()).as("conf_version"), lit(date).as("computed_on"));
  }

  /** The aggregate of one trait over the rows where {@code in} holds. */
  private static Column scalar(Trait t, Column in, LocalDate date) {
    boolean numeric = t.output() == Output.NUMBER;
    return switch (t.kind()) {
      case COUNT -> coalesce(sum(when(in, col("events"))), lit(0L)).cast("double");
      case SUM -> coalesce(sum(when(in, col("total"))), lit(0)).cast("double");
      case MIN -> min(when(in, col("min_value"))).cast("double");
      case MAX -> max(when(in, col("max_value"))).cast("double");
      case FIRST_TIME -> min(when(in, col("first_time")));
      case LAST_TIME -> max(when(in, col("last_time")));
      case DAYS_SINCE_LAST -> datediff(lit(date), to_date(max(when(in, col("last_time"))))).cast("double");
      case FIRST_VALUE -> typed(min(when(in, struct(col("first_time"), col("first_value")))).getField("first_value"), numeric);
      case LAST_VALUE -> typed(max(when(in, struct(col("last_time"), col("last_value")))).getField("last_value"), numeric);
      default -> throw new IllegalStateException(t.kind() + " counts values");
    };
  }

  private static Column typed(Column text, boolean numeric) {
    return numeric ? text.cast("double") : text;
  }

  /**
   * Distinct counts and most frequent values: the partials' value counts summed per person, trait, value and
   * window, then per person. Output: {@code person_id} and one column per key of the value traits.
   */
  private static Dataset<Row> valueAggregates(Dataset<Row> rows, List<Trait> traits, LocalDate date) {
    List<String> names = traits.stream().map(Trait::name).toList();
    List<Integer> windows = traits.stream().flatMap(t -> t.windows().stream()).distinct().sorted().toList();
    List<Column> perWindow = new ArrayList<>();
    for (int w : windows) {
      perWindow.add(sum(when(col("run_date").geq(lit(date.minusDays(w - 1L))), col("n"))).as("c" + w));
    }
    Dataset<Row> perValue =
        rows.where(col("trait").isin(names.toArray()).and(col("value_counts").isNotNull()))
            .select(col("person_id"), col("trait"), col("run_date"), explode(col("value_counts")).as(new String[] {"value", "n"}))
            .groupBy(col("person_id"), col("trait"), col("value"))
            .agg(perWindow.get(0), perWindow.subList(1, perWindow.size()).toArray(Column[]::new));
    List<Column> aggs = new ArrayList<>();
    for (Trait t : traits) {
      for (int w : t.windows()) {
        Column in = col("trait").equalTo(lit(t.name())).and(col("c" + w).gt(0));
        Column agg = t.kind() == Aggregation.DISTINCT_COUNT
            ? count(when(in, lit(1))).cast("double")
            : typed(min(when(in, struct(col("c" + w).multiply(-1).as("minus_n"), col("value").as("value")))).getField("value"),
                t.output() == Output.NUMBER);
        aggs.add(agg.as(column(t.key(w))));
      }
    }
    return perValue.groupBy(col("person_id")).agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
  }

  private static String column(String key) {
    return "k__" + key;
  }

  /** The map of one output type: key -> value, null values left out. */
  private static Column map(TraitsConfig conf, Output output, String type) {
    List<Column> keys = new ArrayList<>();
    List<Column> values = new ArrayList<>();
    for (Trait t : conf.traits()) {
      if (t.output() != output) {
        continue;
      }
      for (String k : t.keys()) {
        keys.add(lit(k));
        Column v = col(column(k)).cast(type);
        if (t.kind() == Aggregation.DISTINCT_COUNT) {
          v = coalesce(v, lit(0.0)); // a person without the value trait's partials: 0 distinct values
        }
        values.add(v);
      }
    }
    if (keys.isEmpty()) {
      return expr("cast(map() as map<string," + type + ">)");
    }
    Column m = map_from_arrays(array(keys.toArray(Column[]::new)), array(values.toArray(Column[]::new)));
    return functions.map_filter(m, (k, v) -> v.isNotNull());
  }

  /** Shorthands for functions whose names clash with this class's methods. */
  private static final class functions {
    static Column map(List<Column> kv) {
      return org.apache.spark.sql.functions.map(kv.toArray(Column[]::new));
    }

    static Column map_filter(Column m, scala.Function2<Column, Column, Column> f) {
      return org.apache.spark.sql.functions.map_filter(m, f);
    }
  }
}
