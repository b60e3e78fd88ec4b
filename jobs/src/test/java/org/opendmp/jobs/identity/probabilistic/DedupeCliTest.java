package org.opendmp.jobs.identity.probabilistic;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opendmp.common.testing.SharedSpark;
import org.opendmp.jobs.cli.Dmp;
import org.opendmp.jobs.identity.probabilistic.PersonsFixture.Person;

/** {@code dmp dedupe}: options, exit codes, one-line errors, and a two-file run end to end. */
class DedupeCliTest {
  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  @BeforeAll
  static void sharedSession() {
    SharedSpark.spark(); // dedupe reuses the running session, as it would inside an application
  }

  static Result dmp(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Dmp.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  private Path write(String name, String text) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    return f;
  }

  @Test
  void helpDocumentsEveryOption() {
    Result top = dmp("--help");
    assertThat(top.out()).contains("  dedupe ");
    Result r = dmp("dedupe", "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("--input=FILE", "--out=DIR", "--spec=SPEC.yaml", "--id-column=COL", "--exclude-column=COL",
        "--threshold=P", "--env=FILE", "--set=KEY=VALUE", "clusters.csv", "pairs.csv", "line number");
  }

  @Test
  void badCommandLinesExitTwo() throws IOException {
    Path a = write("a.csv", "name\nAnn\n");
    assertThat(dmp("dedupe", "--out", dir.toString()).code()).isEqualTo(2);
    Result noOut = dmp("dedupe", "--input", a.toString());
    assertThat(noOut.code()).isEqualTo(2);
    assertThat(noOut.err()).contains("Missing required option: '--out=DIR'");
    Result three = dmp("dedupe", "--input", a.toString(), "--input", a.toString(), "--input", a.toString(), "--out", dir.toString());
    assertThat(three.code()).isEqualTo(2);
    assertThat(three.err()).contains("--input takes one file (deduplicate) or two (link), got 3");
    assertThat(dmp("dedupe", "--input", a.toString(), "--out", dir.toString(), "--threshold", "1.5").code()).isEqualTo(2);
  }

  @Test
  void failuresExitOneWithOneLineSayingWhatAndWhere() throws IOException {
    Path out = dir.resolve("out");
    Path good = write("good.csv", "id,first_name,surname\n1,Ann,Lee\n2,Bob,Ray\n");
    Map<String, String[]> cases = new java.util.LinkedHashMap<>();
    cases.put("error: Cannot dedupe: file not found (" + dir.resolve("missing.csv") + ")",
        new String[] {"--input", dir.resolve("missing.csv").toString()});
    cases.put("error: Cannot dedupe: the file is empty (file " + dir.resolve("empty.csv") + ")",
        new String[] {"--input", write("empty.csv", "").toString()});
    cases.put("the first line is not a header: field 1 is '1'",
        new String[] {"--input", write("nohead.csv", "1,Ann,Lee\n2,Bob,Ray\n").toString()});
    cases.put("error: Cannot dedupe: --id-column 'uid' is not a column of the file (file " + good + "; columns: id, first_name, surname)",
        new String[] {"--input", good.toString(), "--id-column", "uid"});
    cases.put("--exclude-column 'truth' is not a column of the file",
        new String[] {"--input", good.toString(), "--exclude-column", "truth"});
    Path badSpec = write("bad.yaml", "columns:\n  - name: first_name\n    kind: name\nblocking_rules: []\n");
    cases.put("error: Cannot dedupe: bad spec: unknown key 'blocking_rules' (file " + badSpec + ", line 4; expected one of:",
        new String[] {"--input", good.toString(), "--spec", badSpec.toString()});
    Path otherSpec = write("other.yaml", "columns:\n  - name: email\n    kind: email\n");
    cases.put("error: Cannot dedupe: the spec reads column 'email', which the input does not have (spec " + otherSpec,
        new String[] {"--input", good.toString(), "--id-column", "id", "--spec", otherSpec.toString()});
    cases.put("error: Cannot dedupe: spec file not found (" + dir.resolve("nospec.yaml") + ")",
        new String[] {"--input", good.toString(), "--spec", dir.resolve("nospec.yaml").toString()});
    for (var c : cases.entrySet()) {
      List<String> args = new ArrayList<>(List.of("dedupe", "--out", out.toString()));
      args.addAll(List.of(c.getValue()));
      Result r = dmp(args.toArray(String[]::new));
      assertThat(r.code()).as(String.join(" ", args) + "\n" + r.err()).isEqualTo(1);
      assertThat(r.err().lines().toList()).as(r.err()).hasSize(1);
      assertThat(r.err()).contains(c.getKey());
    }
  }

  /**
   * Two files from two teams: UTF-8 with commas and a messy header, ISO-8859-1 with semicolons and quotes, both
   * numbering their records from 1. Linked with an inferred spec, then again with the spec it saved: the same
   * clusters and pairs, byte for byte.
   */
  @Test
  void linksTwoMessyFilesAndRerunsIdenticallyFromTheSavedSpec() throws IOException {
    List<Person> people = PersonsFixture.people(120, 3);
    Random r = new Random(9);
    StringBuilder a = new StringBuilder(" ID , First Name ,Surname,DOB,City,E-mail\n");
    Map<String, Integer> truthA = new HashMap<>();
    for (int i = 0; i < 100; i++) {
      String[] v = PersonsFixture.record(people.get(i), r);
      a.append(i + 1).append(',').append(csv(v[0])).append(',').append(csv(v[1])).append(',').append(csv(v[2])).append(',')
          .append(csv(v[3])).append(',').append(csv(v[4])).append('\n');
      truthA.put(String.valueOf(i + 1), i);
    }
    StringBuilder b = new StringBuilder("id;first name;surname;dob;city;e-mail\n");
    Map<String, Integer> truthB = new HashMap<>();
    for (int k = 0; k < 90; k++) {
      int person = k < 70 ? (k * 3) % 100 : 100 + (k - 70);
      String[] v = PersonsFixture.record(people.get(person), r);
      for (int j = 0; j < 2; j++) {
        v[j] = v[j] == null ? null : v[j].replace("Elodie", "Élodie").replace("Lea", "Léa");
      }
      b.append(k + 1);
      for (String x : v) {
        b.append(';').append(x == null ? "" : "\"" + x + "\"");
      }
      b.append('\n');
      truthB.put(String.valueOf(k + 1), person);
    }
    Path fa = write("customers.csv", a.toString());
    Path fb = dir.resolve("store.csv");
    Files.write(fb, b.toString().getBytes(StandardCharsets.ISO_8859_1));
    Path out1 = dir.resolve("run1");
    Result run1 = dmp("dedupe", "--input", fa.toString(), "--input", fb.toString(), "--out", out1.toString(), "--id-column", "id");
    assertThat(run1.code()).as(run1.out() + run1.err()).isZero();
    assertThat(run1.out()).contains("(ISO-8859-1, delimiter ';')", "(UTF-8, delimiter ',')", "spec (inferred; saved to",
        "name_swap: [First_Name, Surname]", "link_only", "clusters", "pairs compared", "summary:");

    List<String> clusters = Files.readAllLines(out1.resolve("clusters.csv"));
    assertThat(clusters.get(0)).isEqualTo("source,record_id,cluster_id");
    assertThat(clusters).hasSize(191);
    Map<String, String> clusterOf = new HashMap<>();
    clusters.subList(1, clusters.size()).forEach(l -> clusterOf.put(l.split(",")[0] + ":" + l.split(",")[1], l.split(",")[2]));
    // the same person in both files shares a cluster; record 1 of each file is a different record
    int together = 0;
    for (int k = 0; k < 70; k++) {
      together += clusterOf.get("store.csv:" + (k + 1)).equals(clusterOf.get("customers.csv:" + (truthB.get(String.valueOf(k + 1)) + 1))) ? 1 : 0;
    }
    assertThat(together).isGreaterThan(60);
    Set<String> strangers = new HashSet<>();
    for (int k = 70; k < 90; k++) {
      strangers.add(clusterOf.get("store.csv:" + (k + 1)));
    }
    assertThat(strangers).hasSize(20).allSatisfy(c -> assertThat(c).startsWith("store.csv:"));

    List<String> pairs = Files.readAllLines(out1.resolve("pairs.csv"));
    assertThat(pairs.get(0)).startsWith("record_id_l,record_id_r,match_probability,match_weight,linked,source_l,source_r,blocking_rule,names_swapped,")
        .contains("First_Name_level,First_Name_weight", "E_mail_weight");
    assertThat(pairs.subList(1, pairs.size())).allSatisfy(p -> assertThat(p).contains(",customers.csv,store.csv,"));
    assertThat(Files.readString(out1.resolve("summary.txt"))).contains("records        190 (100 left + 90 right, link_only)");
    assertThat(Files.readString(out1.resolve("model.json"))).contains("\"pair_space\" : 9000.0");

    Path out2 = dir.resolve("run2");
    Result run2 = dmp("dedupe", "--input", fa.toString(), "--input", fb.toString(), "--out", out2.toString(), "--id-column", "ID",
        "--spec", out1.resolve("spec.yaml").toString());
    assertThat(run2.code()).as(run2.err()).isZero();
    assertThat(run2.out()).doesNotContain("spec (inferred");
    assertThat(Files.readString(out2.resolve("clusters.csv"))).isEqualTo(Files.readString(out1.resolve("clusters.csv")));
    assertThat(Files.readString(out2.resolve("pairs.csv"))).isEqualTo(Files.readString(out1.resolve("pairs.csv")));
    assertThat(Files.readString(out2.resolve("spec.yaml"))).isEqualTo(Files.readString(out1.resolve("spec.yaml")));
  }

  private static String csv(String v) {
    return v == null ? "" : v.contains(",") ? "\"" + v + "\"" : v;
  }
}
