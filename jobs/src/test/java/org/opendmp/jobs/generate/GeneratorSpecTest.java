package org.opendmp.jobs.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.opendmp.common.DmpException;

class GeneratorSpecTest {
  private static final Path OUT = Path.of("target/never-written");
  private static final LocalDate START = LocalDate.of(2026, 11, 2);

  @Test
  void rejectsEmptyWorldsWithOneLineMessages() {
    assertThatThrownBy(() -> new GeneratorSpec(OUT, 0, 1, START, 7))
        .isInstanceOf(DmpException.class)
        .hasMessage("Cannot generate a world: people must be at least 1 (people=0)");
    assertThatThrownBy(() -> new GeneratorSpec(OUT, 10, 0, START, 7))
        .isInstanceOf(DmpException.class)
        .hasMessage("Cannot generate a world: days must be at least 1 (days=0)");
  }

  @Test
  void rejectsMissingValues() {
    assertThatThrownBy(() -> new GeneratorSpec(null, 10, 1, START, 7))
        .isInstanceOf(DmpException.class)
        .hasMessage("Cannot generate a world: the output folder is missing (out=null)");
    assertThatThrownBy(() -> new GeneratorSpec(OUT, 10, 1, null, 7))
        .isInstanceOf(DmpException.class)
        .hasMessage("Cannot generate a world: the start date is missing (start=null)");
  }

  @Test
  void rejectsWorldsBeyondTheIdentifierLimits() {
    assertThatThrownBy(() -> new GeneratorSpec(OUT, GeneratorSpec.MAX_PEOPLE + 1, 1, START, 7))
        .isInstanceOf(DmpException.class)
        .hasMessageStartingWith("Cannot generate a world: people must be at most");
    assertThat(new GeneratorSpec(OUT, 1, 1, START, -3).people()).isEqualTo(1);
  }
}
