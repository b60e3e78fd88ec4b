package org.opendmp.jobs.activate;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.opendmp.common.DmpException;

/**
 * The global opt-out list: people who asked never to be sent to any partner. It is a landing feed like the others,
 * {@code landing_root/opt_out/dt=YYYY-MM-DD/opt_out.csv}, each file the whole list as of that day (the compliance
 * team re-delivers it when it changes); a night uses the latest list on or before its date, so re-running a night
 * reads the same list. Header {@code id_type,id_value}, then one identifier per line: {@code email_sha256} or
 * {@code phone_sha256} (64 lower-case hex, the platform's hashes) or {@code crm_id}. No list at all, or a malformed
 * line, stops the night: an opt-out list silently read as empty would send the people on it.
 */
public final class OptOutList {
  private OptOutList() {}

  public static final String SOURCE = "opt_out";
  public static final String FILE = "opt_out.csv";
  public static final String HEADER = "id_type,id_value";
  public static final List<String> ID_TYPES = List.of("email_sha256", "phone_sha256", "crm_id");
  public static final StructType SCHEMA = new StructType()
      .add("id_type", DataTypes.StringType, false)
      .add("id_value", DataTypes.StringType, false);
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern DT = Pattern.compile("dt=(\\d{4}-\\d{2}-\\d{2})");

  /** The list in force on {@code date}: the file of the latest dt folder on or before it. */
  public static Path latest(String landingRoot, LocalDate date, Configuration hadoop) {
    Path root = new Path(landingRoot, SOURCE);
    LocalDate best = null;
    try {
      FileSystem fs = root.getFileSystem(hadoop);
      if (fs.exists(root)) {
        for (FileStatus f : fs.listStatus(root)) {
          var m = DT.matcher(f.getPath().getName());
          if (f.isDirectory() && m.matches()) {
            LocalDate dt = parseDate(m.group(1), f.getPath());
            if (!dt.isAfter(date) && (best == null || dt.isAfter(best))) {
              best = dt;
            }
          }
        }
      }
    } catch (IOException e) {
      throw new DmpException("Cannot list the opt-out lists: " + e.getMessage() + " (" + root + ")", e);
    }
    if (best == null) {
      throw new DmpException("Cannot read the global opt-out list: none on or before " + date + "; expected "
          + root + "/dt=YYYY-MM-DD/" + FILE + " (an empty list is a file with the header " + HEADER + " only)");
    }
    return new Path(new Path(root, "dt=" + best), FILE);
  }

  /** The identifiers of a list file: id_type, id_value, one row per line (duplicates kept out). */
  public static Dataset<Row> read(SparkSession spark, Path file) {
    List<Row> rows = new ArrayList<>(parse(file, spark.sparkContext().hadoopConfiguration()));
    return spark.createDataFrame(rows, SCHEMA).distinct();
  }

  static List<Row> parse(Path file, Configuration hadoop) {
    List<Row> rows = new ArrayList<>();
    try {
      FileSystem fs = file.getFileSystem(hadoop);
      if (!fs.exists(file)) {
        throw new DmpException("Cannot read the global opt-out list: the dated folder has no " + FILE + " (" + file + ")");
      }
      try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(file), StandardCharsets.UTF_8))) {
        String header = in.readLine();
        if (header == null || !header.strip().equals(HEADER)) {
          throw malformed(file, 1, 1, "the header must be '" + HEADER + "', got '" + header + "'");
        }
        int n = 1;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          n++;
          if (line.isBlank()) {
            continue;
          }
          String[] f = line.split(",", -1);
          if (f.length != 2) {
            throw malformed(file, n, 1, "expected 2 fields (" + HEADER + "), got " + f.length);
          }
          String type = f[0].strip();
          String value = f[1].strip();
          if (!ID_TYPES.contains(type)) {
            throw malformed(file, n, 1, "id_type '" + type + "' is not one of " + String.join(", ", ID_TYPES));
          }
          if (value.isEmpty()) {
            throw malformed(file, n, f[0].length() + 2, "id_value is empty");
          }
          if (!type.equals("crm_id") && !SHA256.matcher(value).matches()) {
            throw malformed(file, n, f[0].length() + 2,
                "id_value of " + type + " must be the SHA-256 hex of the normalised value (64 of 0-9a-f), got '" + value + "'");
          }
          rows.add(RowFactory.create(type, value));
        }
      }
    } catch (IOException e) {
      throw new DmpException("Cannot read the global opt-out list: " + e.getMessage() + " (" + file + ")", e);
    }
    return rows;
  }

  private static DmpException malformed(Path file, int line, int column, String why) {
    return new DmpException("Cannot read the global opt-out list: " + why + " (file " + file + ", line " + line
        + ", column " + column + ")");
  }

  private static LocalDate parseDate(String s, Path where) {
    try {
      return LocalDate.parse(s);
    } catch (DateTimeParseException e) {
      throw new DmpException("Cannot list the opt-out lists: '" + s + "' is not a date (" + where + ")", e);
    }
  }
}
