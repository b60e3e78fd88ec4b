package org.opendmp.jobs.generate;

import java.nio.file.Path;
import java.time.LocalDate;
import org.opendmp.common.DmpException;

/**
 * What world to generate: where (landing/ and truth/ are written under {@code out}), how many people, how many
 * days from which start date, and the seed. The same spec always gives byte-identical files.
 */
public record GeneratorSpec(Path out, int people, int days, LocalDate start, long seed) {
  /** Identifier keys pack the person in 32 bits and phones use 8 scrambled digits: stay well inside. */
  public static final int MAX_PEOPLE = 50_000_000;
  /** Ten years; cookie generations and email generations stay far from their bit limits. */
  public static final int MAX_DAYS = 3660;

  public GeneratorSpec {
    if (out == null) {
      throw invalid("the output folder is missing", "out=null");
    }
    if (start == null) {
      throw invalid("the start date is missing", "start=null");
    }
    if (people < 1) {
      throw invalid("people must be at least 1", "people=" + people);
    }
    if (people > MAX_PEOPLE) {
      throw invalid("people must be at most " + MAX_PEOPLE, "people=" + people);
    }
    if (days < 1) {
      throw invalid("days must be at least 1", "days=" + days);
    }
    if (days > MAX_DAYS) {
      throw invalid("days must be at most " + MAX_DAYS, "days=" + days);
    }
  }

  private static DmpException invalid(String why, String what) {
    return new DmpException("Cannot generate a world: " + why + " (" + what + ")");
  }
}
