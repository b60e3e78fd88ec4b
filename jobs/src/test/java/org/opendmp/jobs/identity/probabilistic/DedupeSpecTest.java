package org.opendmp.jobs.identity.probabilistic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opendmp.common.DmpException;
import org.opendmp.jobs.identity.probabilistic.MatchSpec.ColumnSpec;
import org.opendmp.jobs.identity.probabilistic.MatchSpec.Kind;
import org.opendmp.jobs.identity.probabilistic.MatchSpec.LinkType;

/** The match spec: YAML round trip, defaults, and one-line errors naming the file, line and key. */
class DedupeSpecTest {
  @TempDir Path dir;

  static MatchSpec everything() {
    return new MatchSpec(
        List.of(
            new ColumnSpec("first_name", Kind.NAME),
            new ColumnSpec("surname", Kind.NAME, List.of("exact", "jaro_winkler >= 0.9", "soundex"), null),
            new ColumnSpec("birth_date", Kind.DATE, List.of("exact", "days <= 7"), "dd/MM/yyyy"),
            new ColumnSpec("postcode", Kind.POSTCODE),
            new ColumnSpec("email", Kind.EMAIL),
            new ColumnSpec("phone", Kind.PHONE),
            new ColumnSpec("ville", Kind.STRING, List.of("exact", "levenshtein <= 1", "prefix 3"), null),
            new ColumnSpec("gender", Kind.EXACT),
            new ColumnSpec("notes", Kind.TEXT)),
        List.of("first_name", "surname"),
        List.of(
            List.of("sorted(first_name, surname)"), List.of("birth_date"), List.of("soundex(surname)", "year(birth_date)"),
            List.of("prefix(postcode, 3)", "gender"), List.of("country")),
        List.of("first_name", "surname", "ville"),
        0.85, 40, 50_000, 7L, LinkType.LINK_AND_DEDUPE, 1_000_000L);
  }

  @Test
  void roundTripsThroughYaml() throws IOException {
    MatchSpec spec = everything();
    Path file = dir.resolve("spec.yaml");
    spec.write(file);
    MatchSpec back = MatchSpec.load(file);
    assertThat(back).isEqualTo(spec);
    assertThat(back.toYaml()).isEqualTo(spec.toYaml());
    assertThat(Files.readString(file)).contains("levels: [exact, \"jaro_winkler >= 0.92\", \"jaro_winkler >= 0.8\"]", "link_type: link_and_dedupe");
    // a column only used for blocking is read too
    assertThat(back.referencedColumns()).endsWith("country");
  }

  @Test
  void defaultsFillWhatIsLeftOut() throws IOException {
    Path file = dir.resolve("min.yaml");
    Files.writeString(file, "columns:\n  - name: email\n    kind: email\n");
    MatchSpec spec = MatchSpec.load(file);
    assertThat(spec.columns().get(0).levels()).containsExactly("exact", "local_part", "jaro_winkler >= 0.88");
    assertThat(spec.threshold()).isEqualTo(0.9);
    assertThat(spec.maxEmIterations()).isEqualTo(25);
    assertThat(spec.randomPairs()).isEqualTo(200_000);
    assertThat(spec.seed()).isEqualTo(42L);
    assertThat(spec.blocking()).isEmpty();
    assertThat(spec.linkType()).isNull();
    assertThat(MatchSpec.load(write("again.yaml", spec.toYaml()))).isEqualTo(spec);
  }

  @Test
  void unknownKeyFailsNamingItFileAndLine() throws IOException {
    Path top = write("top.yaml", "columns:\n  - name: email\n    kind: email\ntreshold: 0.8\n");
    assertThatThrownBy(() -> MatchSpec.load(top))
        .isInstanceOf(DmpException.class)
        .hasMessageContaining("unknown key 'treshold'")
        .hasMessageContaining(top.toString())
        .hasMessageContaining("line 4")
        .hasMessageContaining("threshold");
    Path nested = write("nested.yaml", "columns:\n  - name: email\n    kind: email\n  - name: dob\n    kind: date\n    format: dd/MM/yyyy\n");
    assertThatThrownBy(() -> MatchSpec.load(nested))
        .hasMessageContaining("unknown key 'columns[1].format'")
        .hasMessageContaining("line 6")
        .hasMessageContaining("date_format");
  }

  @Test
  void invalidValuesFailNamingTheKey() throws IOException {
    assertThatThrownBy(() -> MatchSpec.load(write("kind.yaml", "columns:\n  - name: x\n    kind: nickname\n")))
        .hasMessageContaining("columns[0].kind")
        .hasMessageContaining("nickname")
        .hasMessageContaining("name, string, exact, date, email, phone, postcode, text");
    assertThatThrownBy(() -> MatchSpec.load(write("level.yaml", "columns:\n  - name: x\n    kind: name\n    levels: [exact, jaro >= 0.9]\n")))
        .hasMessageContaining("key 'columns[0].levels[1]'")
        .hasMessageContaining("unknown level 'jaro'");
    assertThatThrownBy(() -> MatchSpec.load(write("days.yaml", "columns:\n  - name: x\n    kind: name\n    levels: [exact, days <= 3]\n")))
        .hasMessageContaining("'days <= 3' does not apply to a name column");
    assertThatThrownBy(() -> MatchSpec.load(write("jw.yaml", "columns:\n  - name: x\n    kind: name\n    levels: [exact, jaro_winkler >= 9]\n")))
        .hasMessageContaining("similarity above 1");
    assertThatThrownBy(() -> MatchSpec.load(write("tf.yaml", "columns:\n  - name: x\n    kind: name\ntf_adjusted: [y]\n")))
        .hasMessageContaining("key 'tf_adjusted' names 'y', which is not a compared column");
    assertThatThrownBy(() -> MatchSpec.load(write("thr.yaml", "columns:\n  - name: x\n    kind: name\nthreshold: 1.5\n")))
        .hasMessageContaining("key 'threshold' must be a probability above 0 and below 1");
    assertThatThrownBy(() -> MatchSpec.load(write("block.yaml", "columns:\n  - name: x\n    kind: name\nblocking:\n  - [metaphone(x)]\n")))
        .hasMessageContaining("key 'blocking[0][0]' has an unknown function 'metaphone'");
    assertThatThrownBy(() -> MatchSpec.load(write("swap.yaml", "columns:\n  - name: x\n    kind: name\nname_swap: [x]\n")))
        .hasMessageContaining("key 'name_swap' must name two different columns");
    assertThatThrownBy(() -> MatchSpec.load(dir.resolve("absent.yaml"))).hasMessageContaining("file not found");
  }

  @Test
  void levelsParseAndPrintCanonically() {
    assertThat(Level.parse("  Jaro_Winkler>=0.920 ", "k").toString()).isEqualTo("jaro_winkler >= 0.92");
    assertThat(Level.parse("levenshtein<=2", "k")).isEqualTo(Level.levenshtein(2));
    assertThat(Level.parse("last_digits 8", "k").count()).isEqualTo(8);
    assertThatThrownBy(() -> Level.parse("levenshtein >= 2", "k")).hasMessageContaining("expected 'levenshtein <= N'");
    assertThatThrownBy(() -> Level.parse("exact 3", "k")).hasMessageContaining("'exact' takes no threshold");
    assertThat(BlockingKey.parse("prefix( postcode ,3)", "k").toString()).isEqualTo("prefix(postcode, 3)");
  }

  private Path write(String name, String text) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    return f;
  }
}
