package org.opendmp.jobs.identity.probabilistic;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a linkage did, for the run summary. Clusters are measured, not only links: clustering joins records
 * transitively, so one false link can merge two large clusters; {@code clusteredPairs} (the pairs the clusters
 * imply) against {@code links} shows how much clustering added.
 *
 * @param linkType the pairs considered
 * @param recordsLeft records of the left (or only) input
 * @param recordsRight records of the right input (0 when deduplicating one)
 * @param rules per blocking rule: its label, blocks (keys shared by two records or more) and pairs it produces
 * @param pairSpace all possible pairs
 * @param pairsCompared distinct candidate pairs compared (union of the rules)
 * @param randomPairs random pairs compared to estimate u
 * @param emIterations EM iterations
 * @param emConverged whether EM converged
 * @param lambda the prior over all pairs
 * @param links pairs at or above the threshold
 * @param clusters clusters, singletons included
 * @param singletons clusters of one record
 * @param largestCluster records in the largest cluster
 * @param clusteredPairs pairs of records sharing a cluster
 * @param clusteringSteps propagation steps of the connected components
 * @param seconds wall time of the linkage
 */
public record LinkSummary(
    String linkType,
    long recordsLeft,
    long recordsRight,
    List<RuleStats> rules,
    double pairSpace,
    long pairsCompared,
    long randomPairs,
    int emIterations,
    boolean emConverged,
    double lambda,
    long links,
    long clusters,
    long singletons,
    long largestCluster,
    long clusteredPairs,
    int clusteringSteps,
    double seconds) {

  /** One blocking rule's size. */
  public record RuleStats(String rule, long blocks, long pairs) {}

  public LinkSummary {
    rules = List.copyOf(rules);
  }

  public long records() {
    return recordsLeft + recordsRight;
  }

  /** Keys shared by two records or more, over all rules. */
  public long blocks() {
    return rules.stream().mapToLong(RuleStats::blocks).sum();
  }

  /** Candidate pairs compared per second of linkage. */
  public double pairsPerSecond() {
    return seconds <= 0 ? 0 : pairsCompared / seconds;
  }

  /** The summary as short lines for a terminal. */
  public List<String> lines() {
    List<String> l = new ArrayList<>();
    l.add(String.format(Locale.ROOT, "records        %,d%s", records(),
        recordsRight > 0 ? String.format(Locale.ROOT, " (%,d left + %,d right, %s)", recordsLeft, recordsRight, linkType) : ""));
    l.add(String.format(Locale.ROOT, "blocks         %,d over %d rule%s", blocks(), rules.size(), rules.size() == 1 ? "" : "s"));
    l.add(String.format(Locale.ROOT, "pairs compared %,d of %,.0f possible (%.3f%%), plus %,d random pairs for u",
        pairsCompared, pairSpace, pairSpace == 0 ? 0 : 100.0 * pairsCompared / pairSpace, randomPairs));
    l.add(String.format(Locale.ROOT, "model          prior %.3g over all pairs (%,.0f expected matches), EM %d iterations%s",
        lambda, lambda * pairSpace, emIterations, emConverged ? "" : " (not converged)"));
    l.add(String.format(Locale.ROOT, "links          %,d pairs accepted", links));
    l.add(String.format(Locale.ROOT, "clusters       %,d (%,d singletons, largest %,d records; %,d pairs share a cluster)",
        clusters, singletons, largestCluster, clusteredPairs));
    l.add(String.format(Locale.ROOT, "time           %.1f s (%,.0f pairs compared per second)", seconds, pairsPerSecond()));
    return l;
  }
}
