package org.opendmp.jobs.identity.probabilistic;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.opendmp.common.DmpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.opendmp.jobs.identity.probabilistic.Estimation.Pattern;
import org.opendmp.jobs.identity.probabilistic.LinkSummary.RuleStats;
import org.opendmp.jobs.identity.probabilistic.MatchSpec.LinkType;

/**
 * The probabilistic record-linkage engine (Fellegi-Sunter, m by EM, u by random pairs, prior over all pairs),
 * as one call for the nightly identity job and {@code dmp dedupe}:
 *
 * <pre>{@code
 * try (LinkResult r = ProbabilisticLinker.link(spark, crmRecords, storeRecords, spec)) {
 *   r.links();     // source_l, record_id_l, source_r, record_id_r, match_probability, per-column weights
 *   r.clusters();  // source, record_id, cluster_id, cluster_size
 * }
 * }</pre>
 *
 * Inputs: a {@code record_id} column (unique per source), optionally a {@code source} label column (default
 * "left" and "right"), and the columns the spec reads. Stages: {@link Records#prepare}, {@link
 * Blocking#candidatePairs}, {@link Comparisons#vectors}, {@link RandomPairs#sample}, {@link Estimation#fit},
 * {@link Scoring#score}, {@link Clustering#connectedComponents}. The same inputs and spec give the same output.
 */
public final class ProbabilisticLinker {
  private ProbabilisticLinker() {}

  static final int MAX_CLUSTERING_STEPS = 60;

  /** Up to this many links, clusters are computed on the driver (a few hundred MB at most); above, in Spark. */
  static final long LOCAL_CLUSTERING_LIMIT = 1_000_000;

  private static final Logger LOG = LoggerFactory.getLogger(ProbabilisticLinker.class);

  /** Links (or, with {@code right == null}, deduplicates) records; one log line per stage. */
  public static LinkResult link(SparkSession spark, Dataset<Row> left, Dataset<Row> right, MatchSpec spec) {
    return link(spark, left, right, spec, LOG::info);
  }

  /** The same, reporting one line per stage to {@code progress}. */
  public static LinkResult link(
      SparkSession spark, Dataset<Row> left, Dataset<Row> right, MatchSpec spec, Consumer<String> progress) {
    LinkType type = linkType(spec, right != null);
    MatchSpec resolved = spec.withLinkType(type);
    List<Dataset<Row>> cached = new ArrayList<>();
    try {
      return run(spark, left, right, resolved, type, progress, cached);
    } catch (RuntimeException e) {
      cached.forEach(Dataset::unpersist); // a failed linkage leaves nothing cached in the caller's session
      throw e;
    } finally {
      spark.sparkContext().setJobDescription(null);
    }
  }

  private static LinkResult run(
      SparkSession spark, Dataset<Row> left, Dataset<Row> right, MatchSpec resolved, LinkType type,
      Consumer<String> progress, List<Dataset<Row>> cached) {
    long start = System.nanoTime(); // clock-ok: the summary's run time

    stage(spark, "dedupe: prepare records");
    Dataset<Row> records = Records.prepare(left, 0, "left", resolved);
    if (right != null) {
      records = records.unionByName(Records.prepare(right, 1, "right", resolved));
    }
    // Term frequencies travel with the records, so that scoring needs no lookup per pair.
    records = keep(Scoring.withTermFrequencies(records, Scoring.termFrequencies(records, resolved), resolved), cached);
    Row counts =
        records.agg(
                count(when(col("_side").equalTo(0), 1)), count(when(col("_side").equalTo(1), 1)),
                countDistinct(col("_key")), countDistinct(col("source")), count(when(col("record_id").isNull(), 1)))
            .first();
    long nLeft = counts.getLong(0);
    long nRight = counts.getLong(1);
    checkRecords(records, nLeft, nRight, counts.getLong(2), counts.getLong(4), right != null);
    boolean oneSource = counts.getLong(3) == 1;
    double pairSpace = pairSpace(type, nLeft, nRight);

    stage(spark, "dedupe: blocking rule sizes");
    List<List<BlockingKey>> rules = Blocking.rules(resolved);
    List<RuleStats> ruleStats = new ArrayList<>();
    long[][] sizeOf = new long[rules.size()][2];
    for (Row r : Blocking.ruleSizes(records, resolved, type).collectAsList()) {
      sizeOf[r.getInt(0)] = new long[] {r.getLong(1), r.getLong(2)};
    }
    for (int r = 0; r < rules.size(); r++) {
      ruleStats.add(new RuleStats(Blocking.label(rules.get(r)), sizeOf[r][0], sizeOf[r][1]));
    }
    long maxPairs = resolved.maxPairs();
    long before = ruleStats.stream().mapToLong(RuleStats::pairs).sum();
    if (before > maxPairs) {
      RuleStats worst = ruleStats.stream().max(java.util.Comparator.comparingLong(RuleStats::pairs)).orElseThrow();
      throw new DmpException(String.format(Locale.ROOT,
          "Cannot link records: the blocking rules would compare %,d pairs, above max_pairs %,d; rule '%s' alone"
              + " gives %,d (spec blocking: use narrower rules, or raise max_pairs)", before, maxPairs, worst.rule(), worst.pairs()));
    }
    ruleStats.forEach(s -> progress.accept(String.format(Locale.ROOT, "blocking rule %-28s %,9d blocks %,12d pairs", s.rule(), s.blocks(), s.pairs())));

    stage(spark, "dedupe: compare candidate pairs");
    Dataset<Row> vectors = keep(Comparisons.vectors(Blocking.candidatePairs(records, resolved, type), records, resolved), cached);
    int k = resolved.columns().size();
    List<Pattern> blocked = Estimation.patterns(Estimation.patternCounts(vectors, resolved).collectAsList(), k);
    long compared = blocked.stream().mapToLong(Pattern::count).sum();
    progress.accept(String.format(Locale.ROOT, "compared %,d candidate pairs (%d distinct comparison patterns)", compared, blocked.size()));

    stage(spark, "dedupe: random pairs for u");
    Dataset<Row> random =
        Comparisons.vectors(RandomPairs.sample(records, type, nLeft, nRight, resolved.randomPairs(), resolved.seed()), records, resolved);
    List<Pattern> randomPatterns = Estimation.patterns(Estimation.patternCounts(random, resolved).collectAsList(), k);

    ModelParams model = Estimation.fit(blocked, randomPatterns, pairSpace, resolved.columns(), resolved.maxEmIterations());
    progress.accept(String.format(Locale.ROOT,
        "model: u from %,d random pairs; EM %d iterations%s; prior %.3g over %,.0f possible pairs (%,.0f expected matches)",
        model.randomPairs(), model.iterations(), model.converged() ? "" : " (not converged)", model.lambda(), pairSpace,
        model.expectedMatches()));

    stage(spark, "dedupe: score pairs");
    Dataset<Row> scored = keep(Scoring.score(vectors, model, resolved), cached);
    Dataset<Row> links = keep(Clustering.links(scored, resolved.threshold()), cached);
    long linkCount = links.count();
    progress.accept(String.format(Locale.ROOT, "links: %,d pairs with match probability >= %s", linkCount, resolved.threshold()));

    stage(spark, "dedupe: cluster links");
    int[] steps = {0};
    long[][] componentSizes = {null};
    Dataset<Row> labels =
        linkCount <= LOCAL_CLUSTERING_LIMIT
            ? Clustering.connectedComponentsLocally(links, s -> componentSizes[0] = s)
            : Clustering.connectedComponents(links, MAX_CLUSTERING_STEPS, s -> steps[0] = s);
    Dataset<Row> clusters = keep(Clustering.clusters(records, labels, oneSource), cached);
    long[] clusterStats = componentSizes[0] != null ? clusterStats(componentSizes[0], nLeft + nRight) : clusterStats(clusters);
    progress.accept(String.format(Locale.ROOT, "clusters: %,d (%s)", clusterStats[0],
        componentSizes[0] != null ? "connected components on the driver" : "label propagation, " + steps[0] + " steps"));
    double seconds = (System.nanoTime() - start) / 1e9; // clock-ok
    LinkSummary summary =
        new LinkSummary(
            type.word(), nLeft, nRight, ruleStats, pairSpace, compared, model.randomPairs(), model.iterations(),
            model.converged(), model.lambda(), linkCount, clusterStats[0], clusterStats[1], clusterStats[2], clusterStats[3],
            steps[0], seconds);
    Dataset<Row> linkRows = scored.where(col("match_probability").geq(resolved.threshold()));
    return new LinkResult(scored, linkRows, clusters, model, summary, resolved, List.copyOf(cached));
  }

  /** The link type of a spec for one or two inputs; refuses combinations that cannot work. */
  static LinkType linkType(MatchSpec spec, boolean twoInputs) {
    LinkType t = spec.linkType() != null ? spec.linkType() : twoInputs ? LinkType.LINK_ONLY : LinkType.DEDUPE_ONLY;
    if (twoInputs && t == LinkType.DEDUPE_ONLY) {
      throw new DmpException("Cannot link records: link_type dedupe_only takes one input, got two (spec link_type)");
    }
    if (!twoInputs && t != LinkType.DEDUPE_ONLY) {
      throw new DmpException("Cannot link records: link_type " + t.word() + " needs two inputs, got one (spec link_type)");
    }
    return t;
  }

  /** All possible pairs, the space the prior is a share of. */
  public static double pairSpace(LinkType type, long nLeft, long nRight) {
    double n = nLeft + nRight;
    return type == LinkType.LINK_ONLY ? (double) nLeft * nRight : n * (n - 1) / 2;
  }

  private static void checkRecords(Dataset<Row> records, long nLeft, long nRight, long distinctKeys, long nullIds, boolean two) {
    if (nLeft == 0 || (two && nRight == 0)) {
      throw new DmpException("Cannot link records: the " + (nLeft == 0 ? "left" : "right") + " input has no records");
    }
    if (nullIds > 0) {
      throw new DmpException("Cannot link records: " + nullIds + " record(s) have a null record_id");
    }
    if (distinctKeys < nLeft + nRight) {
      Row dup = records.groupBy("source", "record_id").count().where(col("count").gt(1)).orderBy("source", "record_id").first();
      throw new DmpException(
          "Cannot link records: record id '" + dup.getString(1) + "' appears " + dup.getLong(2) + " times in source '"
              + dup.getString(0) + "' (record ids must be unique per source)");
    }
  }

  /** {clusters, singletons, largest, pairs sharing a cluster} from the sizes of the multi-record components. */
  static long[] clusterStats(long[] componentSizes, long records) {
    long inComponents = 0;
    long largest = records > 0 ? 1 : 0;
    long pairs = 0;
    for (long s : componentSizes) {
      inComponents += s;
      largest = Math.max(largest, s);
      pairs += s * (s - 1) / 2;
    }
    long singletons = records - inComponents;
    return new long[] {singletons + componentSizes.length, singletons, largest, pairs};
  }

  /** The same, counted in Spark over the clusters. */
  static long[] clusterStats(Dataset<Row> clusters) {
    Row sizes =
        clusters.groupBy("cluster_id").agg(count("*").as("size"))
            .agg(
                count("*"), count(when(col("size").equalTo(1), 1)), max("size"),
                sum(col("size").multiply(col("size").minus(1)).divide(2)).cast("long"))
            .first();
    return new long[] {
      sizes.getLong(0), sizes.getLong(1), sizes.isNullAt(2) ? 0 : sizes.getLong(2), sizes.isNullAt(3) ? 0 : sizes.getLong(3)
    };
  }

  private static Dataset<Row> keep(Dataset<Row> d, List<Dataset<Row>> cached) {
    Dataset<Row> p = d.persist(StorageLevel.MEMORY_AND_DISK());
    cached.add(p);
    return p;
  }

  private static void stage(SparkSession spark, String what) {
    spark.sparkContext().setJobDescription(what);
  }
}
