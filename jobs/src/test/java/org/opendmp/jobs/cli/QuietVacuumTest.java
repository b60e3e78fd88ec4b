package org.opendmp.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class QuietVacuumTest {
  @Test
  void dropsOnlyDeltasVacuumLine() {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(new QuietVacuum(sink), true, StandardCharsets.UTF_8);
    out.println("[2026-11-03] 9/18 privacy ...");
    out.println("Deleted 4 files and directories in a total of 3 directories.");
    out.println("Deleted the erased person: 209 rows"); // ours, not Delta's
    out.println("é déjà vu");
    out.print("no newline yet");
    out.flush();
    assertThat(sink.toString(StandardCharsets.UTF_8))
        .isEqualTo("[2026-11-03] 9/18 privacy ...\nDeleted the erased person: 209 rows\né déjà vu\nno newline yet");
  }

  @Test
  void holdsAPartialLineThatMayStillBeTheVacuumLine() {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(new QuietVacuum(sink), true, StandardCharsets.UTF_8);
    out.print("Deleted 1 files");
    out.flush();
    assertThat(sink.size()).isZero();
    out.println(" and directories in a total of 1 directories.");
    out.println("done");
    assertThat(sink.toString(StandardCharsets.UTF_8)).isEqualTo("done\n");
  }
}
