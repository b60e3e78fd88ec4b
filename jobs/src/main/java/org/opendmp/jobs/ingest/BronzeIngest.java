package org.opendmp.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.opendmp.common.DmpException;
import org.opendmp.common.quality.QualityGate;
import org.opendmp.common.run.RunSummary;
import org.opendmp.common.table.ErasureKey;
import org.opendmp.common.table.TableDef;
import org.opendmp.common.table.Tables;
import org.opendmp.jobs.JobContext;
import org.opendmp.jobs.privacy.Suppressions;

/**
 * The shared engine of the ingest jobs: lists a source's landing files for the date, reads every line with its
 * byte offset (the row identity), parses it with its file kind's parser, checks the reject ratio, and replaces
 * the date's partition of the bronze table and of its rejects twin. Every record ends in exactly one of the
 * two, or is suppressed: bronze rows + rejects + suppressed = records of the landing files. Suppressed records are
 * those of erased persons a feed sends again (an identifier of the table's erasure keys on the privacy job's
 * suppression list): they are counted and kept nowhere, not even as rejects, whose raw line would hold them.
 */
public final class BronzeIngest {
  /** Columns the reader adds in front of the parser's values. */
  private static final StructType READ_COLUMNS =
      StructType.fromDDL("record_id STRING, source_file STRING, run_date DATE, reject_reason STRING, raw_line STRING");

  /** What one table received: its parsed rows (cached until {@link #release}) and the counts. */
  public record Parsed(TableDef table, Dataset<Row> rows, long records, long rejects, long suppressed, Map<String, Long> reasons) {
    public Dataset<Row> good() {
      return rows.where(col("reject_reason").isNull());
    }
  }

  private BronzeIngest() {}

  /**
   * Parses the source's files for the date, enforces the quality gate and writes bronze and rejects. Returns
   * the parsed rows per table (still cached, for side outputs) and the run summary.
   */
  public static Map<TableDef, Parsed> ingest(
      JobContext ctx, String source, List<String> folders, List<FileKind> kinds, IngestConfig conf) {
    ctx.stage("listing landing files of " + source);
    Map<FileKind, List<String>> files = assign(ctx, source, folders, kinds, conf.required(source));
    Map<TableDef, Parsed> parsed = new LinkedHashMap<>();
    QualityGate gate = new QualityGate(ctx.job(), ctx.date());
    Suppressions.Loaded erased = Suppressions.load(ctx.lake());
    for (TableDef table : kinds.stream().map(FileKind::table).distinct().toList()) {
      ctx.stage("parsing " + source + " into " + table.fullName());
      Dataset<Row> rows = null;
      for (FileKind kind : kinds) {
        if (kind.table() != table) {
          continue;
        }
        Dataset<Row> part = parse(ctx, kind, files.get(kind));
        rows = rows == null ? part : rows.unionByName(part);
      }
      rows = rows.persist(StorageLevel.MEMORY_AND_DISK());
      Column[][] ids = erased == null ? new Column[0][] : identifiers(table);
      Dataset<Row> parsedRows = rows;
      long parsedCount = 0;
      if (ids.length > 0) {
        parsedCount = parsedRows.count();
        rows = erased.without(parsedRows, ids).persist(StorageLevel.MEMORY_AND_DISK());
      }
      Map<String, Long> reasons = countByReason(rows);
      long total = reasons.values().stream().mapToLong(Long::longValue).sum();
      long suppressed = ids.length > 0 ? parsedCount - total : 0;
      if (ids.length > 0) {
        parsedRows.unpersist(); // the kept rows are cached by the count above
      }
      long good = reasons.getOrDefault("", 0L);
      reasons.remove("");
      Parsed p = new Parsed(table, rows, total + suppressed, total - good, suppressed, reasons);
      parsed.put(table, p);
      addChecks(gate, source, p, conf, total);
      Row keys = rows.agg(countDistinct(col("record_id")), sum(when(col("record_id").isNull(), 1).otherwise(0))).first();
      long distinct = keys.getLong(0);
      long nullKeys = keys.isNullAt(1) ? 0 : keys.getLong(1);
      gate.check(table.fullName(), "record_id_unique", QualityGate.Level.ERROR, distinct == total, distinct, "= " + total,
          (total - distinct) + " records share a record_id");
      gate.check(table.fullName(), "record_id_not_null", QualityGate.Level.ERROR, nullKeys == 0, nullKeys, "0",
          nullKeys + " records without a record_id");
    }
    gate.enforce(ctx.lake());
    for (Parsed p : parsed.values()) {
      ctx.stage("writing " + p.table().fullName() + " and its rejects");
      ctx.lake().replaceDate(p.table(), ctx.date(), p.good());
      TableDef rejects = Tables.rejectsOf(p.table());
      ctx.lake().replaceDate(rejects, ctx.date(), p.rows().where(col("reject_reason").isNotNull()));
    }
    return parsed;
  }

  /**
   * The (id_type, id_value) pairs of a bronze table's erasure keys of one identifier type each (Tables.erasureKeys):
   * what the suppression list is matched against. A type pattern (partner_uid:*) has no single type to salt with.
   */
  static Column[][] identifiers(TableDef table) {
    return Tables.erasureKeys(table).stream()
        .filter(k -> k.kind() == ErasureKey.Kind.ID_VALUE && k.other() != null && !k.other().endsWith("*"))
        .map(k -> new Column[] {lit(k.other()), col(k.column())})
        .toArray(Column[][]::new);
  }

  /** Ingests a source that has no side outputs and returns its summary. */
  public static RunSummary run(JobContext ctx, String source, List<FileKind> kinds, IngestConfig conf) {
    Map<TableDef, Parsed> parsed = ingest(ctx, source, List.of(ctx.landing(source)), kinds, conf);
    RunSummary summary = summary(ctx, parsed);
    release(parsed);
    return summary;
  }

  /** Releases the cached rows of an ingest. */
  public static void release(Map<TableDef, Parsed> parsed) {
    parsed.values().forEach(p -> p.rows().unpersist());
  }

  /** The run summary of an ingest: records in, bronze rows out, rejects, and per-table details. */
  public static RunSummary summary(JobContext ctx, Map<TableDef, Parsed> parsed) {
    long in = parsed.values().stream().mapToLong(Parsed::records).sum();
    long rejects = parsed.values().stream().mapToLong(Parsed::rejects).sum();
    long suppressed = parsed.values().stream().mapToLong(Parsed::suppressed).sum();
    RunSummary s = RunSummary.of(ctx.job(), ctx.date(), in, in - rejects - suppressed, rejects);
    for (Parsed p : parsed.values()) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("records", p.records());
      d.put("rejects", p.rejects());
      if (p.suppressed() > 0) {
        d.put("suppressed_erased", p.suppressed()); // records of erased persons sent again: kept nowhere
      }
      d.put("reasons", p.reasons());
      s = s.with(p.table().fullName(), d);
    }
    return s;
  }

  private static void addChecks(QualityGate gate, String source, Parsed p, IngestConfig conf, long total) {
    double ratio = total == 0 ? 0 : (double) p.rejects() / total;
    double max = conf.maxRejectRatio(source);
    gate.check(
        p.table().fullName(), "reject_ratio", QualityGate.Level.ERROR, ratio <= max || p.rejects() < conf.minRejects(), ratio,
        "<= " + max + " (from " + conf.minRejects() + " rejects on)",
        String.format("reject ratio %.2f%% exceeds %.2f%% (%d rejects; first reasons: %s)", 100 * ratio, 100 * max, p.rejects(),
            firstReasons(p.reasons())));
    boolean required = conf.required(source);
    gate.check(
        p.table().fullName(), "row_count", required ? QualityGate.Level.ERROR : QualityGate.Level.WARN,
        total - p.rejects() > 0, total - p.rejects(), "> 0", "no valid records for a " + (required ? "required" : "optional") + " feed");
  }

  static String firstReasons(Map<String, Long> reasons) {
    return reasons.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(3)
        .map(e -> e.getKey() + " x" + e.getValue())
        .collect(Collectors.joining(", "));
  }

  /** Reject reason -> count; "" counts the good rows. One Spark action over the cached rows. */
  private static Map<String, Long> countByReason(Dataset<Row> rows) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (Row r : rows.groupBy(col("reject_reason")).count().collectAsList()) {
      out.put(r.isNullAt(0) ? "" : r.getString(0), r.getLong(1));
    }
    return out;
  }

  /** The files of each kind; a file no kind claims is an error, not a silent skip. */
  private static Map<FileKind, List<String>> assign(
      JobContext ctx, String source, List<String> folders, List<FileKind> kinds, boolean required) {
    Map<FileKind, List<String>> out = new LinkedHashMap<>();
    kinds.forEach(k -> out.put(k, new ArrayList<>()));
    Configuration hadoop = ctx.spark().sparkContext().hadoopConfiguration();
    boolean anyFolder = false;
    for (String folder : folders) {
      try {
        Path dir = new Path(folder);
        FileSystem fs = dir.getFileSystem(hadoop);
        if (!fs.exists(dir)) {
          continue;
        }
        anyFolder = true;
        FileStatus[] listing = fs.listStatus(dir);
        java.util.Arrays.sort(listing, java.util.Comparator.comparing(f -> f.getPath().getName()));
        for (FileStatus f : listing) {
          String name = f.getPath().getName();
          if (f.isDirectory() || name.startsWith("_") || name.startsWith(".")) {
            continue; // _SUCCESS markers, checksums, hidden files
          }
          FileKind kind = kinds.stream().filter(k -> k.matches(name)).findFirst()
              .orElseThrow(() -> new DmpException("Cannot ingest " + source + ": unexpected file " + name + " (" + folder + ")"));
          out.get(kind).add(f.getPath().toString());
        }
      } catch (IOException e) {
        throw new DmpException("Cannot list landing files of " + source + ": " + e.getMessage() + " (" + folder + ")", e);
      }
    }
    if (!anyFolder) {
      if (required) {
        throw new DmpException("Cannot ingest " + source + ": its landing folder for " + ctx.date() + " is missing and the feed is required (" + String.join(", ", folders) + ")");
      }
      org.slf4j.LoggerFactory.getLogger(BronzeIngest.class).info("{}: no landing folder for {} (optional feed): zero rows", source, ctx.date());
    }
    return out;
  }

  /** Reads and parses a kind's files: one row per line, parsed values or a reject reason. */
  private static Dataset<Row> parse(JobContext ctx, FileKind kind, List<String> files) {
    StructType schema = READ_COLUMNS;
    for (var f : kind.parseSchema().fields()) {
      schema = schema.add(f);
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(ctx.spark().sparkContext());
    String landingRoot = new Path(ctx.env().landingRoot()).toUri().getPath();
    JavaRDD<Row> rows = jsc.emptyRDD();
    int width = kind.parseSchema().size();
    java.time.LocalDate date = ctx.date();
    for (String file : files) {
      String name = new Path(file).getName();
      String relative = relativeTo(landingRoot, new Path(file).toUri().getPath());
      LineParser parser = kind.parser();
      String header = kind.header();
      boolean contact = kind.holdsContactData();
      JavaRDD<Row> parsed =
          jsc.newAPIHadoopFile(file, TextInputFormat.class, LongWritable.class, Text.class, jsc.hadoopConfiguration())
              .filter(t -> !(t._1().get() == 0 && isHeader(t._2().toString(), header)))
              .map(t -> toRow(relative, t._1().get(), t._2().toString(), name, date, parser, width, contact));
      rows = rows.union(parsed);
    }
    return ctx.spark().createDataFrame(rows, schema);
  }

  static boolean isHeader(String line, String header) {
    return header != null && line.replace("\uFEFF", "").trim().equalsIgnoreCase(header);
  }

  static Row toRow(String file, long offset, String line, String fileName, java.time.LocalDate date, LineParser parser, int width, boolean contact) {
    Object[] values = new Object[5 + width];
    values[0] = file + ":" + offset;
    values[1] = file;
    values[2] = date;
    String reason = Masking.unreadable(line);
    LineParser.Parsed p = null;
    if (reason == null) {
      try {
        p = parser.parse(line, fileName);
        reason = p.rejectReason();
      } catch (Fields.BadField e) {
        reason = e.getMessage();
      } catch (RuntimeException e) {
        reason = "unparseable: " + e.getClass().getSimpleName();
      }
    }
    if (reason != null) {
      values[3] = reason;
      values[4] = Masking.mask(line, contact);
    } else {
      System.arraycopy(p.values(), 0, values, 5, width);
    }
    return RowFactory.create(values);
  }

  private static String relativeTo(String root, String path) {
    String r = root.endsWith("/") ? root : root + "/";
    return path.startsWith(r) ? path.substring(r.length()) : path;
  }
}
