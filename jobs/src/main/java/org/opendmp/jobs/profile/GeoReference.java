package org.opendmp.jobs.profile;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.opendmp.common.DmpException;

/**
 * The reference files of conf_dir that place a postcode: departments (code, name, region code, a point) and
 * agencies (id, name, postcode, a point). A French postcode gives its department (first two digits; 97x for
 * overseas; 20xxx is Corse-du-Sud 2A below 20200, Haute-Corse 2B from it), the department its region, and its
 * point the nearest agency by great-circle distance (haversine; ties: the smallest agency id). The point of a
 * department is its prefecture: a person is placed at the prefecture of their department, so the nearest agency
 * can be off near a department border (postcode centroids would be finer, at 6,000 rows of reference).
 */
public record GeoReference(List<Department> departments, List<Agency> agencies) {
  static final Pattern DEPARTMENT = Pattern.compile("[0-9]{2}|2[AB]|97[0-9]");
  static final Pattern POSTCODE = Pattern.compile("[0-9]{5}");
  static final double EARTH_KM = 6371.0;

  /** The department table's columns: what {@link #table} holds. */
  public static final StructType TABLE = StructType.fromDDL("department STRING, region STRING, nearest_agency STRING, agency_km DOUBLE");

  public record Department(String code, String name, String region, double latitude, double longitude) {}

  public record Agency(String id, String name, String postcode, double latitude, double longitude) {}

  /** Loads both files, refusing a bad line with one line naming the file, the line and the column. */
  public static GeoReference load(Path departmentsFile, Path agenciesFile) {
    List<Department> deps = new ArrayList<>();
    Set<String> codes = new HashSet<>();
    for (Line l : read(departmentsFile, "department,name,region,latitude,longitude")) {
      String code = l.text(0, "department");
      if (!DEPARTMENT.matcher(code).matches()) {
        throw l.error("department", "must be two digits, 2A, 2B or 97x, got '" + code + "'");
      }
      if (!codes.add(code)) {
        throw l.error("department", "repeats the department " + code);
      }
      deps.add(new Department(code, l.text(1, "name"), l.text(2, "region"), l.number(3, "latitude", 90), l.number(4, "longitude", 180)));
    }
    List<Agency> ags = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (Line l : read(agenciesFile, "agency_id,name,postcode,latitude,longitude")) {
      String id = l.text(0, "agency_id");
      if (!ids.add(id)) {
        throw l.error("agency_id", "repeats the agency " + id);
      }
      String postcode = l.text(2, "postcode");
      if (!POSTCODE.matcher(postcode).matches()) {
        throw l.error("postcode", "must be 5 digits, got '" + postcode + "'");
      }
      ags.add(new Agency(id, l.text(1, "name"), postcode, l.number(3, "latitude", 90), l.number(4, "longitude", 180)));
    }
    if (deps.isEmpty() || ags.isEmpty()) {
      throw new DmpException("Cannot load config: no rows (file " + (deps.isEmpty() ? departmentsFile : agenciesFile) + ")");
    }
    return new GeoReference(List.copyOf(deps), List.copyOf(ags));
  }

  /** Great-circle distance in km. */
  static double haversineKm(double lat1, double lon1, double lat2, double lon2) {
    double dLat = Math.toRadians(lat2 - lat1);
    double dLon = Math.toRadians(lon2 - lon1);
    double a = Math.pow(Math.sin(dLat / 2), 2) + Math.cos(Math.toRadians(lat1)) * Math.cos(Math.toRadians(lat2)) * Math.pow(Math.sin(dLon / 2), 2);
    return 2 * EARTH_KM * Math.asin(Math.min(1.0, Math.sqrt(a)));
  }

  /** The nearest agency to a department's point (ties: the smallest id). */
  public Agency nearest(Department d) {
    return agencies.stream()
        .min(Comparator.<Agency>comparingDouble(a -> haversineKm(d.latitude(), d.longitude(), a.latitude(), a.longitude()))
            .thenComparing(Agency::id))
        .orElseThrow();
  }

  /** One row per department: {@code department, region, nearest_agency, agency_km} (computed here, a hundred rows). */
  public Dataset<Row> table(SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    for (Department d : departments) {
      Agency a = nearest(d);
      rows.add(RowFactory.create(d.code(), d.region(), a.id(), haversineKm(d.latitude(), d.longitude(), a.latitude(), a.longitude())));
    }
    return spark.createDataFrame(rows, TABLE);
  }

  /** The department of a French postcode column, null when it is not five digits. */
  public static Column department(Column postcode) {
    Column pc = postcode;
    return when(pc.rlike("^97[0-9]{3}$"), substring(pc, 1, 3))
        .when(pc.rlike("^20[0-9]{3}$"), when(substring(pc, 1, 3).lt(lit("202")), lit("2A")).otherwise(lit("2B")))
        .when(pc.rlike("^[0-9]{5}$"), substring(pc, 1, 2));
  }

  /** {@link #department} of a named column. */
  static Column department(String column) {
    return department(col(column));
  }

  // ---- the files ----

  /** A data line of a reference file (1-based number) and its fields. */
  private record Line(Path file, int number, String[] fields) {
    String text(int i, String name) {
      String v = fields[i].trim();
      if (v.isEmpty()) {
        throw error(name, "is empty");
      }
      return v;
    }

    double number(int i, String name, double bound) {
      String v = text(i, name);
      double d;
      try {
        d = Double.parseDouble(v);
      } catch (NumberFormatException e) {
        throw error(name, "must be a number, got '" + v + "'");
      }
      if (Double.isNaN(d) || d < -bound || d > bound) {
        throw error(name, "must be between " + -bound + " and " + bound + ", got " + v);
      }
      return d;
    }

    DmpException error(String column, String problem) {
      return new DmpException("Cannot load config: column '" + column + "' " + problem + " (file " + file + ", line " + number + ")");
    }
  }

  /** The data lines of a comma-separated file with exactly that header; blank lines and # comments skipped. */
  private static List<Line> read(Path file, String header) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (NoSuchFileException e) {
      throw new DmpException("Cannot load config: file not found (" + file + ")");
    } catch (IOException e) {
      throw new DmpException("Cannot load config: " + e.getMessage() + " (file " + file + ")", e);
    }
    List<Line> out = new ArrayList<>();
    boolean headerSeen = false;
    int columns = header.split(",").length;
    for (int i = 0; i < lines.size(); i++) {
      String s = lines.get(i).strip();
      if (s.isEmpty() || s.startsWith("#")) {
        continue;
      }
      if (!headerSeen) {
        if (!s.equals(header)) {
          throw new DmpException("Cannot load config: the header must be '" + header + "', got '" + s + "' (file " + file + ", line " + (i + 1) + ")");
        }
        headerSeen = true;
        continue;
      }
      String[] f = s.split(",", -1);
      if (f.length != columns) {
        throw new DmpException("Cannot load config: " + f.length + " fields, expected " + columns + " (" + header + ") (file " + file
            + ", line " + (i + 1) + ")");
      }
      out.add(new Line(file, i + 1, f));
    }
    return out;
  }
}
