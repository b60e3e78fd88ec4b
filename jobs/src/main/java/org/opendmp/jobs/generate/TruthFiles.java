package org.opendmp.jobs.generate;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.opendmp.common.DmpException;

/** Plain UTF-8 CSV files of truth/, comma-separated and quoted like the landing CSVs, lines ending in \n. */
final class TruthFiles {
  private TruthFiles() {}

  static BufferedWriter open(Path file) {
    try {
      Files.createDirectories(file.getParent());
      return new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8), 1 << 16);
    } catch (IOException e) {
      throw new DmpException("Cannot generate a world: cannot write a truth file (" + file + ")", e);
    }
  }

  static void row(BufferedWriter out, String... fields) throws IOException {
    out.write(Csv.join(',', fields));
    out.write('\n');
  }
}
