package org.opendmp.jobs.privacy;

import static org.apache.spark.sql.functions.col;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.opendmp.common.DmpException;
import org.opendmp.common.config.EnvConfig;
import org.opendmp.common.ids.IdNormalizer;
import org.opendmp.common.run.RunSummary;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.jobs.Job;
import org.opendmp.jobs.JobContext;
import org.opendmp.jobs.activate.DestinationsConfig;
import org.opendmp.jobs.ingest.IngestConfig;
import org.opendmp.jobs.privacy.PrivacyRequests.Request;
import org.opendmp.jobs.privacy.Subjects.Subject;

/**
 * {@code privacy}: the night's erase and access requests (landing {@code privacy/dt=D/requests.csv}, optional) are
 * checked, recorded as received in ops.privacy_requests, then answered: access requests first (a JSON file each under
 * export_root/privacy/dt=D/), then erase requests ({@link Erasure}); their final status replaces the night's rows.
 * Delivery files under the target roots lose the lines of erased persons ({@link DeliveryScrub}): every night the
 * removals sent on an earlier night, on an erase night what was delivered to them before.
 * Identifier values never leave memory: not in a table, a reject reason or a log line. See README "Privacy".
 */
public final class Privacy implements Job {
  public static final String SOURCE = "privacy";
  public static final String FILE = "requests.csv";

  @Override
  public void check(EnvConfig env) {
    PrivacyConfig.load(env.conf("privacy.yaml"));
  }

  @Override
  public RunSummary run(JobContext ctx) {
    return run(ctx, PrivacyConfig.load(ctx.conf("privacy.yaml")), IngestConfig.load(ctx.conf("ingest.yaml")).ids());
  }

  /** The night with explicit configs (tests); conf/destinations.yaml tells where deliveries are. */
  public static RunSummary run(JobContext ctx, PrivacyConfig conf, IdNormalizer ids) {
    return run(ctx, conf, ids, () -> DestinationsConfig.load(ctx.env()));
  }

  /** The night with explicit configs and destinations (loaded only when a delivery is to be scrubbed). */
  public static RunSummary run(JobContext ctx, PrivacyConfig conf, IdNormalizer ids, Supplier<DestinationsConfig> destinations) {
    Lake lake = ctx.lake();
    LocalDate date = ctx.date();
    Function<String, String> roots = DeliveryScrub.roots(destinations, ctx.env().exportRoot());
    ctx.stage("scrubbing the removals delivered before tonight");
    DeliveryScrub.Result scrubbed = DeliveryScrub.scrub(lake, DeliveryScrub.sentRemovals(lake, date), roots);
    ctx.stage("reading the requests");
    Path file = new Path(ctx.landing(SOURCE), FILE);
    List<String> lines = lines(lake, file);
    Map<String, Object> details = new LinkedHashMap<>();
    if (lines == null) {
      details.put("feed", "absent: no request file tonight (the feed is optional), nothing to do");
      details.put("requests", 0);
      details.putAll(scrubbed.details());
      return new RunSummary(ctx.job(), date, 0, 0, 0, details);
    }
    List<Request> requests = PrivacyRequests.parse(lines, file.toString(), ids);
    if (requests.size() > conf.maxRequests()) {
      throw new DmpException("Cannot process privacy requests: " + requests.size() + " rows, above max_requests = " + conf.maxRequests()
          + " (file " + file + "; key max_requests of privacy.yaml)");
    }
    Map<String, Row> before = doneBefore(lake, date);
    lake.replaceDate(Tables.PRIVACY_REQUESTS, date,
        lake.spark().createDataFrame(statusRows(requests, Map.of(), Map.of(), Map.of(), true), Tables.PRIVACY_REQUESTS.schema()));

    ctx.stage("resolving the persons");
    List<Request> valid = requests.stream().filter(Request::valid).toList();
    Map<String, Subject> subjects = Subjects.resolve(lake, valid);
    Map<String, String> refused = new HashMap<>();
    subjects.values().removeIf(s -> {
      if (s.identifiers().size() > conf.maxIdentifiersPerPerson()) {
        refused.put(s.requestId(), "the person holds " + s.identifiers().size() + " identifiers, above max_identifiers_per_person = "
            + conf.maxIdentifiersPerPerson() + " (privacy.yaml): a shared device or a bad link, to be reviewed");
        return true;
      }
      return false;
    });

    ctx.stage("access requests");
    int accessFiles = 0;
    for (Request r : valid) {
      if (r.type().equals("access") && subjects.containsKey(r.requestId())) {
        AccessReport.write(lake, date, r.requestId(), AccessReport.of(lake, date, r.requestId(), subjects.get(r.requestId())));
        accessFiles++;
      }
    }

    ctx.stage("erase requests");
    Map<String, Subject> erase = new LinkedHashMap<>();
    valid.stream().filter(r -> r.type().equals("erase") && subjects.containsKey(r.requestId()))
        .forEach(r -> erase.put(r.requestId(), subjects.get(r.requestId())));
    // before the erase: a rerun after a failure must still find what was delivered in activation.audience
    List<DeliveryScrub.Target> delivered = DeliveryScrub.delivered(lake, date, erase.values());
    scrubbed = scrubbed.plus(DeliveryScrub.scrub(lake, delivered, roots))
        .plus(DeliveryScrub.deleteAccessAnswers(lake, erase.values(), delivered));
    Erasure.Result erased = Erasure.erase(lake, date, erase, conf.vacuum());

    ctx.stage("request status");
    Map<String, Map<String, Long>> removed = new HashMap<>(erased.perRequest());
    Map<String, String> notes = new HashMap<>(refused);
    subjects.values().stream().filter(s -> s.personIds().isEmpty())
        .forEach(s -> notes.put(s.requestId(), "not in identity.id_graph: only rows holding the identifier itself were looked for"));
    // a rerun of the night keeps what the run that removed the rows recorded (the person is no longer in the graph)
    before.forEach((id, row) -> {
      removed.put(id, row.isNullAt(1) ? Map.of() : row.getJavaMap(1));
      notes.put(id, row.getString(2));
    });
    List<Row> rows = statusRows(requests, removed, notes, refused, false);
    lake.replaceDate(Tables.PRIVACY_REQUESTS, date, lake.spark().createDataFrame(rows, Tables.PRIVACY_REQUESTS.schema()));

    long rejected = requests.stream().filter(r -> !r.valid()).count() + refused.size();
    details.put("feed", file.toString());
    details.put("requests", requests.size());
    details.put("rejected", rejected);
    details.put("access_files", accessFiles);
    details.put("erased_requests", erase.size());
    details.put("rows_removed_per_table", erased.perTable());
    details.put("pending_removals", erased.pendingRemovals());
    details.put("suppressed_identifiers", erased.suppressed());
    details.put("tables_vacuumed", erased.tablesVacuumed());
    details.putAll(scrubbed.details());
    long removedRows = erased.perTable().values().stream().mapToLong(Long::longValue).sum();
    return new RunSummary(ctx.job(), date, requests.size(), removedRows, rejected, details);
  }

  /** The rows of ops.privacy_requests: received (before processing) or the final status. */
  private static List<Row> statusRows(List<Request> requests, Map<String, Map<String, Long>> removed,
      Map<String, String> notes, Map<String, String> refused, boolean received) {
    List<Row> rows = new ArrayList<>();
    for (Request r : requests) {
      String status = !r.valid() || refused.containsKey(r.requestId()) ? "rejected" : received ? "received" : "done";
      String reason = !r.valid() ? r.reason() : notes.get(r.requestId());
      Map<String, Long> counts = r.type() != null && r.type().equals("erase") && status.equals("done")
          ? removed.getOrDefault(r.requestId(), Map.of()) : null;
      rows.add(RowFactory.create(r.requestId(), r.type(), r.requestIdType(), status, reason,
          counts == null ? null : scala.jdk.javaapi.CollectionConverters.asScala(new java.util.TreeMap<>(counts)), null));
    }
    return rows;
  }


  /** request_id, rows_removed, reason of the erase requests already done on this night (a rerun keeps them). */
  private static Map<String, Row> doneBefore(Lake lake, LocalDate date) {
    Map<String, Row> out = new HashMap<>();
    if (!Subjects.exists(lake, Tables.PRIVACY_REQUESTS)) {
      return out;
    }
    for (Row r : lake.readDate(Tables.PRIVACY_REQUESTS, date).where(col("status").equalTo("done").and(col("type").equalTo("erase")))
        .select("request_id", "rows_removed", "reason").collectAsList()) {
      out.put(r.getString(0), r);
    }
    return out;
  }

  /** The lines of the request file, or null when the night has none. */
  private static List<String> lines(Lake lake, Path file) {
    try {
      FileSystem fs = file.getFileSystem(lake.spark().sparkContext().hadoopConfiguration());
      if (!fs.exists(file)) {
        return null;
      }
      List<String> out = new ArrayList<>();
      try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(file), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          out.add(line);
        }
      }
      return out;
    } catch (IOException e) {
      throw new DmpException("Cannot read privacy requests: " + e.getMessage() + " (file " + file + ")", e);
    }
  }
}
