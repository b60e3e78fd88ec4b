package org.opendmp.jobs.activate.delivery;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opendmp.common.DmpException;

/**
 * What one delivery is: to whom ({@code destination}), which sync {@code mode} (e.g. {@code full}, {@code delta}),
 * for which date, and how its data files are cut and named.
 *
 * <p>{@code fileTemplate} placeholders: {@code {destination}}, {@code {mode}}, {@code {date}} (the compact form
 * {@code YYYYMMDD}, what partners' file-name rules usually expect), {@code {iso_date}} ({@code YYYY-MM-DD}) and
 * {@code {split}} (3 digits, {@code 001} first; required, so that splits never share a name). With {@code gzip}
 * the names end in {@code .gz} (added when the template does not end so). {@code header} (nullable) is written as
 * the first line of every split and is not counted as a row.
 */
public record DeliverySpec(
    String destination,
    String mode,
    LocalDate date,
    String fileTemplate,
    int splitRows,
    boolean gzip,
    String header) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");
  private static final DateTimeFormatter COMPACT = DateTimeFormatter.BASIC_ISO_DATE;

  public DeliverySpec {
    Objects.requireNonNull(date, "date");
    check(destination, "destination");
    check(mode, "mode");
    if (fileTemplate == null || !fileTemplate.contains("{split}")) {
      throw new DmpException(
          "Cannot build delivery file names: the template must contain {split} (file_template of "
              + destination
              + ": "
              + fileTemplate
              + ")");
    }
    Matcher m = PLACEHOLDER.matcher(fileTemplate);
    while (m.find()) {
      switch (m.group(1)) {
        case "destination", "mode", "date", "iso_date", "split" -> {}
        default ->
            throw new DmpException(
                "Cannot build delivery file names: unknown placeholder {"
                    + m.group(1)
                    + "}, known: {destination} {mode} {date} {iso_date} {split} (file_template of "
                    + destination
                    + ")");
      }
    }
    if (splitRows < 1) {
      throw new DmpException(
          "Cannot split delivery files: split_rows must be at least 1, got " + splitRows + " (" + destination + ")");
    }
    if (header != null && (header.indexOf('\n') >= 0 || header.indexOf('\r') >= 0)) {
      throw new DmpException("Cannot write delivery header: it holds a line break (" + destination + ")");
    }
  }

  private static void check(String value, String what) {
    // Both become folder and file names on partners' servers: no separators, no dot-files, no spaces.
    if (value == null || !NAME.matcher(value).matches()) {
      throw new DmpException(
          "Cannot name a delivery: " + what + " must be letters, digits, '_', '-' or '.', got '" + value + "'");
    }
  }

  /** The folder of this delivery under the target's root: {@code <destination>/dt=YYYY-MM-DD}. */
  public String folder() {
    return destination + "/dt=" + date;
  }

  /** The name of split {@code split} (1-based). */
  public String fileName(int split) {
    if (split < 1 || split > 999) {
      throw new DmpException(
          "Cannot name delivery split "
              + split
              + ": the split number has 3 digits, raise split_rows ("
              + folder()
              + ")");
    }
    String name =
        fileTemplate
            .replace("{destination}", destination)
            .replace("{mode}", mode)
            .replace("{date}", date.format(COMPACT))
            .replace("{iso_date}", date.toString())
            .replace("{split}", String.format("%03d", split));
    if (gzip && !name.endsWith(".gz")) {
      name = name + ".gz";
    }
    if (!NAME.matcher(name).matches()
        || name.endsWith(".tmp")
        || name.equals(Publisher.MANIFEST)
        || name.equals(Publisher.SUCCESS)) {
      throw new DmpException(
          "Cannot name delivery files: '"
              + name
              + "' is not a plain file name, or is reserved (file_template of "
              + destination
              + ")");
    }
    return name;
  }
}
