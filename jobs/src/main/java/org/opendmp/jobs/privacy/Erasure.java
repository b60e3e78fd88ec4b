package org.opendmp.jobs.privacy;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.monotonically_increasing_id;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.opendmp.common.table.ErasureKey;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.TableDef;
import org.opendmp.common.table.Tables;
import org.opendmp.common.table.Zone;
import org.opendmp.jobs.privacy.Subjects.Subject;
import org.opendmp.jobs.run.Parallel;
import org.slf4j.LoggerFactory;

/**
 * Removes every row about the subjects of the night's erase requests from every table the declarations of
 * {@link Tables#erasureKeys} cover, with one {@code MERGE ... USING <erased values> WHEN MATCHED THEN DELETE} per
 * affected table: a DELETE with literal values would write them into the table's _delta_log (commitInfo predicate).
 * Before that, what each destination last received about them goes to activation.pending_removals and their
 * identifiers to ops.erasure_suppressions (salted). Then the affected tables are vacuumed with zero retention and
 * their logs scrubbed ({@link DeltaLogScrub}) so that no file keeps a removed value.
 */
public final class Erasure {
  /** The erased values: kind person | id | text | record, with the request they come from. */
  static final StructType SOURCE = new StructType().add("request_id", DataTypes.StringType).add("kind", DataTypes.StringType)
      .add("id_type", DataTypes.StringType).add("value", DataTypes.StringType);
  private static final String VIEW = "privacy_erased_values";

  private Erasure() {}

  /**
   * What an erase night removed.
   *
   * @param perRequest request_id -> table name -> rows removed (rows about several subjects count for each)
   * @param perTable table name -> rows removed
   */
  public record Result(Map<String, Map<String, Long>> perRequest, Map<String, Long> perTable, long pendingRemovals,
      long suppressed, long tablesVacuumed) {}

  public static Result erase(Lake lake, LocalDate date, Map<String, Subject> subjects, boolean vacuum) {
    Map<String, Map<String, Long>> perRequest = new LinkedHashMap<>();
    subjects.keySet().forEach(id -> perRequest.put(id, new TreeMap<>()));
    Map<String, Long> perTable = new TreeMap<>();
    if (subjects.isEmpty()) {
      return new Result(perRequest, perTable, 0, 0, 0);
    }
    List<Row> values = values(subjects);
    long pending = stashRemovals(lake, date, values);
    long suppressed = suppress(lake, date, values);
    // Bronze records first: the rows derived from a removed record (its customers_pii row, its observations) are
    // found by its record_id in the second round. Within a round the tables are independent.
    List<TableDef> tables = Tables.all().stream().filter(t -> !Tables.erasureKeys(t).isEmpty() && Subjects.exists(lake, t)).toList();
    List<TableDef> records = tables.stream().filter(Erasure::hasRecords).toList();
    int threads = Parallel.threads(lake.spark());
    List<TableErase> done = new ArrayList<>(Parallel.map(records, threads, t -> eraseFrom(lake, t, values)));
    done.forEach(e -> values.addAll(e.records()));
    List<Row> withRecords = List.copyOf(values);
    done.addAll(Parallel.map(tables.stream().filter(t -> !records.contains(t)).toList(), threads, t -> eraseFrom(lake, t, withRecords)));
    List<TableDef> affected = new ArrayList<>();
    for (TableErase e : done) {
      if (e.deleted() != null) {
        perTable.put(e.table().fullName(), e.deleted());
        e.perRequest().forEach((request, n) -> perRequest.get(request).put(e.table().fullName(), n));
        affected.add(e.table());
      }
    }
    if (vacuum) {
      DeltaLogScrub.vacuumAndScrub(lake, affected);
    }
    return new Result(perRequest, perTable, pending, suppressed, vacuum ? affected.size() : 0);
  }

  /** What the erase did to one table: rows removed per request and in all (null: none matched), derived records. */
  private record TableErase(TableDef table, Map<String, Long> perRequest, Long deleted, List<Row> records) {}

  /** Bronze tables of source records (not their rejects): what silver derived from a record carries its record_id. */
  private static boolean hasRecords(TableDef t) {
    return t.zone() == Zone.BRONZE && t.columns().contains("record_id") && !t.name().endsWith("_rejects");
  }

  /**
   * Removes the rows of one table matching the erased values: the matches are counted per request first (no MERGE
   * at all when nothing matches), then one MERGE ... WHEN MATCHED THEN DELETE. For a table of source records, the
   * removed records come back as {@code record} values.
   */
  private static TableErase eraseFrom(Lake lake, TableDef t, List<Row> values) {
    Dataset<Row> source = lake.spark().createDataFrame(values, SOURCE);
    String on = condition(Tables.erasureKeys(t));
    Dataset<Row> target = lake.read(t).withColumn("_row", monotonically_increasing_id());
    Dataset<Row> matched = target.as("t").join(source.as("s"), expr(on)).localCheckpoint();
    Map<String, Long> counts = new TreeMap<>();
    for (Row r : matched.select("s.request_id", "t._row").distinct().groupBy("request_id").count().collectAsList()) {
      counts.put(r.getString(0), r.getLong(1));
    }
    if (counts.isEmpty()) {
      return new TableErase(t, counts, null, List.of());
    }
    List<Row> records = new ArrayList<>();
    if (hasRecords(t)) {
      for (Row r : matched.select("s.request_id", "t.record_id").distinct().collectAsList()) {
        records.add(RowFactory.create(r.getString(0), "record", null, r.getString(1)));
      }
    }
    String view = VIEW + "_" + t.zone().id() + "_" + t.name(); // one per table: tables are erased in parallel
    source.createOrReplaceTempView(view);
    try {
      Row m = lake.spark().sql("MERGE INTO delta.`" + lake.path(t) + "` AS t USING " + view + " AS s ON " + on
          + " WHEN MATCHED THEN DELETE").first();
      long deleted = m.getLong(m.fieldIndex("num_deleted_rows"));
      LoggerFactory.getLogger(Erasure.class).info("{}: {} rows erased", t.fullName(), deleted);
      return new TableErase(t, counts, deleted, records);
    } finally {
      lake.spark().catalog().dropTempView(view);
    }
  }

  /** The erased values of every subject: its person ids, identifiers and the lower-cased forms text may hold. */
  static List<Row> values(Map<String, Subject> subjects) {
    List<Row> out = new ArrayList<>();
    for (Subject s : subjects.values()) {
      s.personIds().forEach(p -> out.add(RowFactory.create(s.requestId(), "person", null, p)));
      for (String id : s.identifiers()) {
        String[] tv = id.split("\t", 2);
        out.add(RowFactory.create(s.requestId(), "id", tv[0], tv[1]));
      }
      s.textForms().forEach(f -> out.add(RowFactory.create(s.requestId(), "text", null, f)));
    }
    return out;
  }

  /**
   * The MERGE condition of a table's keys over target {@code t} and source {@code s} (columns of {@link #SOURCE}):
   * true when any key matches any erased value.
   */
  static String condition(List<ErasureKey> keys) {
    return keys.stream().map(Erasure::condition).collect(Collectors.joining(" OR ", "(", ")"));
  }

  private static String condition(ErasureKey k) {
    String c = "t.`" + k.column() + "`";
    return "(" + switch (k.kind()) {
      case PERSON_ID -> "s.kind = 'person' AND " + c + " = s.value";
      case ID_PAIR -> "s.kind = 'id' AND t.`" + k.other() + "` = s.id_type AND " + c + " = s.value";
      case ID_VALUE -> "s.kind = 'id' AND " + c + " = s.value" + (k.other() == null ? ""
          : k.other().endsWith(":*") ? " AND s.id_type LIKE '" + k.other().substring(0, k.other().length() - 1) + "%'"
          : " AND s.id_type = '" + k.other() + "'");
      case ID_ARRAY -> "s.kind = 'id' AND array_contains(" + c + ", s.value)";
      case RAW_TEXT -> "s.kind = 'text' AND instr(lower(" + c + "), s.value) > 0";
      case RECORD_ID -> "s.kind = 'record' AND " + c + " = s.value";
    } + ")";
  }

  /**
   * What each destination's latest delivery held about the erased persons goes to activation.pending_removals, so
   * that the next incremental delivery still sends their removal once activation.audience no longer has them.
   */
  private static long stashRemovals(Lake lake, LocalDate date, List<Row> values) {
    if (!Subjects.exists(lake, Tables.AUDIENCE)) {
      return 0;
    }
    Dataset<Row> audience = lake.read(Tables.AUDIENCE);
    Dataset<Row> latest = audience.groupBy("destination").agg(max("run_date").as("run_date"));
    Dataset<Row> persons = lake.spark().createDataFrame(values, SOURCE).where(col("kind").equalTo("person"))
        .select(col("request_id"), col("value").as("person_id"));
    Dataset<Row> rows = audience.join(latest, scala(List.of("destination", "run_date"))).join(persons, "person_id")
        .groupBy("destination", "person_id", "id_type", "id_values", "segments", "codes", "column_values")
        .agg(min("request_id").as("request_id"))
        .withColumn("erased_on", lit(date)).withColumn("delivered_on", lit(null).cast("date"))
        .localCheckpoint();
    long n = rows.count();
    if (n > 0) {
      lake.delta(Tables.PENDING_REMOVALS).as("p")
          .merge(Lake.conform(Tables.PENDING_REMOVALS, rows).as("r"), "p.destination = r.destination AND p.person_id = r.person_id")
          .whenNotMatched().insertAll().execute();
    }
    return n;
  }

  /** The erased identifiers, salted, into ops.erasure_suppressions (once each). */
  private static long suppress(Lake lake, LocalDate date, List<Row> values) {
    String salt = Suppressions.saltCreatingIt(lake);
    Dataset<Row> keys = lake.spark().createDataFrame(values, SOURCE).where(col("kind").equalTo("id"))
        .select(Suppressions.key(salt, col("id_type"), col("value")).as("id_key"), col("request_id"))
        .groupBy("id_key").agg(min("request_id").as("request_id")).withColumn("erased_on", lit(date))
        .localCheckpoint();
    lake.delta(Tables.ERASURE_SUPPRESSIONS).as("x").merge(Lake.conform(Tables.ERASURE_SUPPRESSIONS, keys).as("k"), "x.id_key = k.id_key")
        .whenNotMatched().insertAll().execute();
    return keys.count();
  }

  static scala.collection.immutable.Seq<String> scala(List<String> columns) {
    return scala.jdk.javaapi.CollectionConverters.asScala(columns).toList();
  }
}
