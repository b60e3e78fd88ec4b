package org.opendmp.jobs.activate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.opendmp.common.DmpException;
import org.opendmp.common.config.EnvConfig;
import org.opendmp.common.quality.QualityGate;
import org.opendmp.common.run.RunSummary;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.jobs.Job;
import org.opendmp.jobs.JobContext;
import org.opendmp.jobs.activate.DestinationsConfig.Destination;
import org.opendmp.jobs.activate.DestinationsConfig.Mode;
import org.opendmp.jobs.activate.delivery.DeliveryFiles;
import org.opendmp.jobs.activate.delivery.DeliveryTarget;
import org.opendmp.jobs.activate.delivery.Publisher;
import org.opendmp.jobs.activate.delivery.RetryPolicy;
import org.opendmp.jobs.activate.delivery.StagedDelivery;
import org.opendmp.jobs.activate.delivery.Targets;

/**
 * {@code activate}: tonight's eligible audience of every destination of conf/destinations.yaml (segment members,
 * not control, with the purpose's consent, not suppressed, with an accepted identifier) is written as partner files
 * (full, or the changes since the destination's previous delivery), staged locally and published to the target
 * with manifest.json and _SUCCESS; then activation.audience and activation.exports hold what was sent.
 */
public final class Activate implements Job {
  @Override
  public void check(EnvConfig env) {
    DestinationsConfig.load(env);
  }

  @Override
  public RunSummary run(JobContext ctx) {
    return run(ctx, DestinationsConfig.load(ctx.env()), RetryPolicy.DEFAULT);
  }

  /** One delivery's outcome, for activation.exports. */
  private record Delivered(Destination destination, List<String> files, long rows, long persons, long adds, long removals,
      String checksum, String target) {}

  /** The night with explicit destinations and retries (tests). */
  public static RunSummary run(JobContext ctx, DestinationsConfig conf, RetryPolicy retry) {
    Lake lake = ctx.lake();
    LocalDate date = ctx.date();

    ctx.stage("audiences");
    // gold.segment_stats has a row per segment every night the segments job ran, even when nobody qualified:
    // an empty membership is then a real, empty audience rather than a missing night
    if (lake.readDate(Tables.SEGMENT_STATS, date).isEmpty()) {
      throw new DmpException("Cannot activate: " + Tables.SEGMENT_STATS.fullName() + " has no rows for " + date
          + " (has the segments job run for the night?) (conf/destinations.yaml)");
    }
    Dataset<Row> membership = lake.readDate(Tables.SEGMENT_MEMBERSHIP, date).localCheckpoint();
    long memberships = membership.count();
    Dataset<Row> profiles = lake.readDate(Tables.PROFILES, date);
    Dataset<Row> graph = lake.read(Tables.ID_GRAPH);
    org.apache.hadoop.fs.Path optOutFile = OptOutList.latest(ctx.env().landingRoot(), date,
        lake.spark().sparkContext().hadoopConfiguration());
    Dataset<Row> optedOut = ActivationFrames.optedOut(OptOutList.read(lake.spark(), optOutFile), graph).localCheckpoint();
    long optedOutPersons = optedOut.count();
    Dataset<Row> deterministic = conf.destinations().stream().anyMatch(Destination::deterministicOnly)
        ? ActivationFrames.deterministicIds(graph, lake.read(Tables.ID_LINKS)).localCheckpoint() : null;
    Dataset<Row> traits = conf.destinations().stream().anyMatch(d -> d.columns().values().stream().anyMatch(v -> v.startsWith("trait.")))
        ? lake.readDate(Tables.TRAITS, date) : null;
    Dataset<Row> feedback = crmFeedback(lake, conf, date, graph);
    Dataset<Row> scores = feedback == null ? null : lake.readDate(Tables.SCORES, date);
    Dataset<Row> all = null;
    Dataset<Row> crm = null; // the CRM feedback tells our own CRM: no partner contact, so outside the pressure cap
    for (Destination d : conf.destinations()) {
      Dataset<Row> ids = d.deterministicOnly() ? deterministic : graph;
      Dataset<Row> audience = ActivationFrames.audience(membership, profiles, ids, optedOut, d);
      Dataset<Row> tagged = ActivationFrames.withColumns(audience, profiles, traits, d);
      if (d.crm() != null) {
        tagged = CrmFeedbackFrames.withFeedback(tagged, profiles, scores, feedback, d).withColumn("destination", lit(d.id()));
        crm = crm == null ? tagged : crm.unionByName(tagged);
      } else {
        tagged = tagged.withColumn("destination", lit(d.id()));
        all = all == null ? tagged : all.unionByName(tagged);
      }
    }
    Map<String, LocalDate> previous = previousDeliveries(lake, date);
    long beforeCap = 0;
    if (all != null) {
      all = ActivationFrames.routed(all, conf.destinations());
      if (conf.pressure() != null) {
        ctx.stage("pressure cap");
        all = all.localCheckpoint();
        beforeCap = all.count();
        all = PressureFrames.capped(all, previousAudiences(lake, previous), pastContacts(lake, date, crmIds(conf)),
            conf.pressure().maxContacts7d(), conf.priorityOrder());
      }
    }
    all = all == null ? crm : crm == null ? all : all.unionByName(crm);
    all = all.localCheckpoint(); // one pass for every destination; read again per delivery and for the tables
    Map<String, Dataset<Row>> audiences = new LinkedHashMap<>();
    for (Destination d : conf.destinations()) {
      audiences.put(d.id(), all.where(col("destination").equalTo(d.id())).drop("destination"));
    }

    ctx.stage("quality");
    Row q = all.agg(count(lit(1)), countDistinct(col("destination"), col("person_id")),
        sum(when(size(col("id_values")).lt(1), 1).otherwise(0))).first();
    long rows = q.getLong(0);
    long duplicates = rows - q.getLong(1);
    long noId = q.isNullAt(2) ? 0 : q.getLong(2);
    String table = Tables.AUDIENCE.fullName();
    new QualityGate(ctx.job(), date)
        .check(table, "destination_person_unique", QualityGate.Level.ERROR, duplicates == 0, duplicates, "0",
            "persons twice in a destination's audience")
        .check(table, "identifiers_present", QualityGate.Level.ERROR, noId == 0, noId, "0", "persons sent without an identifier")
        .enforce(lake);

    List<Delivered> delivered = new ArrayList<>();
    Path staging = staging();
    try {
      for (Destination d : conf.destinations()) {
        ctx.stage("deliver " + d.id());
        delivered.add(deliver(ctx, d, audiences.get(d.id()), previous.get(d.id()), staging.resolve(d.id()), retry));
      }
    } finally {
      deleteTree(staging);
    }

    ctx.stage("log");
    lake.replaceDate(Tables.AUDIENCE, date, all);
    PendingRemovals.delivered(lake, delivered.stream().map(x -> x.destination().id()).toList(), date);
    List<Row> log = new ArrayList<>();
    for (Delivered x : delivered) {
      log.add(RowFactory.create(x.destination().id(), java.sql.Date.valueOf(date), x.destination().mode(),
          scala.jdk.javaapi.CollectionConverters.asScala(x.files()).toSeq(), x.rows(), x.adds(), x.removals(),
          x.checksum(), x.target(), "delivered"));
    }
    lake.replaceDate(Tables.EXPORTS, date, lake.spark().createDataFrame(log, Tables.EXPORTS.schema()));

    Map<String, Object> details = new LinkedHashMap<>();
    if (feedback != null) {
      feedback.unpersist();
    }
    details.put("opt_out", Map.of("list", optOutFile.toString(), "persons", optedOutPersons));
    if (conf.pressure() != null) {
      details.put("pressure", Map.of("max_contacts_7d", conf.pressure().maxContacts7d(), "held_back", beforeCap - rows));
    }
    long lines = 0;
    for (Delivered x : delivered) {
      lines += x.rows();
      details.put(x.destination().id(), Map.of("mode", x.destination().mode(), "persons", x.persons(),
          "rows", x.rows(), "adds", x.adds(), "removals", x.removals(), "files", x.files().size()));
    }
    all.unpersist();
    membership.unpersist();
    optedOut.unpersist();
    if (deterministic != null) {
      deterministic.unpersist();
    }
    return new RunSummary(ctx.job(), date, memberships, lines, 0, details);
  }

  private static Delivered deliver(
      JobContext ctx, Destination d, Dataset<Row> audience, LocalDate previousNight, Path dir, RetryPolicy retry) {
    LocalDate date = ctx.date();
    Lake lake = ctx.lake();
    Dataset<Row> previous = previousNight == null ? null
        : lake.readDate(Tables.AUDIENCE, previousNight).where(col("destination").equalTo(d.id()));
    Dataset<Row> erased = d.modeKind() == Mode.INCREMENTAL ? PendingRemovals.of(lake, d.id(), date) : null;
    if (erased != null) {
      // persons erased since they were sent: their audience rows are gone, the partner must still be told to forget them
      previous = previous == null ? erased : previous.unionByName(erased);
    }
    Dataset<Row> changes = ActivationFrames.changes(audience, d.modeKind() == Mode.INCREMENTAL
        ? (previous == null ? audience.where(lit(false)) : previous) : null);
    Iterator<String> lines = ActivationFrames.lines(changes, d.formatKind(), d.extraColumns().size()).orderBy("line").as(Encoders.STRING()).toLocalIterator();
    Map<String, Long> counts = new TreeMap<>();
    d.segments().keySet().forEach(s -> counts.put(s, 0L));
    for (Row r : ActivationFrames.segmentCounts(audience).collectAsList()) {
      counts.put(r.getString(0), r.getLong(1));
    }
    StagedDelivery staged = DeliveryFiles.stage(d.spec(date), lines, counts, dir);
    Publisher.Published published;
    try (DeliveryTarget target = Targets.of(d.targetRoot(ctx.env().exportRoot()), targetSettings(ctx.env()))) {
      published = new Publisher(retry).publish(staged, target);
    } catch (IOException e) {
      throw new DmpException("Cannot close the delivery target: " + e + " (" + d.id() + ")", e);
    }
    // persons tonight, and those that came in and left since the previous delivery, in one pass
    Dataset<Row> now = audience.select(col("person_id"), lit(true).as("now"));
    Dataset<Row> before = (previous == null ? audience.where(lit(false)) : previous).select(col("person_id"), lit(true).as("before"));
    Row n = now.join(before, scala.jdk.javaapi.CollectionConverters.asScala(List.of("person_id")).toSeq(), "full_outer")
        .agg(sum(when(col("now"), 1).otherwise(0)), sum(when(col("now").and(col("before").isNull()), 1).otherwise(0)),
            sum(when(col("before").and(col("now").isNull()), 1).otherwise(0)))
        .first();
    long persons = n.isNullAt(0) ? 0 : n.getLong(0);
    long adds = n.isNullAt(1) ? 0 : n.getLong(1);
    long removals = n.isNullAt(2) ? 0 : n.getLong(2);
    List<String> files = staged.manifest().files().stream().map(f -> f.name()).toList();
    return new Delivered(d, files, staged.manifest().totalRows(), persons, adds, removals,
        sha256(staged.manifest().toJsonBytes()), published.location());
  }

  /** destination, person_id of each destination's previous delivery. */
  private static Dataset<Row> previousAudiences(Lake lake, Map<String, LocalDate> previous) {
    Dataset<Row> out = lake.read(Tables.AUDIENCE).where(lit(false)).select("destination", "person_id");
    for (Map.Entry<String, LocalDate> e : previous.entrySet()) {
      out = out.unionByName(lake.readDate(Tables.AUDIENCE, e.getValue()).where(col("destination").equalTo(e.getKey()))
          .select("destination", "person_id"));
    }
    return out;
  }

  /**
   * person_id, contacts: gold.scores' pressure_7d of the night (offline contacts) plus the audience entries of the
   * deliveries of the 6 previous nights (with tonight, 7 nights), each against its destination's delivery before it.
   */
  private static Dataset<Row> pastContacts(Lake lake, LocalDate date, List<String> notContacts) {
    LocalDate from = date.minusDays(6);
    Map<String, List<LocalDate>> nights = new TreeMap<>();
    for (Row r : lake.read(Tables.EXPORTS).where(col("run_date").lt(lit(date)).and(not(col("destination").isin(notContacts.toArray()))))
        .select("destination", "run_date")
        .orderBy("destination", "run_date").collectAsList()) {
      nights.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(r.getLocalDate(1));
    }
    List<Row> deliveries = new ArrayList<>();
    java.util.Set<LocalDate> needed = new java.util.TreeSet<>();
    nights.forEach((destination, list) -> {
      for (int i = 0; i < list.size(); i++) {
        if (!list.get(i).isBefore(from)) {
          LocalDate before = i == 0 ? null : list.get(i - 1);
          deliveries.add(RowFactory.create(destination, java.sql.Date.valueOf(list.get(i)),
              before == null ? null : java.sql.Date.valueOf(before)));
          needed.add(list.get(i));
          if (before != null) {
            needed.add(before);
          }
        }
      }
    });
    Dataset<Row> delivered = lake.read(Tables.AUDIENCE)
        .where(col("run_date").isin(needed.stream().map(java.sql.Date::valueOf).toArray()));
    Dataset<Row> entries = PressureFrames.entries(delivered, lake.spark().createDataFrame(deliveries,
        new org.apache.spark.sql.types.StructType().add("destination", "string").add("run_date", "date")
            .add("previous_run_date", "date")));
    Dataset<Row> offline = lake.readDate(Tables.SCORES, date).where(col("score").equalTo("pressure_7d"))
        .select(col("person_id"), col("value").cast("long").as("entries"));
    return entries.unionByName(offline).groupBy("person_id").agg(sum(col("entries")).as("contacts"));
  }

  /** The CRM feedback destinations: they are not partner contacts. */
  private static List<String> crmIds(DestinationsConfig conf) {
    return conf.destinations().stream().filter(d -> d.crm() != null).map(Destination::id).toList();
  }

  /**
   * Pages since the last contact and recommendations ({@link CrmFeedbackFrames#pagesAndRecommendation}) over the
   * window of the crm destinations (one window for all), or null without one. The window ends tonight: a re-run reads the same
   * silver.events partitions, so it gives the same values.
   */
  private static Dataset<Row> crmFeedback(Lake lake, DestinationsConfig conf, LocalDate date, Dataset<Row> graph) {
    List<Destination> crm = conf.destinations().stream().filter(d -> d.crm() != null).toList();
    if (crm.isEmpty()) {
      return null;
    }
    if (crm.stream().map(d -> List.of(d.crm().windowDays(), d.crm().maxPages())).distinct().count() > 1) {
      throw new DmpException("Cannot activate: the crm destinations differ in crm.window_days or crm.max_pages, which"
          + " are read once per night (conf/destinations.yaml)");
    }
    int window = crm.get(0).crm().windowDays();
    Dataset<Row> events = lake.read(Tables.EVENTS)
        .where(col("run_date").gt(lit(java.sql.Date.valueOf(date.minusDays(window)))).and(col("run_date").leq(lit(java.sql.Date.valueOf(date)))));
    return CrmFeedbackFrames.pagesAndRecommendation(CrmFeedbackFrames.personEvents(events, graph), date, crm.get(0).crm().maxPages())
        .localCheckpoint();
  }

  /** Per destination, the latest night before {@code date} it was delivered. */
  private static Map<String, LocalDate> previousDeliveries(Lake lake, LocalDate date) {
    Map<String, LocalDate> out = new TreeMap<>();
    for (Row r : lake.read(Tables.AUDIENCE).where(col("run_date").lt(lit(date))).groupBy("destination")
        .agg(max(col("run_date"))).collectAsList()) {
      out.put(r.getString(0), r.getLocalDate(1));
    }
    return out;
  }

  /**
   * Settings of the delivery targets, from the env's spark.conf: {@code spark.hadoop.fs.*} reach S3 targets as
   * {@code fs.*}, {@code sftp.*} reach SFTP targets.
   */
  static Map<String, String> targetSettings(EnvConfig env) {
    Map<String, String> out = new TreeMap<>();
    env.spark().conf().forEach((k, v) -> {
      if (k.startsWith("spark.hadoop.fs.")) {
        out.put(k.substring("spark.hadoop.".length()), v);
      } else if (k.startsWith("sftp.")) {
        out.put(k, v);
      }
    });
    return out;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java runtime has SHA-256", e);
    }
  }

  private static Path staging() {
    try {
      return Files.createTempDirectory("opendmp-activate-");
    } catch (IOException e) {
      throw new DmpException("Cannot create the local staging folder: " + e + " (java.io.tmpdir)", e);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      org.slf4j.LoggerFactory.getLogger(Activate.class).warn("Could not remove the staging folder {}: {}", dir, e.toString());
    }
  }
}
