package org.opendmp.jobs.identity.probabilistic;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opendmp.common.testing.SharedSpark;
import org.opendmp.jobs.cli.Dmp;

/**
 * The acceptance measure: {@code dmp dedupe} with no spec on 1,000 real-shaped person records (typos, blanks,
 * swapped names; 181 true entities) must reach a pairwise cluster F1 of at least 0.95. The {@code cluster}
 * column is the truth and is excluded from matching.
 */
class DedupeRealPersonsTest {
  static final Path PERSONS = Path.of("src/test/resources/real/persons_fake_1000.csv");

  @TempDir Path dir;

  /** Pairwise precision, recall and F1 of predicted clusters against true ones, over all record pairs. */
  record Scores(long truePairs, long predictedPairs, long both) {
    double precision() {
      return predictedPairs == 0 ? 0 : (double) both / predictedPairs;
    }

    double recall() {
      return truePairs == 0 ? 0 : (double) both / truePairs;
    }

    double f1() {
      double p = precision();
      double r = recall();
      return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }
  }

  /** Counts pairs by cluster sizes: same predicted cluster, same true cluster, and both. */
  static Scores score(Map<String, String> predicted, Map<String, String> truth) {
    Map<String, Long> pred = new HashMap<>();
    Map<String, Long> tru = new HashMap<>();
    Map<String, Long> joint = new HashMap<>();
    for (var e : truth.entrySet()) {
      String p = predicted.get(e.getKey());
      assertThat(p).as("cluster of record " + e.getKey()).isNotNull();
      pred.merge(p, 1L, Long::sum);
      tru.merge(e.getValue(), 1L, Long::sum);
      joint.merge(p + "\u0001" + e.getValue(), 1L, Long::sum);
    }
    return new Scores(pairs(tru), pairs(pred), pairs(joint));
  }

  private static long pairs(Map<String, Long> sizes) {
    return sizes.values().stream().mapToLong(n -> n * (n - 1) / 2).sum();
  }

  @Test
  void inferredSpecReachesClusterF1OfNinetyFivePercent() throws IOException {
    SharedSpark.spark();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Dmp.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
            .execute("dedupe", "--input", PERSONS.toString(), "--out", dir.toString(), "--id-column", "unique_id",
                "--exclude-column", "cluster");
    System.out.println(out);
    assertThat(code).as(err.toString()).isZero();

    Map<String, String> truth = new HashMap<>();
    for (String line : Files.readAllLines(PERSONS).subList(1, 1001)) {
      String[] f = line.split(",", -1);
      truth.put(f[0], f[6]);
    }
    List<String> clusters = Files.readAllLines(dir.resolve("clusters.csv"));
    assertThat(clusters.get(0)).isEqualTo("source,record_id,cluster_id");
    assertThat(clusters).hasSize(1001);
    Map<String, String> predicted = new HashMap<>();
    clusters.subList(1, clusters.size()).forEach(l -> predicted.put(l.split(",")[1], l.split(",")[2]));
    Scores s = score(predicted, truth);
    System.out.printf("DEDUPE_F1 precision=%.4f recall=%.4f f1=%.4f (true pairs %d, predicted %d, both %d)%n",
        s.precision(), s.recall(), s.f1(), s.truePairs(), s.predictedPairs(), s.both());
    assertThat(s.truePairs()).isEqualTo(2975);
    assertThat(s.f1()).isGreaterThanOrEqualTo(0.95);

    // the truth column never reached the model, and the spec it chose compares the names in both orders
    String spec = Files.readString(dir.resolve("spec.yaml"));
    assertThat(spec).doesNotContain("cluster").doesNotContain("unique_id").contains("name_swap: [first_name, surname]");
    MatchSpec reloaded = MatchSpec.load(dir.resolve("spec.yaml"));
    assertThat(reloaded.columns()).extracting(MatchSpec.ColumnSpec::name).containsExactlyInAnyOrder("first_name", "surname", "dob", "city", "email");
  }
}
