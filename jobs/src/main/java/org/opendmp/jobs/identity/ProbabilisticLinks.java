package org.opendmp.jobs.identity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.trim;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.opendmp.common.DmpException;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.jobs.privacy.PiiCipher;
import org.opendmp.jobs.privacy.PiiKey;
import org.opendmp.jobs.identity.probabilistic.LinkResult;
import org.opendmp.jobs.identity.probabilistic.MatchSpec;
import org.opendmp.jobs.identity.probabilistic.MatchSpec.LinkType;
import org.opendmp.jobs.identity.probabilistic.ProbabilisticLinker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The night's probabilistic links (issue #4), in the shape {@link Identity} merges into silver.id_links. Two
 * rules, each a Fellegi-Sunter linkage by {@link ProbabilisticLinker} with a match spec from conf_dir
 * ({@link ProbabilisticConfig}):
 *
 * <ul>
 *   <li>{@value #STORE_RULE}: the night's card-less store purchases that carry a first name, a surname and a
 *       postcode (silver.customers_pii rows of source store written that night, keyed in silver.events as
 *       {@code pii_record}) against the live CRM (source crm, not deleted), link_only with the night's records
 *       on the left, so that the cost follows the night and not the store history. Only the best customer per
 *       store record is kept (clustering the links would chain homonyms into one person):
 *       {@code ('pii_record', record_id) -> ('crm_id', crm_id)}.
 *   <li>{@value #CRM_RULE}: the night's new or changed CRM records against the whole live CRM: dedupe_only among
 *       the night's records, then link_only from them to the rest of the live CRM (a record is never compared to
 *       itself, which would teach EM that matches always agree on everything). {@code ('crm_id', a) ->
 *       ('crm_id', b)} with {@code a < b}.
 * </ul>
 *
 * The night's CRM records are the live ones the night's extract wrote (extract_date = the date); a weekly full
 * extract restates every customer, so on such a night only those the CRM changed since the day before
 * (updated_at) count, except on the first CRM load, where every record is new. No clock: the date decides, and
 * the engine's estimation is seeded by the spec, so the same inputs give the same links.
 */
public final class ProbabilisticLinks {
  private ProbabilisticLinks() {}

  private static final Logger LOG = LoggerFactory.getLogger(ProbabilisticLinks.class);

  public static final String STORE_RULE = "store_pii_customer";
  public static final String CRM_RULE = "crm_duplicate";
  public static final String KIND = "probabilistic";

  /** The output of {@link #night}: the columns of silver.id_links a night's links carry, plus n. */
  public static final StructType LINKS =
      StructType.fromDDL(
          "id_type_a STRING, id_value_a STRING, id_type_b STRING, id_value_b STRING, rule STRING, kind STRING,"
              + " match_probability DOUBLE, match_weights MAP<STRING,DOUBLE>, n BIGINT");

  /** The columns the store records offer to a spec. */
  public static final List<String> STORE_COLUMNS = List.of("first_name", "last_name", "postcode");

  /** The columns the CRM records offer to a spec. */
  public static final List<String> CRM_COLUMNS =
      List.of("first_name", "last_name", "birth_date", "postcode", "email", "phone", "street", "city");

  /**
   * The night's probabilistic links of every enabled rule.
   *
   * <p>Reads silver.customers_pii (the night's store rows, the live CRM), silver.events of the date (which store
   * records are card-less purchases) and bronze.crm_customers (whether the night brought a full extract, and
   * whether it is the first CRM load). Runs the engine once for the store rule and up to twice for the CRM rule
   * (Spark actions), then returns the links materialised (a local checkpoint), independent of the engine's
   * caches, which are released before returning.
   *
   * <p>Output ({@link #LINKS}), one row per linked pair and rule: {@code id_type_a, id_value_a, id_type_b,
   * id_value_b} (store rule: {@code pii_record}, the store record's record_id, {@code crm_id}, the customer;
   * CRM rule: two {@code crm_id}s, the smaller first), {@code rule} ({@value #STORE_RULE} or {@value #CRM_RULE}),
   * {@code kind} ({@value #KIND}), {@code match_probability} (at or above the rule's threshold),
   * {@code match_weights} (every compared column of the spec -> its log2 Bayes factor in this pair; 0 when
   * either value is null; the prior is not included), {@code n} (1: one comparison per night). Empty when no
   * rule is enabled or there is nothing to compare.
   *
   * @param confDir the folder the rules' spec files are relative to (conf_dir)
   * @param key the PII key: silver.customers_pii is read decrypted (the clear values live only in this job's
   *     memory and caches, released before returning)
   */
  public static Dataset<Row> night(
      SparkSession spark, Lake lake, LocalDate date, ProbabilisticConfig conf, Path confDir, PiiKey key) {
    List<LinkResult> results = new ArrayList<>();
    List<Dataset<Row>> cached = new ArrayList<>();
    try {
      List<Dataset<Row>> parts = new ArrayList<>();
      Dataset<Row> pii = PiiCipher.decrypt(lake.read(Tables.CUSTOMERS_PII), key);
      Dataset<Row> crm = keep(liveCrm(pii), cached); // computed by the first rule that needs it
      long[] nLive = {-1};
      if (conf.storePiiCustomer().enabled()) {
        MatchSpec spec = spec(confDir, conf.storePiiCustomer(), STORE_RULE, STORE_COLUMNS);
        stage(spark, date, STORE_RULE + ": the night's card-less store records");
        Dataset<Row> store = keep(storeRecords(pii, lake.readDate(Tables.EVENTS, date), date), cached);
        long nStore = store.count();
        LOG.info("{} {}: {} card-less named store records", STORE_RULE, date, nStore);
        if (nStore > 0 && live(crm, nLive) > 0) {
          LinkResult r = link(spark, date, STORE_RULE, store, crm, spec.withLinkType(LinkType.LINK_ONLY), results);
          parts.add(storeLinks(r.links(), spec));
        }
      }
      if (conf.crmDuplicate().enabled()) {
        MatchSpec spec = spec(confDir, conf.crmDuplicate(), CRM_RULE, CRM_COLUMNS);
        stage(spark, date, CRM_RULE + ": the night's new or changed CRM records");
        boolean restated = !lake.readDate(Tables.CRM_CUSTOMERS, date).where(col("op").equalTo("F")).select("op").limit(1).isEmpty();
        boolean firstLoad =
            lake.read(Tables.CRM_CUSTOMERS).where(col("run_date").lt(lit(date))).select("run_date").limit(1).isEmpty();
        Dataset<Row> ofNight = keep(nightCrm(pii, date, restated && !firstLoad), cached);
        Dataset<Row> changed = crm.join(ofNight, "record_id");
        Dataset<Row> rest = crm.join(ofNight, Identity.seq("record_id"), "left_anti");
        long nChanged = ofNight.count();
        LOG.info("{} {}: {} new or changed CRM records ({}) in a live CRM of {}", CRM_RULE, date, nChanged,
            firstLoad ? "first CRM load" : restated ? "full extract: those updated since the day before" : "delta extract",
            live(crm, nLive));
        if (nChanged > 1) {
          LinkResult r = link(spark, date, CRM_RULE + " among the night's", changed, null, spec.withLinkType(LinkType.DEDUPE_ONLY), results);
          parts.add(crmDuplicateLinks(r.links(), spec));
        }
        if (nChanged > 0 && live(crm, nLive) > nChanged) {
          LinkResult r = link(spark, date, CRM_RULE + " against the rest", changed, rest, spec.withLinkType(LinkType.LINK_ONLY), results);
          parts.add(crmDuplicateLinks(r.links(), spec));
        }
      }
      stage(spark, date, "the night's probabilistic links");
      Dataset<Row> all = spark.createDataFrame(List.of(), LINKS);
      for (Dataset<Row> p : parts) {
        all = all.unionByName(p);
      }
      // Materialised so that the result outlives the engine's caches, released below.
      return all.localCheckpoint(true);
    } finally {
      results.forEach(LinkResult::close);
      cached.forEach(Dataset::unpersist);
      spark.sparkContext().setJobDescription(null);
    }
  }

  /** The live CRM's size, counted once. */
  private static long live(Dataset<Row> crm, long[] count) {
    if (count[0] < 0) {
      count[0] = crm.count();
    }
    return count[0];
  }

  private static Dataset<Row> keep(Dataset<Row> d, List<Dataset<Row>> cached) {
    Dataset<Row> p = d.persist(StorageLevel.MEMORY_AND_DISK());
    cached.add(p);
    return p;
  }

  private static LinkResult link(
      SparkSession spark, LocalDate date, String what, Dataset<Row> left, Dataset<Row> right, MatchSpec spec, List<LinkResult> open) {
    stage(spark, date, what);
    LinkResult r = ProbabilisticLinker.link(spark, left, right, spec, line -> LOG.info("{} {}: {}", what, date, line));
    open.add(r);
    return r;
  }

  private static void stage(SparkSession spark, LocalDate date, String what) {
    spark.sparkContext().setJobDescription("identity " + date + ": probabilistic links: " + what);
  }

  /**
   * A rule's spec: loaded from conf_dir, its threshold replaced by the rule's when given, its columns checked
   * against those the rule's records offer.
   */
  static MatchSpec spec(Path confDir, ProbabilisticConfig.Rule rule, String name, List<String> available) {
    Path file = confDir.resolve(rule.spec());
    MatchSpec spec = MatchSpec.load(file);
    for (String c : spec.referencedColumns()) {
      if (!available.contains(c)) {
        throw new DmpException("Cannot link records: the spec of rule " + name + " reads column '" + c
            + "', which its records do not have (available: " + String.join(", ", available) + ") (file " + file + ")");
      }
    }
    return rule.threshold() == null ? spec : spec.withThreshold(rule.threshold());
  }

  /**
   * The night's card-less store records to match.
   *
   * <p>Input: silver.customers_pii rows; silver.events of the date. Output: {@code record_id} (the pii_key, the
   * bronze record_id of the POS line), {@code first_name, last_name, postcode}: store rows written that night
   * (extract_date = date) that carry all three, and whose purchase silver.events keys as {@code pii_record} (a
   * line with a loyalty card is keyed by the card and needs no match). Grain: one row per store record.
   */
  public static Dataset<Row> storeRecords(Dataset<Row> pii, Dataset<Row> nightEvents, LocalDate date) {
    Dataset<Row> cardLess =
        nightEvents.where(col("id_type").equalTo("pii_record")).select(col("id_value").as("record_id")).distinct();
    return pii.where(
            col("source").equalTo("store").and(col("extract_date").equalTo(lit(date)))
                .and(present("first_name")).and(present("last_name")).and(present("postcode")))
        .select(col("pii_key").as("record_id"), col("first_name"), col("last_name"), col("postcode"))
        .join(cardLess, "record_id");
  }

  /**
   * The live CRM. Input: silver.customers_pii rows. Output: {@code record_id} (the crm_id) and
   * {@link #CRM_COLUMNS}, for rows of source crm that are not deleted. Grain: one row per live customer.
   */
  public static Dataset<Row> liveCrm(Dataset<Row> pii) {
    List<Column> cols = new ArrayList<>();
    cols.add(col("pii_key").as("record_id"));
    CRM_COLUMNS.forEach(c -> cols.add(col(c)));
    return pii.where(col("source").equalTo("crm").and(col("deleted").equalTo(false)))
        .select(cols.toArray(Column[]::new));
  }

  /**
   * The night's new or changed CRM records. Input: silver.customers_pii rows. Output: {@code record_id} (crm_id)
   * of the live CRM rows the night's extract wrote (extract_date = date); when {@code restatedOnly} (a full
   * extract that is not the first CRM load: it restates every customer), only those updated since the start of
   * the day before (updated_at null counts as changed). Grain: one row per customer.
   */
  public static Dataset<Row> nightCrm(Dataset<Row> pii, LocalDate date, boolean restatedOnly) {
    Column ofNight = col("source").equalTo("crm").and(col("deleted").equalTo(false)).and(col("extract_date").equalTo(lit(date)));
    if (restatedOnly) {
      Timestamp since = Timestamp.valueOf(date.minusDays(1).atStartOfDay());
      ofNight = ofNight.and(col("updated_at").isNull().or(col("updated_at").geq(lit(since))));
    }
    return pii.where(ofNight).select(col("pii_key").as("record_id"));
  }

  /**
   * Store links: the best customer per store record. Input: the engine's accepted pairs ({@link LinkResult#links},
   * store record left, customer right). Output: {@link #LINKS}; for each store record the pair of highest match
   * probability (then highest weight, then smallest crm_id). Grain: one row per linked store record.
   */
  public static Dataset<Row> storeLinks(Dataset<Row> links, MatchSpec spec) {
    Column rank =
        row_number().over(Window.partitionBy("record_id_l")
            .orderBy(col("match_probability").desc(), col("match_weight").desc(), col("record_id_r").asc()));
    return links.withColumn("_rank", rank)
        .where(col("_rank").equalTo(1))
        .select(
            lit("pii_record").as("id_type_a"), col("record_id_l").as("id_value_a"), lit("crm_id").as("id_type_b"),
            col("record_id_r").as("id_value_b"), lit(STORE_RULE).as("rule"), lit(KIND).as("kind"), col("match_probability"),
            weights(spec).as("match_weights"), lit(1L).as("n"));
  }

  /**
   * Suspected CRM duplicates. Input: the engine's accepted pairs (two crm_ids). Output: {@link #LINKS}, the
   * smaller crm_id as a. Grain: one row per pair.
   */
  public static Dataset<Row> crmDuplicateLinks(Dataset<Row> links, MatchSpec spec) {
    return links.select(
        lit("crm_id").as("id_type_a"), least(col("record_id_l"), col("record_id_r")).as("id_value_a"), lit("crm_id").as("id_type_b"),
        greatest(col("record_id_l"), col("record_id_r")).as("id_value_b"), lit(CRM_RULE).as("rule"), lit(KIND).as("kind"),
        col("match_probability"), weights(spec).as("match_weights"), lit(1L).as("n"));
  }

  /** Every compared column -> its weight in the pair ({@code <column>_weight} of the engine's pairs). */
  static Column weights(MatchSpec spec) {
    List<Column> kv = new ArrayList<>();
    for (MatchSpec.ColumnSpec c : spec.columns()) {
      kv.add(lit(c.name()));
      kv.add(col("`" + c.name() + "_weight`").cast("double"));
    }
    return map(kv.toArray(Column[]::new));
  }

  private static Column present(String column) {
    return col(column).isNotNull().and(trim(col(column)).notEqual(""));
  }
}
