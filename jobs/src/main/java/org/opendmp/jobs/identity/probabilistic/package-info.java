/**
 * Probabilistic record linkage (Fellegi-Sunter) for records without a common key: the engine of {@code dmp dedupe}
 * and of the identity job's probabilistic links (store and wifi records, CRM duplicates, matched to customers).
 *
 * <p>API: {@link org.opendmp.jobs.identity.probabilistic.ProbabilisticLinker#link} takes one or two frames
 * ({@code record_id}, optional {@code source}, the compared columns) and a
 * {@link org.opendmp.jobs.identity.probabilistic.MatchSpec}, and returns a
 * {@link org.opendmp.jobs.identity.probabilistic.LinkResult}: scored pairs with per-column levels and weights,
 * accepted links, clusters, the fitted {@link org.opendmp.jobs.identity.probabilistic.ModelParams} and a
 * {@link org.opendmp.jobs.identity.probabilistic.LinkSummary}. A spec comes from YAML ({@code MatchSpec.load}) or
 * from the data ({@link org.opendmp.jobs.identity.probabilistic.ColumnProfiler#infer}).
 *
 * <p>The stages, each a pure {@code Dataset<Row>} transform unless said otherwise:
 * <ul>
 *   <li>{@code Records.prepare}: one key per record, normalised values per column kind (null for blanks and junk);
 *   <li>{@code Blocking.candidatePairs}: the union of the blocking rules, deduplicated, {@code key_l < key_r};
 *   <li>{@code Comparisons.vectors}: the level of every column per pair (Spark's {@code levenshtein},
 *       {@code soundex}, {@code datediff}; Jaro-Winkler in {@code Similarity}); first name and surname compared in
 *       both orders;
 *   <li>{@code RandomPairs.sample}: random pairs (hash-drawn, so deterministic) for u;
 *   <li>{@code Estimation}: pattern counts in Spark, then EM on the driver for m and the prior, the prior taken
 *       over all possible pairs (see the class for the trap this avoids);
 *   <li>{@code Scoring}: term frequencies, per-column weights (log2 Bayes factors), match weight and probability;
 *   <li>{@code Clustering}: accepted pairs into clusters by connected components (label propagation in Spark, or
 *       union-find on the driver when the links are few).
 * </ul>
 * Files: {@code DelimitedFile} reads what other teams send (encodings, delimiters, quoting, messy headers).
 */
package org.opendmp.jobs.identity.probabilistic;
