package org.opendmp.common.table;

import io.delta.tables.DeltaTable;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.catalyst.TableIdentifier;
import scala.Option;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.opendmp.common.DmpException;
import org.opendmp.common.config.EnvConfig;

/**
 * Reads and writes the lake's Delta tables by their {@link TableDef}. Data is addressed by path (the lake is
 * self-describing even without a catalog) and every table is also registered by name in the catalog so that
 * analysts can query {@code bronze.web_events}. Writes conform the frame to the declared schema first, so a job
 * can never widen or reorder a table by accident.
 */
public final class Lake {
  /** Tables already ensured, per session and name: the location they were ensured at. */
  private static final Map<String, String> ENSURED = new ConcurrentHashMap<>();
  private final SparkSession spark;
  private final EnvConfig env;

  public Lake(SparkSession spark, EnvConfig env) {
    this.spark = spark;
    this.env = env;
  }

  public SparkSession spark() {
    return spark;
  }

  public EnvConfig env() {
    return env;
  }

  /** Where the table's Delta log lives: lake_root/zone/name. */
  public String path(TableDef t) {
    String root = env.lakeRoot().endsWith("/") ? env.lakeRoot() : env.lakeRoot() + "/";
    return root + t.zone().id() + "/" + t.name();
  }

  /**
   * Creates the table (empty, with its schema and partitioning) when its path holds no Delta table, and
   * registers it by name when the catalog does not know it. Idempotent.
   */
  public synchronized void ensure(TableDef t) { // jobs of one stage may run in threads of one session
    String location = path(t);
    String key = System.identityHashCode(spark) + " " + t.fullName() + " " + t.schema().hashCode();
    if (location.equals(ENSURED.get(key))) {
      return; // already checked in this session: keeps reads cheap
    }
    spark.sql("CREATE DATABASE IF NOT EXISTS " + t.zone().id());
    if (!DeltaTable.isDeltaTable(spark, location)) {
      spark.sql("DROP TABLE IF EXISTS " + t.fullName()); // a name left pointing at a removed lake
      DeltaTable.createIfNotExists(spark)
          .tableName(t.fullName())
          .comment(t.grain()) // DESCRIBE TABLE EXTENDED shows the grain; column comments come with the schema
          .addColumns(t.schema())
          .partitionedBy(t.partitionBy().toArray(new String[0]))
          .location(location)
          .execute();
    } else {
      addMissingColumns(t, location);
      if (!location.equals(catalogLocation(t))) {
        // Not registered, or registered at another lake_root (the env changed): point the name here.
        spark.sql("DROP TABLE IF EXISTS " + t.fullName());
        spark.sql("CREATE TABLE " + t.fullName() + " USING delta LOCATION '" + location + "'");
      }
    }
    ENSURED.put(key, location);
  }

  /**
   * A table written by an earlier version of OpenDMP gains the columns declared since (nullable, at the end; Delta
   * matches written columns by name), so an upgrade needs no manual migration and keeps every row already
   * committed. A column whose type changed is not migrated: the next write fails naming it.
   */
  private void addMissingColumns(TableDef t, String location) {
    java.util.Set<String> have = new java.util.HashSet<>(Arrays.asList(DeltaTable.forPath(spark, location).toDF().columns()));
    List<String> missing = Arrays.stream(t.schema().fields()).filter(f -> !have.contains(f.name()))
        .map(f -> "`" + f.name() + "` " + f.dataType().sql()
            + (f.getComment().isDefined() ? " COMMENT '" + f.getComment().get().replace("\\", "\\\\").replace("'", "\\'") + "'" : ""))
        .toList();
    if (!missing.isEmpty()) {
      spark.sql("ALTER TABLE delta.`" + location + "` ADD COLUMNS (" + String.join(", ", missing) + ")");
      org.slf4j.LoggerFactory.getLogger(Lake.class).info("{}: added the columns declared since it was created: {}", t.fullName(), missing);
    }
  }

  /** The location the catalog holds for the table's name, or null when the name is unknown. */
  private String catalogLocation(TableDef t) {
    TableIdentifier id = new TableIdentifier(t.name(), Option.apply(t.zone().id()));
    if (!spark.sessionState().catalog().tableExists(id)) {
      return null;
    }
    java.net.URI uri;
    try {
      uri = spark.sessionState().catalog().getTableMetadata(id).location();
    } catch (org.apache.spark.sql.AnalysisException e) {
      return null;
    }
    String p = uri.getScheme() == null || uri.getScheme().equals("file") ? uri.getPath() : uri.toString();
    return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }

  /** Ensures every table of the list. */
  public void ensureAll(List<TableDef> tables) {
    tables.forEach(this::ensure);
  }

  /** The whole table. */
  public Dataset<Row> read(TableDef t) {
    ensure(t);
    return spark.read().format("delta").load(path(t));
  }

  /** One run_date partition of a table written nightly. */
  public Dataset<Row> readDate(TableDef t, LocalDate date) {
    requireByRunDate(t);
    return read(t).where(functions.col("run_date").equalTo(functions.lit(date)));
  }

  /** The Delta table, for MERGE. */
  public DeltaTable delta(TableDef t) {
    ensure(t);
    return DeltaTable.forPath(spark, path(t));
  }

  /**
   * Replaces the run_date partition of the table with the frame, atomically: running a date twice gives the same
   * table. The rows are stamped with that run_date, so nothing can land in another date's partition.
   */
  public void replaceDate(TableDef t, LocalDate date, Dataset<Row> rows) {
    replaceDateWhere(t, date, "true", rows);
  }

  /**
   * Replaces the rows of the run_date partition that match {@code where} (a SQL condition on the table's columns)
   * with the frame, atomically; the other rows of the night stay. For tables several jobs write a night of
   * (gold.model_reports: the scores job's propensity row, the lookalike job's rows). Every row of the frame must
   * match the condition (Delta refuses the write otherwise).
   */
  public void replaceDateWhere(TableDef t, LocalDate date, String where, Dataset<Row> rows) {
    requireByRunDate(t);
    ensure(t);
    conform(t, rows.withColumn("run_date", functions.lit(date)))
        .write()
        .format("delta")
        .mode("overwrite")
        .option("replaceWhere", "run_date = DATE'" + date + "' AND (" + where + ")")
        .save(path(t));
  }

  /** Replaces the whole table (for small current-state tables rebuilt each night). */
  public void overwrite(TableDef t, Dataset<Row> rows) {
    ensure(t);
    conform(t, rows).write().format("delta").mode("overwrite").save(path(t));
  }

  /** Appends rows: only for logs whose grain includes an attempt or sequence (ops.job_runs). */
  public void append(TableDef t, Dataset<Row> rows) {
    ensure(t);
    conform(t, rows).write().format("delta").mode("append").save(path(t));
  }

  /**
   * The frame with exactly the declared columns, in order, cast to the declared types. A declared column the
   * frame lacks is an error, not a silent null.
   */
  public static Dataset<Row> conform(TableDef t, Dataset<Row> rows) {
    List<String> have = Arrays.asList(rows.columns());
    Column[] cols = new Column[t.schema().fields().length];
    int i = 0;
    for (StructField f : t.schema().fields()) {
      if (!have.contains(f.name())) {
        throw new DmpException(
            "Cannot write " + t.fullName() + ": column " + f.name() + " is missing (have " + have + ")");
      }
      cols[i++] = functions.col(f.name()).cast(f.dataType()).as(f.name());
    }
    return rows.select(cols);
  }

  private static void requireByRunDate(TableDef t) {
    if (!t.byRunDate()) {
      throw new DmpException("Cannot address a run_date partition: " + t.fullName() + " is not partitioned by run_date");
    }
  }
}
