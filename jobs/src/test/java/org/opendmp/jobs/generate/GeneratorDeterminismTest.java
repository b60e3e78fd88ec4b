package org.opendmp.jobs.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratorDeterminismTest {
  @TempDir Path tmp;

  @Test
  void sameSpecGivesByteIdenticalTrees() throws Exception {
    TestWorlds.generate(tmp.resolve("a"), 400, 3, 7);
    TestWorlds.generate(tmp.resolve("b"), 400, 3, 7);
    assertThat(TestWorlds.treeHash(tmp.resolve("a"))).isEqualTo(TestWorlds.treeHash(tmp.resolve("b")));
  }

  @Test
  void anotherSeedGivesAnotherWorld() throws Exception {
    TestWorlds.generate(tmp.resolve("seven"), 400, 2, 7);
    TestWorlds.generate(tmp.resolve("eight"), 400, 2, 8);
    assertThat(TestWorlds.treeHash(tmp.resolve("seven"))).isNotEqualTo(TestWorlds.treeHash(tmp.resolve("eight")));
    assertThat(Files.readString(tmp.resolve("seven/truth/persons.csv")))
        .isNotEqualTo(Files.readString(tmp.resolve("eight/truth/persons.csv")));
  }

  @Test
  void regeneratingReplacesLandingAndTruthButNothingElse() throws Exception {
    Path out = tmp.resolve("w");
    TestWorlds.generate(out, 300, 2, 7);
    String first = TestWorlds.treeHash(out);
    Path stale = out.resolve("landing/weblogs/dt=2030-01-01/stale.log");
    Files.createDirectories(stale.getParent());
    Files.writeString(stale, "old world\n");
    Files.writeString(out.resolve("truth/stale.csv"), "old\n");
    Files.writeString(out.resolve("notes.txt"), "mine\n");

    GeneratorReport report = TestWorlds.generate(out, 300, 2, 7);

    assertThat(stale).doesNotExist();
    assertThat(out.resolve("truth/stale.csv")).doesNotExist();
    assertThat(out.resolve("notes.txt")).hasContent("mine");
    Files.delete(out.resolve("notes.txt"));
    assertThat(TestWorlds.treeHash(out)).isEqualTo(first);
    assertThat(report.summary()).contains("300 people").contains("weblogs");
  }

  @Test
  void reportsProgressOnceADay() {
    java.util.List<String> lines = new java.util.ArrayList<>();
    WorldGenerator.generate(new GeneratorSpec(tmp.resolve("p"), 200, 3, TestWorlds.MONDAY, 1), lines::add);
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).startsWith("day 2026-11-02: ").contains(" web lines, ");
    assertThat(lines.get(2)).startsWith("day 2026-11-04: ");
  }
}
