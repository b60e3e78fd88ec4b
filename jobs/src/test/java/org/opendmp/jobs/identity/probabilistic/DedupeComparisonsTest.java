package org.opendmp.jobs.identity.probabilistic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.opendmp.common.testing.DatasetAssert.assertRows;
import static org.opendmp.common.testing.DatasetAssert.rows;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.opendmp.jobs.identity.probabilistic.MatchSpec.ColumnSpec;
import org.opendmp.jobs.identity.probabilistic.MatchSpec.Kind;
import org.opendmp.jobs.identity.probabilistic.MatchSpec.LinkType;
import org.opendmp.jobs.identity.probabilistic.ModelParams.ColumnParams;

/** Comparison vectors, blocking and scoring on a few inline records. */
class DedupeComparisonsTest {
  static final String DDL = "record_id STRING, first_name STRING, surname STRING, dob STRING, email STRING";

  static MatchSpec spec(List<String> swap) {
    return MatchSpec.of(
        List.of(new ColumnSpec("first_name", Kind.NAME), new ColumnSpec("surname", Kind.NAME), new ColumnSpec("dob", Kind.DATE),
            new ColumnSpec("email", Kind.EMAIL)),
        swap, List.of(List.of("dob")), List.of());
  }

  static final MatchSpec SWAP = spec(List.of("first_name", "surname"));
  static final MatchSpec NO_SWAP = spec(List.of());

  /** A fixed model: names and dob levels [exact, jw>=.92, jw>=.8, else], email [exact, local, jw, else]. */
  static ModelParams model(MatchSpec spec) {
    List<ColumnParams> cols =
        spec.columns().stream()
            .map(c -> new ColumnParams(c.name(), c.labels(), List.of(0.8, 0.1, 0.05, 0.03, 0.02).subList(0, c.labels().size()),
                List.of(0.01, 0.02, 0.05, 0.12, 0.8).subList(0, c.labels().size())))
            .toList();
    return new ModelParams(0.001, 1000, 10, 1000, 1, true, cols);
  }

  static Dataset<Row> vectors(MatchSpec spec, Object[]... records) {
    Dataset<Row> prepared = Records.prepare(rows(DDL, records), 0, "t", spec.withLinkType(LinkType.DEDUPE_ONLY));
    return Comparisons.vectors(Blocking.candidatePairs(prepared, spec, LinkType.DEDUPE_ONLY), prepared, spec);
  }

  static Map<String, Row> byPair(Dataset<Row> d) {
    return d.collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getAs("record_id_l") + "-" + r.getAs("record_id_r"), Function.identity()));
  }

  @Test
  void jaroWinklerKnownValues() {
    assertThat(Similarity.jaroWinkler("martha", "marhta")).isCloseTo(0.9611, within(0.0001));
    assertThat(Similarity.jaroWinkler("dwayne", "duane")).isCloseTo(0.84, within(0.0001));
    assertThat(Similarity.jaroWinkler("dixon", "dicksonx")).isCloseTo(0.8133, within(0.0001));
    assertThat(Similarity.jaroWinkler("abc", "xyz")).isZero();
    assertThat(Similarity.jaroWinkler("same", "same")).isEqualTo(1.0);
  }

  @Test
  void valuesAreNormalisedPerKind() {
    assertThat(Records.normalise("  Zoé-Hélène  D'Œuvray ", "NAME")).isEqualTo("zoe helene d oeuvray");
    assertThat(Records.normalise("ÅNGSTRÖM", "STRING")).isEqualTo("angstrom");
    assertThat(Records.normalise(" N/A ", "NAME")).isNull();
    assertThat(Records.normalise("unknown", "EMAIL")).isNull();
    assertThat(Records.normalise(" Ann.Lee @X.com", "EMAIL")).isEqualTo("ann.lee@x.com");
    assertThat(Records.normalise("+33 (6) 12-34-56-78", "PHONE")).isEqualTo("33612345678");
    assertThat(Records.normalise("0033 6 12 34 56 78", "PHONE")).isEqualTo("33612345678");
    assertThat(Records.normalise("1234", "PHONE")).isNull();
    assertThat(Records.normalise("sw1a 1aa", "POSTCODE")).isEqualTo("SW1A1AA");
    assertThat(Records.normalise("Gold", "EXACT")).isEqualTo("gold");
    assertThat(Records.normalise("  ", "NAME")).isNull();
  }

  @Test
  void swappedNamesStillMatch() {
    Object[][] records = {
      {"1", "Amelia ", "Alexander", "1983-05-19", "ia@x.org"},
      {"2", "Alexander", "AMELIA", "1983-05-19", "ia@x.org"},
      {"3", "Amelia", "Alexandre", "1983-05-19", null}
    };
    Map<String, Row> swap = byPair(vectors(SWAP, records));
    assertThat(swap.get("1-2").<Boolean>getAs("names_swapped")).isTrue();
    assertThat(swap.get("1-2").<Integer>getAs("g0")).isZero(); // first name exact once swapped
    assertThat(swap.get("1-2").<Integer>getAs("g1")).isZero();
    assertThat(swap.get("1-3").<Boolean>getAs("names_swapped")).isFalse();
    assertThat(swap.get("1-3").<Integer>getAs("g0")).isZero();
    assertThat(swap.get("1-3").<Integer>getAs("g1")).isEqualTo(1); // alexander/alexandre: jaro_winkler >= 0.92
    Map<String, Row> straight = byPair(vectors(NO_SWAP, records));
    assertThat(straight.get("1-2").<Integer>getAs("g0")).isEqualTo(3); // else
    assertThat(straight.get("1-2").<Integer>getAs("g1")).isEqualTo(3);

    Map<String, Row> scored = byPair(Scoring.score(vectors(SWAP, records), model(SWAP), SWAP));
    assertThat(scored.get("1-2").<Double>getAs("match_probability")).isGreaterThan(0.99);
    Map<String, Row> unswapped = byPair(Scoring.score(vectors(NO_SWAP, records), model(NO_SWAP), NO_SWAP));
    assertThat(unswapped.get("1-2").<Double>getAs("match_probability")).isLessThan(0.5);
  }

  @Test
  void nullIsNeutral() {
    Object[][] records = {
      {"1", "Noah", "Watson", "2008-03-23", "mw@b.net"},
      {"2", "Noah", "Watson", "2008-03-23", null},
      {"3", "Noah", "Watson", "2008-03-23", "N/A"},
      {"4", "Noah", "Watson", "2008-03-23", "zz@q.org"}
    };
    Map<String, Row> s = byPair(Scoring.score(vectors(NO_SWAP, records), model(NO_SWAP), NO_SWAP));
    Row missing = s.get("1-2");
    assertThat(missing.<String>getAs("email_level")).isEqualTo("null");
    assertThat(missing.<Double>getAs("email_weight")).isZero();
    // the same pair scored without the email column at all weighs the same
    double names = model(NO_SWAP).matchWeight(0, 0, 0);
    assertThat(missing.<Double>getAs("match_weight")).isCloseTo(names, within(1e-9));
    // junk is null too; a present but different email counts against
    assertThat(s.get("1-3").<String>getAs("email_level")).isEqualTo("null");
    assertThat(s.get("1-4").<String>getAs("email_level")).isEqualTo("else");
    assertThat(s.get("1-4").<Double>getAs("match_weight")).isLessThan(names);
    assertThat(s.get("1-4").<Double>getAs("match_probability")).isLessThan(missing.<Double>getAs("match_probability"));
  }

  @Test
  void commonNamesWeighLessThanRareOnes() {
    MatchSpec spec =
        MatchSpec.of(List.of(new ColumnSpec("first_name", Kind.NAME), new ColumnSpec("surname", Kind.NAME)), List.of(),
            List.of(List.of("first_name")), List.of("first_name"));
    Dataset<Row> in =
        rows("record_id STRING, first_name STRING, surname STRING",
            new Object[] {"1", "John", "Ray"}, new Object[] {"2", "john", "Lee"}, new Object[] {"3", "JOHN", "Kay"},
            new Object[] {"4", "John", "Poe"}, new Object[] {"5", "Zebedee", "Fox"}, new Object[] {"6", "Zébédée", "Day"});
    Dataset<Row> prepared = Records.prepare(in, 0, "t", spec);
    Dataset<Row> withTf = Scoring.withTermFrequencies(prepared, Scoring.termFrequencies(prepared, spec), spec);
    Map<String, Row> s =
        byPair(Scoring.score(Comparisons.vectors(Blocking.candidatePairs(withTf, spec, LinkType.DEDUPE_ONLY), withTf, spec),
            model(spec), spec));
    double m = 0.8; // the model's m of the exact level
    assertThat(s.get("1-2").<Double>getAs("first_name_weight")).isCloseTo(Math.log(m / (4 / 6.0)) / Math.log(2), within(1e-9));
    assertThat(s.get("5-6").<Double>getAs("first_name_weight")).isCloseTo(Math.log(m / (2 / 6.0)) / Math.log(2), within(1e-9));
    assertThat(s.get("5-6").<Double>getAs("match_probability")).isGreaterThan(s.get("1-2").<Double>getAs("match_probability"));
    assertThat(s.get("1-2").<String>getAs("first_name_level")).isEqualTo("exact");
  }

  @Test
  void levelsOfEachKind() {
    ColumnSpec pc = new ColumnSpec("pc", Kind.POSTCODE);
    ColumnSpec phone = new ColumnSpec("phone", Kind.PHONE);
    ColumnSpec email = new ColumnSpec("email", Kind.EMAIL);
    ColumnSpec dob = new ColumnSpec("dob", Kind.DATE, List.of("exact", "levenshtein <= 1", "days <= 31", "days <= 366"), "d/M/yyyy");
    MatchSpec spec = MatchSpec.of(List.of(pc, phone, email, dob), List.of(), List.of(), List.of());
    Dataset<Row> in =
        rows(
            "record_id STRING, pc STRING, phone STRING, email STRING, dob STRING",
            new Object[] {"1", "SW1A 1AA", "+33 6 12 34 56 78", "Ann.Lee@x.com", "19/5/1983"},
            new Object[] {"2", "sw1a1aa", "06.12.34.56.78", "ann.lee@y.org", "19/05/1983"},
            new Object[] {"3", "SW1A 2BB", "0033612345679", "ann.le@x.com", "29/05/1983"},
            new Object[] {"4", "SW7 1AA", "n/a", " ANN.LEE@X.COM ", "19/5/1993"},
            new Object[] {"5", "75011", "12", "bob@x.com", "not a date"},
            new Object[] {"6", "75012", null, null, "30/3/1983"});
    Dataset<Row> prepared = Records.prepare(in, 0, "t", spec.withLinkType(LinkType.DEDUPE_ONLY));
    Dataset<Row> pairs = prepared.select(org.apache.spark.sql.functions.col("_key").as("key_l")).crossJoin(
        prepared.select(org.apache.spark.sql.functions.col("_key").as("key_r"))).where("key_l < key_r");
    Map<String, Row> v = byPair(Comparisons.vectors(pairs, prepared, spec));
    int[][] expect = {
      // pair, then levels: pc (exact, sector, district, area, else), phone (exact, last 8 digits, one typo, else),
      // email (exact, local_part, jaro_winkler, else), dob (exact, one typo, 31 days, 366 days, else); -1 null
      {1, 2, 0, 1, 1, 0},
      {1, 3, 2, 2, 2, 1}, // dob 19 vs 29 May: one typo in the written date
      {1, 4, 3, -1, 0, 1},
      {2, 3, 2, 3, 2, 1},
      {5, 6, 1, -1, -1, -1},
      {1, 6, 4, -1, -1, 3},
    };
    for (int[] e : expect) {
      Row r = v.get(e[0] + "-" + e[1]);
      assertThat(new int[] {r.getAs("g0"), r.getAs("g1"), r.getAs("g2"), r.getAs("g3")}).as("pair " + e[0] + "-" + e[1])
          .containsExactly(e[2], e[3], e[4], e[5]);
    }
  }

  @Test
  void blockingUnionIsDeduplicatedAndOriented() {
    MatchSpec spec =
        MatchSpec.of(List.of(new ColumnSpec("first_name", Kind.NAME), new ColumnSpec("surname", Kind.NAME)), List.of(),
            List.of(List.of("first_name"), List.of("sorted(first_name, surname)")), List.of());
    Dataset<Row> in =
        rows("record_id STRING, first_name STRING, surname STRING",
            new Object[] {"10", "Ann", "Lee"}, new Object[] {"9", "Lee", "Ann"}, new Object[] {"11", "ann", "Lee"},
            new Object[] {"12", "Bob", null});
    Dataset<Row> prepared = Records.prepare(in, 0, "t", spec);
    Dataset<Row> pairs =
        Blocking.candidatePairs(prepared, spec, LinkType.DEDUPE_ONLY)
            .join(prepared.select(org.apache.spark.sql.functions.col("_key").as("key_l"), org.apache.spark.sql.functions.col("record_id").as("l")), "key_l")
            .join(prepared.select(org.apache.spark.sql.functions.col("_key").as("key_r"), org.apache.spark.sql.functions.col("record_id").as("r")), "key_r")
            .select("l", "r", "block_rule");
    // 9 sorts before 10 (numeric ids in numeric order); 10-11 found by both rules, kept once with the first
    assertRows(pairs, new Object[] {"10", "11", 0}, new Object[] {"9", "10", 1}, new Object[] {"9", "11", 1});
    assertRows(Blocking.ruleSizes(prepared, spec, LinkType.DEDUPE_ONLY), new Object[] {0, 1L, 1L}, new Object[] {1, 1L, 3L});

    Dataset<Row> left = Records.prepare(in.where("record_id in ('10', '12')"), 0, "a", spec);
    Dataset<Row> right = Records.prepare(in.where("record_id in ('9', '11')"), 1, "b", spec);
    Dataset<Row> both = left.unionByName(right);
    List<Row> linked = Blocking.candidatePairs(both, spec, LinkType.LINK_ONLY).collectAsList();
    assertThat(linked).hasSize(2).allSatisfy(r -> {
      assertThat(r.getString(0)).startsWith("a\u0001");
      assertThat(r.getString(1)).startsWith("b\u0001");
    });
    // link_and_dedupe: across the inputs and within each (9 and 11 are both on the right)
    assertThat(Blocking.candidatePairs(both, spec, LinkType.LINK_AND_DEDUPE).count()).isEqualTo(3);
  }
}
