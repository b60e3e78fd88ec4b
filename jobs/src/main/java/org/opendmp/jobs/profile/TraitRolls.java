package org.opendmp.jobs.profile;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.opendmp.jobs.profile.TraitsConfig.Output;
import org.opendmp.jobs.profile.TraitsConfig.Trait;

/**
 * Rolling a touched person's traits from the previous night's value without reading the window: tonight's value
 * of a key (trait x window N) follows from yesterday's value, tonight's partial and the partial of the night
 * leaving the window (run date - N), all three already read. Counts and sums: yesterday + tonight - leaving. Min,
 * max, first/last time, days since: yesterday's extreme against tonight's, unless the leaving partial held
 * yesterday's extreme and tonight does not beat it. First/last value, distinct count and most frequent: unchanged
 * when neither tonight nor the leaving night has a partial of the trait. Every other (person, key) is marked
 * {@code scan}: its value is recomputed from the window's partials of that trait only ({@link #assemble}).
 */
public final class TraitRolls {
  /** Sums are rolled on yesterday's value read back as decimal(38,6): exact while |sum| stays below this. */
  static final double EXACT_SUM_LIMIT = 1e9;

  private TraitRolls() {}

  /**
   * One row per touched person and key. Input: {@code persons} ({@code person_id}), persons of the previous row
   * or with a partial tonight, neither absorbed nor of a stale conf_version; {@code previous}, gold.traits of the
   * previous night; {@code edges}, gold.person_daily rows of {@link TraitFrames#edgeNights} with resolved persons.
   * Output: {@code person_id, ord (the key's rank in the conf), key, trait, kind, output, num, text, time, scan, evidence}: the rolled value in the
   * column of its output (meaningless where scan), {@code evidence} when the value proves a matching event within
   * the longest window (the person stays in the table).
   */
  public static Dataset<Row> roll(Dataset<Row> persons, Dataset<Row> previous, Dataset<Row> edges, LocalDate date, TraitsConfig conf) {
    List<Column> keys = new ArrayList<>();
    for (Trait t : conf.traits()) {
      for (int w : t.windows()) {
        keys.add(struct(lit(keys.size()).as("ord"), lit(t.key(w)).as("key"), lit(t.name()).as("trait"), lit(w).as("win"), lit(t.kind().name()).as("kind"),
            lit(t.output().name()).as("output")));
      }
    }
    Dataset<Row> personKeys = persons.select(col("person_id"), explode(array(keys.toArray(Column[]::new))).as("k")).select("person_id", "k.*");
    Dataset<Row> parts = partials(edges, conf);
    Dataset<Row> p = previous.select(col("person_id").as("p_person"), col("numbers").as("p_numbers"), col("texts").as("p_texts"),
        col("times").as("p_times"));
    Dataset<Row> t = prefixed(parts.where(col("run_date").equalTo(lit(date))), "t_");
    Dataset<Row> l = prefixed(parts, "l_");
    Dataset<Row> x = personKeys.join(p, col("person_id").equalTo(col("p_person")), "left")
        .join(t, col("person_id").equalTo(col("t_person_id")).and(col("trait").equalTo(col("t_trait"))), "left")
        .join(l, col("person_id").equalTo(col("l_person_id")).and(col("trait").equalTo(col("l_trait")))
            .and(col("l_run_date").equalTo(date_sub(lit(date), col("win")))), "left");
    Column pNum = element_at(col("p_numbers"), col("key"));
    Column pText = element_at(col("p_texts"), col("key"));
    Column pTime = element_at(col("p_times"), col("key"));
    Column tHas = col("t_events").isNotNull();
    Column lHas = col("l_events").isNotNull();
    Column kind = col("kind");

    Column num = pNum;
    Column time = pTime;
    Column scan = tHas.or(lHas); // value kinds: only unchanged values roll
    // counts and sums: exact arithmetic, sums on decimals as the recomputation does
    Column count = coalesce(pNum, lit(0.0)).plus(coalesce(col("t_events"), lit(0L))).minus(coalesce(col("l_events"), lit(0L)));
    Column sumDec = coalesce(pNum, lit(0.0)).cast(TraitFrames.DECIMAL).plus(coalesce(col("t_total"), lit(0).cast(TraitFrames.DECIMAL)))
        .minus(coalesce(col("l_total"), lit(0).cast(TraitFrames.DECIMAL)));
    Column lastDate = date_sub(lit(date), pNum.plus(1).cast("int")); // yesterday's days_since_last as a date
    num = when(kind.equalTo(name(Aggregation.COUNT)), count.cast("double"))
        .when(kind.equalTo(name(Aggregation.SUM)), sumDec.cast("double"))
        .when(kind.equalTo(name(Aggregation.MIN)), least(pNum, col("t_min_value").cast("double")))
        .when(kind.equalTo(name(Aggregation.MAX)), greatest(pNum, col("t_max_value").cast("double")))
        .when(kind.equalTo(name(Aggregation.DAYS_SINCE_LAST)),
            datediff(lit(date), greatest(lastDate, to_date(col("t_last_time")))).cast("double"))
        .otherwise(num);
    time = when(kind.equalTo(name(Aggregation.FIRST_TIME)), least(pTime, col("t_first_time")))
        .when(kind.equalTo(name(Aggregation.LAST_TIME)), greatest(pTime, col("t_last_time")))
        .otherwise(time);
    scan = when(kind.equalTo(name(Aggregation.COUNT)), lit(false))
        .when(kind.equalTo(name(Aggregation.SUM)), coalesce(abs(pNum).geq(EXACT_SUM_LIMIT), lit(false)))
        .when(kind.equalTo(name(Aggregation.MIN)), leavingHeld(pNum, col("t_min_value").cast("double"), col("l_min_value").cast("double"), true))
        .when(kind.equalTo(name(Aggregation.MAX)), leavingHeld(pNum, col("t_max_value").cast("double"), col("l_max_value").cast("double"), false))
        .when(kind.equalTo(name(Aggregation.FIRST_TIME)), leavingHeld(pTime, col("t_first_time"), col("l_first_time"), true))
        .when(kind.equalTo(name(Aggregation.LAST_TIME)), leavingHeld(pTime, col("t_last_time"), col("l_last_time"), false))
        .when(kind.equalTo(name(Aggregation.DAYS_SINCE_LAST)),
            leavingHeld(when(pNum.isNotNull(), lastDate), to_date(col("t_last_time")), to_date(col("l_last_time")), false))
        .otherwise(scan);
    Column counted = kind.isin(name(Aggregation.COUNT), name(Aggregation.DISTINCT_COUNT), name(Aggregation.SUM));
    Column evidence = col("win").equalTo(lit(conf.maxWindow())).and(not(scan))
        .and(when(counted, coalesce(num, lit(0.0)).notEqual(0)).otherwise(coalesce(num.isNotNull(), lit(false)).or(time.isNotNull())
            .or(pText.isNotNull())));
    return x.select(col("person_id"), col("ord"), col("key"), col("trait"), kind, col("output"), num.as("num"), pText.as("text"), time.as("time"),
        scan.as("scan"), evidence.as("evidence"));
  }

  /**
   * Whether the leaving partial may have held yesterday's extreme {@code p} (smallest when {@code smallest}) and
   * tonight's {@code t} does not reach it: then the window must be read. A leaving partial without a value of
   * yesterday (another definition) is read too.
   */
  static Column leavingHeld(Column p, Column t, Column l, boolean smallest) {
    Column strictlyInside = smallest ? l.gt(p) : l.lt(p);
    Column tonightReaches = smallest ? t.leq(p) : t.geq(p);
    return l.isNotNull().and(not(p.isNotNull().and(strictlyInside))).and(not(t.isNotNull().and(p.isNotNull()).and(tonightReaches)));
  }

  /**
   * Persons whose presence the rolled values cannot decide: in the previous row, no partial tonight, a partial on
   * the night leaving the longest window, and no key of the longest window proving an event still inside it.
   * They are recomputed from the window (and leave the table when it is empty). Input: {@link #roll}'s rows,
   * {@code edges} as for {@link #roll}. Output: {@code person_id}, distinct.
   */
  public static Dataset<Row> unsure(Dataset<Row> rolled, Dataset<Row> edges, LocalDate date, TraitsConfig conf) {
    Dataset<Row> parts = partials(edges, conf);
    Dataset<Row> tonight = parts.where(col("run_date").equalTo(lit(date))).select("person_id");
    Dataset<Row> proven = rolled.where(col("evidence")).select("person_id");
    return parts.where(col("run_date").equalTo(lit(date.minusDays(conf.maxWindow())))).select("person_id").distinct()
        .join(tonight, "person_id", "left_anti").join(proven, "person_id", "left_anti");
  }

  /**
   * Tonight's gold.traits rows of the rolled persons: the rolled values, and for the (person, key) rows marked
   * scan the value of {@code scanned} ({@link TraitFrames#windows} over the window's partials of those persons
   * and traits). Output: gold.traits columns but run_date; map entries in the conf's order, as {@link
   * TraitFrames#windows} writes them (a re-run writes the same bytes).
   */
  public static Dataset<Row> assemble(Dataset<Row> rolled, Dataset<Row> scanned, LocalDate date, TraitsConfig conf) {
    Dataset<Row> s = scanned.select(col("person_id").as("s_person"), col("numbers").as("s_numbers"), col("texts").as("s_texts"),
        col("times").as("s_times"));
    Dataset<Row> x = rolled.join(s, col("person_id").equalTo(col("s_person")), "left");
    Column scan = col("scan");
    Column zeroWhenEmpty = col("kind").isin(name(Aggregation.COUNT), name(Aggregation.DISTINCT_COUNT), name(Aggregation.SUM));
    Column num = when(scan, element_at(col("s_numbers"), col("key"))).otherwise(col("num"));
    num = when(zeroWhenEmpty, coalesce(num, lit(0.0))).otherwise(num);
    Column text = when(scan, element_at(col("s_texts"), col("key"))).otherwise(col("text"));
    Column time = when(scan, element_at(col("s_times"), col("key"))).otherwise(col("time"));
    return x.groupBy(col("person_id"))
        .agg(entries(Output.NUMBER, num).as("numbers"), entries(Output.TEXT, text).as("texts"), entries(Output.TIME, time).as("times"))
        .select(col("person_id"), col("numbers"), col("texts"), col("times"), lit(conf.version()).as("conf_version"),
            lit(date).as("computed_on"));
  }

  /** The (person, trait) pairs whose window must be read: {@code person_id, trait}, distinct. */
  public static Dataset<Row> scanPairs(Dataset<Row> rolled) {
    return rolled.where(col("scan")).select("person_id", "trait").distinct();
  }

  private static Column entries(Output output, Column value) {
    Column entry = when(col("output").equalTo(lit(output.name())).and(value.isNotNull()),
        struct(col("ord").as("o"), col("key").as("k"), value.as("v")));
    return map_from_entries(transform(array_sort(collect_list(entry)), e -> struct(e.getField("k"), e.getField("v"))));
  }

  /** Partials of the current definitions, one row per person, trait and night (merged persons combined). */
  private static Dataset<Row> partials(Dataset<Row> edges, TraitsConfig conf) {
    return edges.where(element_at(TraitFrames.definitions(conf), col("trait")).equalTo(col("definition")))
        .groupBy("person_id", "trait", "run_date")
        .agg(sum("events").as("events"), sum("total").as("total"), min("min_value").as("min_value"), max("max_value").as("max_value"),
            min("first_time").as("first_time"), max("last_time").as("last_time"));
  }

  private static Dataset<Row> prefixed(Dataset<Row> rows, String prefix) {
    return rows.select(java.util.Arrays.stream(rows.columns()).map(c -> col(c).as(prefix + c)).toArray(Column[]::new));
  }

  private static Column name(Aggregation a) {
    return lit(a.name());
  }
}
