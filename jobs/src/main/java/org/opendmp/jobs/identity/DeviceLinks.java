package org.opendmp.jobs.identity;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_timestamp;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.StructType;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;

/**
 * The device-linking layer: the cookies and mobile ad ids of one person's different devices, from the night's
 * web hits. Two identifiers seen on different device classes (desktop, phone, tablet) at one address within
 * {@code window_minutes} are a candidate; addresses seen with more than {@code max_cookies_per_ip} identifiers
 * in the night are shared or public and make none. Each candidate is scored with a log-odds sum (Fellegi-Sunter
 * style, weights in bits from {@link DeviceConfig.Weights}) over how crowded the address was, how often and on
 * how many addresses they co-occurred, and on how many other nights the pair was seen (silver.id_links, kind
 * device). The result is a separate, probabilistic layer: it never moves person ids; profiles use a link only at
 * or above {@code device.threshold} and an export can ignore the layer. Pure transforms, no IO but {@link #night}.
 */
public final class DeviceLinks {
  public static final String RULE = "device_ip_ua";
  public static final String KIND = "device";
  /** A count adds its weight at most this many times. */
  static final int CAP = 3;

  private static final StructType PREVIOUS =
      StructType.fromDDL("id_type_a STRING, id_value_a STRING, id_type_b STRING, id_value_b STRING, first_seen DATE,"
          + " last_seen DATE, days_seen INT");

  private static final scala.collection.immutable.Seq<String> PAIR =
      scala.jdk.javaapi.CollectionConverters.asScala(List.of("id_type_a", "id_value_a", "id_type_b", "id_value_b")).toList();

  private DeviceLinks() {}

  /**
   * The night's device links, in the shape Identity merges into silver.id_links ({@link #links}: {@code
   * id_type_a, id_value_a, id_type_b, id_value_b, rule, kind, match_probability, match_weights, n}, one row per
   * pair). Reads the night's partition of bronze.web_events only and, when {@code weights.nights} is not 0, the
   * device rows of silver.id_links (a scan of that table: off by default).
   */
  public static Dataset<Row> night(SparkSession spark, Lake lake, LocalDate date, DeviceConfig conf) {
    Dataset<Row> previous =
        conf.weights().nights() > 0
            ? lake.read(Tables.ID_LINKS).where(col("kind").equalTo(KIND).and(col("rule").equalTo(RULE)))
            : spark.createDataFrame(List.of(), PREVIOUS);
    return links(hits(lake.readDate(Tables.WEB_EVENTS, date)), previous, date, conf);
  }

  /**
   * Web hits as identified, classified presences. Input: bronze.web_events ({@code event_time, ip, user_agent,
   * cookie, maid, is_bot}). Output: {@code id_type} (maid for app hits, else cookie), {@code id_value},
   * {@code ip}, {@code device_class} (desktop, phone or tablet, from the user agent; app hits are phones unless
   * the agent says tablet), {@code t} (epoch seconds). Grain: one row per hit. Bots, hits without an address, an
   * identifier, a time or a recognised device class are left out.
   */
  public static Dataset<Row> hits(Dataset<Row> web) {
    Column ua = coalesce(col("user_agent"), lit(""));
    Column deviceClass =
        when(col("maid").isNotNull(), when(ua.rlike("(?i)ipad|tablet"), lit("tablet")).otherwise(lit("phone")))
            .when(ua.rlike("(?i)ipad|tablet|kindle|silk/"), lit("tablet"))
            // Android phones say "Mobile"; Android tablets do not
            .when(ua.rlike("(?i)iphone|ipod|mobile|windows phone"), lit("phone"))
            .when(ua.rlike("(?i)android"), lit("tablet"))
            .when(ua.rlike("(?i)windows|macintosh|x11|cros|linux"), lit("desktop"));
    return web.where(col("is_bot").equalTo(false).and(col("ip").isNotNull()))
        .select(
            when(col("maid").isNotNull(), lit("maid")).otherwise(lit("cookie")).as("id_type"),
            coalesce(col("maid"), col("cookie")).as("id_value"), col("ip"), deviceClass.as("device_class"),
            unix_timestamp(col("event_time")).as("t"))
        .where(col("id_value").isNotNull().and(col("device_class").isNotNull()).and(col("t").isNotNull()));
  }

  /**
   * Candidate pairs with their evidence. Input: {@link #hits} rows of one night. An identifier's hits at one
   * address form visits (a gap over the window starts a new one); two visits of identifiers of different device
   * classes at one address co-occur when they come within the window of each other. Output: {@code id_type_a,
   * id_value_a, id_type_b, id_value_b} (a &lt; b by type then value), {@code ids_on_ip} (identifiers of the night
   * on the least crowded address where they co-occurred), {@code co_occurrences} (co-occurring visit pairs),
   * {@code ips} (distinct addresses). Grain: one row per pair. Addresses with more than max_cookies_per_ip
   * identifiers in the night are left out whole.
   */
  public static Dataset<Row> candidates(Dataset<Row> hits, DeviceConfig conf) {
    long window = conf.windowMinutes() * 60L;
    Dataset<Row> quiet =
        hits.groupBy("ip").agg(countDistinct(col("id_type"), col("id_value")).as("ids_on_ip"))
            .where(col("ids_on_ip").leq(conf.maxCookiesPerIp()));
    WindowSpec byIdentifier = Window.partitionBy("ip", "id_type", "id_value", "device_class").orderBy("t");
    Dataset<Row> visits =
        hits.join(quiet, "ip")
            .withColumn("starts", when(col("t").minus(lag(col("t"), 1).over(byIdentifier)).leq(window), 0).otherwise(1))
            .withColumn("visit", sum("starts").over(byIdentifier.rowsBetween(Window.unboundedPreceding(), Window.currentRow())))
            .groupBy("ip", "ids_on_ip", "id_type", "id_value", "device_class", "visit")
            .agg(min("t").as("t0"), max("t").as("t1"));
    Dataset<Row> a = visits.as("a");
    Dataset<Row> b = visits.as("b");
    Column ordered =
        col("a.id_type").lt(col("b.id_type"))
            .or(col("a.id_type").equalTo(col("b.id_type")).and(col("a.id_value").lt(col("b.id_value"))));
    Column close = greatest(col("b.t0").minus(col("a.t1")), col("a.t0").minus(col("b.t1"))).leq(window);
    return a.join(b, col("a.ip").equalTo(col("b.ip"))
            .and(ordered)
            .and(col("a.device_class").notEqual(col("b.device_class")))
            .and(close))
        .groupBy(col("a.id_type").as("id_type_a"), col("a.id_value").as("id_value_a"), col("b.id_type").as("id_type_b"),
            col("b.id_value").as("id_value_b"))
        .agg(min(col("a.ids_on_ip")).as("ids_on_ip"), count(lit(1)).as("co_occurrences"), countDistinct(col("a.ip")).as("ips"));
  }

  /**
   * Scored device links. Input: {@link #hits} rows of the night {@code date}, and {@code previous}: earlier
   * device links (silver.id_links columns {@code id_type_a, id_value_a, id_type_b, id_value_b, first_seen,
   * last_seen, days_seen}; may be empty). Output: {@code id_type_a, id_value_a, id_type_b, id_value_b, rule}
   * ({@value #RULE}), {@code kind} ({@value #KIND}), {@code match_probability}, {@code match_weights} (bits per
   * feature: {@code prior, ids_on_ip, co_occurrences, ips, nights}; their sum w gives the probability
   * 2^w / (1 + 2^w)), {@code n} (co-occurrences that night). Grain: one row per pair, below the threshold too
   * (they accumulate evidence). Other nights are the pair's days_seen, less this night if already counted, so
   * that re-running a night gives the same rows.
   */
  public static Dataset<Row> links(Dataset<Row> hits, Dataset<Row> previous, LocalDate date, DeviceConfig conf) {
    DeviceConfig.Weights w = conf.weights();
    Column d = lit(date);
    Dataset<Row> before =
        previous.select(col("id_type_a"), col("id_value_a"), col("id_type_b"), col("id_value_b"),
            col("days_seen").minus(when(col("first_seen").leq(d).and(col("last_seen").geq(d)), 1).otherwise(0)).as("other_nights"));
    Dataset<Row> scored =
        candidates(hits, conf)
            .join(before, PAIR, "left")
            .withColumn("w_prior", lit(w.prior()))
            .withColumn("w_ids_on_ip", capped(col("ids_on_ip").minus(2), w.idsOnIp()))
            .withColumn("w_co_occurrences", capped(col("co_occurrences").minus(1), w.coOccurrences()))
            .withColumn("w_ips", capped(col("ips").minus(1), w.ips()))
            .withColumn("w_nights", capped(coalesce(col("other_nights"), lit(0)), w.nights()));
    Column total = col("w_prior").plus(col("w_ids_on_ip")).plus(col("w_co_occurrences")).plus(col("w_ips")).plus(col("w_nights"));
    return scored.select(
        col("id_type_a"), col("id_value_a"), col("id_type_b"), col("id_value_b"), lit(RULE).as("rule"), lit(KIND).as("kind"),
        lit(1.0).divide(lit(1.0).plus(pow(lit(2.0), total.unary_$minus()))).as("match_probability"),
        map(lit("prior"), col("w_prior"), lit("ids_on_ip"), col("w_ids_on_ip"), lit("co_occurrences"), col("w_co_occurrences"),
            lit("ips"), col("w_ips"), lit("nights"), col("w_nights")).as("match_weights"),
        col("co_occurrences").cast("long").as("n"));
  }

  /** Whether a silver.id_links row may join a profile: any non-device link, a device link at the threshold. */
  public static Column usable(DeviceConfig conf) {
    return col("kind").notEqual(KIND).or(col("match_probability").geq(conf.threshold()));
  }

  /** {@code bits} per count, the count clamped to [0, CAP] (+ 0.0: no -0.0 in the weights). */
  private static Column capped(Column count, double bits) {
    return least(greatest(count, lit(0)), lit(CAP)).cast("double").multiply(bits).plus(lit(0.0));
  }
}
