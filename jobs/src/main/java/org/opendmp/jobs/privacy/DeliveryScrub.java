package org.opendmp.jobs.privacy;

import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.UnsupportedFileSystemException;
import org.apache.spark.sql.Row;
import org.opendmp.common.DmpException;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.jobs.activate.DestinationsConfig;
import org.opendmp.jobs.activate.DestinationsConfig.Destination;
import org.opendmp.jobs.privacy.Subjects.Subject;
import org.slf4j.LoggerFactory;

/**
 * Erasing a person from the lake's tables leaves the files activate published on earlier nights
 * ({@code <target root>/<destination>/dt=D/}): they still hold the identifiers the person was sent with (a hashed
 * email, a cookie, a crm id). This removes those lines ({@link DeliveryRewrite}), in two steps of the privacy job:
 *
 * <ol>
 *   <li>an erase night, before the audience rows are erased (a rerun after a failure still finds them): every folder of
 *       a destination from the person's first delivery to it up to the night before, without the lines whose
 *       identifier is one of their delivered {@code id_values}; and the access answers
 *       ({@code export_root/privacy/dt=*}/*.json) that hold one of their identifiers or person ids are deleted;
 *   <li>every night: the removal that told a partner to forget an erased person (activation.pending_removals, sent on
 *       an earlier night and purged by tonight's activate) is removed from the folder it was sent in.
 * </ol>
 *
 * Hence the one copy kept by design: the erase night's removal line and its pending row, gone the night after. A
 * target root Hadoop cannot open (sftp://) is not failed on: the partner's copy is theirs, and the removal line tells
 * them; it is counted as deliveries_not_scrubbed.
 */
public final class DeliveryScrub {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DeliveryScrub() {}

  /** The folders of a destination to scrub: dt in [from, until), lines whose identifier is one of values. */
  record Target(String destination, LocalDate from, LocalDate until, Set<String> values) {}

  /** What the scrub did, for the run summary (never a value). */
  public record Result(long deliveriesRewritten, long linesRemoved, long accessFilesDeleted, long deliveriesNotScrubbed,
      Set<String> notScrubbedDestinations) {
    static final Result NONE = new Result(0, 0, 0, 0, Set.of());

    Result plus(Result o) {
      Set<String> not = new TreeSet<>(notScrubbedDestinations);
      not.addAll(o.notScrubbedDestinations);
      return new Result(deliveriesRewritten + o.deliveriesRewritten, linesRemoved + o.linesRemoved,
          accessFilesDeleted + o.accessFilesDeleted, deliveriesNotScrubbed + o.deliveriesNotScrubbed, not);
    }

    Map<String, Object> details() {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("deliveries_rewritten", deliveriesRewritten);
      out.put("delivery_lines_removed", linesRemoved);
      out.put("access_files_deleted", accessFilesDeleted);
      out.put("deliveries_not_scrubbed", deliveriesNotScrubbed);
      if (!notScrubbedDestinations.isEmpty()) {
        out.put("not_scrubbed_destinations", List.copyOf(notScrubbedDestinations));
      }
      return out;
    }
  }

  /**
   * Step 1's folders: per destination that delivered any of the subjects (activation.audience, read before the
   * erase removes it), from the first such night to the night before {@code date}, their delivered identifiers.
   */
  static List<Target> delivered(Lake lake, LocalDate date, Collection<Subject> subjects) {
    List<String> persons = subjects.stream().flatMap(s -> s.personIds().stream()).distinct().toList();
    if (persons.isEmpty() || !Subjects.exists(lake, Tables.AUDIENCE)) {
      return List.of();
    }
    List<Target> out = new ArrayList<>();
    for (Row r : lake.read(Tables.AUDIENCE).where(col("person_id").isin(persons.toArray()).and(col("run_date").lt(lit(date))))
        .groupBy("destination").agg(min("run_date"), array_distinct(flatten(collect_list(col("id_values")))))
        .orderBy("destination").collectAsList()) {
      out.add(new Target(r.getString(0), r.getLocalDate(1), date, new TreeSet<>(r.getList(2))));
    }
    return out;
  }

  /** Step 2's folders: the removals of activation.pending_removals sent before {@code date}, where they were sent. */
  static List<Target> sentRemovals(Lake lake, LocalDate date) {
    if (!Subjects.exists(lake, Tables.PENDING_REMOVALS)) {
      return List.of();
    }
    List<Target> out = new ArrayList<>();
    for (Row r : lake.read(Tables.PENDING_REMOVALS).where(col("delivered_on").lt(lit(date)))
        .groupBy("destination", "delivered_on").agg(array_distinct(flatten(collect_list(col("id_values")))))
        .orderBy("destination", "delivered_on").collectAsList()) {
      LocalDate sent = r.getLocalDate(1);
      out.add(new Target(r.getString(0), sent, sent.plusDays(1), new TreeSet<>(r.getList(2))));
    }
    return out;
  }

  /**
   * Where each destination's deliveries are: its conf {@code target} ({@link Destination#targetRoot}), export_root
   * for a destination no longer in conf. The conf is loaded on first use only: most nights have nothing to scrub.
   */
  static Function<String, String> roots(Supplier<DestinationsConfig> conf, String exportRoot) {
    DestinationsConfig[] loaded = new DestinationsConfig[1];
    return id -> {
      if (loaded[0] == null) {
        loaded[0] = conf.get();
      }
      Destination d = loaded[0].destination(id);
      return d == null ? exportRoot : d.targetRoot(exportRoot);
    };
  }

  /** Rewrites every folder of the targets that holds one of their values. */
  static Result scrub(Lake lake, List<Target> targets, Function<String, String> rootOf) {
    Result out = Result.NONE;
    for (Target t : targets) {
      String root = rootOf.apply(t.destination()).replaceAll("/+$", "");
      Path base = hadoopPath(root + "/" + t.destination());
      if ("sftp".equalsIgnoreCase(base.toUri().getScheme())) {
        out = out.plus(notScrubbed(lake, t));
        continue;
      }
      FileSystem fs;
      try {
        fs = FileSystem.newInstance(base.toUri(), lake.spark().sparkContext().hadoopConfiguration());
      } catch (UnsupportedFileSystemException e) {
        out = out.plus(notScrubbed(lake, t));
        continue;
      } catch (IOException e) {
        throw new DmpException("Cannot scrub the deliveries of " + t.destination() + ": " + e.getMessage() + " (" + base + ")", e);
      }
      Path folder = base;
      try (fs) {
        fs.setWriteChecksum(false); // the folders hold what the partner gets: no .crc companions
        for (Path f : folders(fs, base, t)) {
          folder = f;
          DeliveryRewrite.Outcome o = DeliveryRewrite.scrub(fs, f, t.values());
          if (o.rewritten()) {
            LoggerFactory.getLogger(DeliveryScrub.class).info("{}: {} lines of erased persons removed", f, o.linesRemoved());
            out = out.plus(new Result(1, o.linesRemoved(), 0, 0, Set.of()));
          }
        }
      } catch (IOException e) {
        throw new DmpException("Cannot scrub a delivery of " + t.destination() + ": " + e.getMessage() + " (" + folder + ")", e);
      }
    }
    return out;
  }

  /** The dt=D folders under {@code base} with D in the target's range, in date order. */
  private static List<Path> folders(FileSystem fs, Path base, Target t) throws IOException {
    List<Path> out = new ArrayList<>();
    FileStatus[] entries;
    try {
      entries = fs.listStatus(base);
    } catch (FileNotFoundException e) {
      return out;
    }
    for (FileStatus e : entries) {
      String name = e.getPath().getName();
      if (!e.isDirectory() || !name.startsWith("dt=")) {
        continue;
      }
      try {
        LocalDate dt = LocalDate.parse(name.substring(3));
        if (!dt.isBefore(t.from()) && dt.isBefore(t.until())) {
          out.add(e.getPath());
        }
      } catch (DateTimeParseException x) {
        // not a delivery folder
      }
    }
    out.sort(null);
    return out;
  }

  /** A target on a root Hadoop cannot open: its deliveries in range (activation.exports) are counted. */
  private static Result notScrubbed(Lake lake, Target t) {
    long nights = !Subjects.exists(lake, Tables.EXPORTS) ? 0 : lake.read(Tables.EXPORTS)
        .where(col("destination").equalTo(t.destination()).and(col("run_date").geq(lit(t.from())))
            .and(col("run_date").lt(lit(t.until()))))
        .count();
    return new Result(0, 0, 0, nights, Set.of(t.destination()));
  }

  /**
   * Deletes the access answers ({@code export_root/privacy/dt=*}/*.json, {@link AccessReport}) holding, as a whole
   * JSON string value, one of the subjects' identifiers or person ids or one of {@code delivered}.
   */
  static Result deleteAccessAnswers(Lake lake, Collection<Subject> subjects, Collection<Target> delivered) {
    Set<String> values = new TreeSet<>();
    for (Subject s : subjects) {
      values.addAll(s.personIds());
      s.identifiers().forEach(i -> values.add(i.split("\t", 2)[1]));
    }
    delivered.forEach(t -> values.addAll(t.values()));
    if (values.isEmpty()) {
      return Result.NONE;
    }
    String root = lake.env().exportRoot().endsWith("/") ? lake.env().exportRoot() : lake.env().exportRoot() + "/";
    Path privacy = new Path(root + "privacy"); // as AccessReport writes it
    long deleted = 0;
    try {
      FileSystem fs = privacy.getFileSystem(lake.spark().sparkContext().hadoopConfiguration());
      if (!fs.exists(privacy)) {
        return Result.NONE;
      }
      for (FileStatus night : fs.listStatus(privacy)) {
        if (!night.isDirectory() || !night.getPath().getName().startsWith("dt=")) {
          continue;
        }
        for (FileStatus f : fs.listStatus(night.getPath())) {
          if (f.isFile() && f.getPath().getName().endsWith(".json") && holds(fs, f.getPath(), values)) {
            fs.delete(f.getPath(), false);
            deleted++;
          }
        }
      }
    } catch (IOException e) {
      throw new DmpException("Cannot delete the access answers of erased persons: " + e.getMessage() + " (" + privacy + ")", e);
    }
    return new Result(0, 0, deleted, 0, Set.of());
  }

  private static boolean holds(FileSystem fs, Path file, Set<String> values) throws IOException {
    JsonNode tree;
    try (InputStream in = fs.open(file)) {
      tree = JSON.readTree(in);
    }
    List<JsonNode> stack = new ArrayList<>(List.of(tree));
    while (!stack.isEmpty()) {
      JsonNode n = stack.remove(stack.size() - 1);
      if (n.isTextual() && values.contains(n.asText())) {
        return true;
      }
      n.elements().forEachRemaining(stack::add);
    }
    return false;
  }

  /** A root as Hadoop reads it: a plain path is a local one (as activate's targets take it), anything else as is. */
  private static Path hadoopPath(String root) {
    if (!root.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*")) {
      return new Path(java.nio.file.Path.of(root).toAbsolutePath().normalize().toUri());
    }
    return new Path(URI.create(root));
  }
}
