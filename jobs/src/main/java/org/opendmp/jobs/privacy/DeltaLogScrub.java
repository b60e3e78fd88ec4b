package org.opendmp.jobs.privacy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.delta.DeltaLog;
import org.opendmp.common.DmpException;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.TableDef;
import org.opendmp.jobs.ops.Maintenance;
import org.opendmp.jobs.run.Parallel;

/**
 * After an erase: VACUUM with zero retention (no data file of an older version keeps a removed row), then the
 * table's _delta_log loses what still describes the removed files. Each {@code add} and {@code remove} action of a
 * file that is no longer part of the table carries {@code stats}: min and max values of its columns (string prefixes
 * of 32 characters: a whole email, a cookie, a crm id, the first half of a SHA-256). Those stats are dropped from
 * the commit JSONs (Delta treats a file without stats as "read it"; the file is gone anyway), the checkpoints that
 * copied them are deleted when the JSONs from version 0 are all there to rebuild the state from, and the .crc files
 * (optional summaries) are deleted. Live files keep their stats: their rows are all about other people.
 */
public final class DeltaLogScrub {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DeltaLogScrub() {}

  /**
   * VACUUM RETAIN 0 HOURS, then {@link #scrub}, of each table (in parallel: they are independent), under the
   * maintenance job's vacuum settings for zero hours (Delta's retention check lifted for these calls only).
   */
  public static void vacuumAndScrub(Lake lake, List<TableDef> tables) {
    Parallel.withSettings(lake.spark(), Maintenance.vacuumSettings(lake, 0), () -> Parallel.map(tables, Parallel.threads(lake.spark()), t -> {
      lake.spark().sql("VACUUM delta.`" + lake.path(t) + "` RETAIN 0 HOURS").collect();
      scrub(lake, t);
      return t;
    }));
  }

  /** Drops the stats of files no longer in the table from its _delta_log (see the class comment). */
  public static void scrub(Lake lake, TableDef t) {
    String location = lake.path(t);
    Set<String> live = new HashSet<>();
    for (String f : lake.spark().read().format("delta").load(location).inputFiles()) {
      live.add(fileName(f));
    }
    Path log = new Path(location, "_delta_log");
    try {
      FileSystem fs = log.getFileSystem(lake.spark().sparkContext().hadoopConfiguration());
      FileStatus[] entries = fs.listStatus(log);
      boolean fromZero = Arrays.stream(entries).anyMatch(e -> e.getPath().getName().equals("00000000000000000000.json"));
      for (FileStatus e : entries) {
        String name = e.getPath().getName();
        if (name.endsWith(".json") && !name.startsWith("_")) {
          rewrite(fs, e.getPath(), live);
        } else if (name.endsWith(".crc")) {
          fs.delete(e.getPath(), false);
        } else if (name.contains(".checkpoint") || name.equals("_last_checkpoint") || name.equals("_sidecars")) {
          if (!fromZero) {
            throw new DmpException("Cannot scrub the _delta_log of " + t.fullName() + ": its early commits were cleaned up, so its"
                + " checkpoints cannot be rebuilt from them (" + e.getPath() + "); set delta.logRetentionDuration longer or"
                + " rewrite the table");
          }
          fs.delete(e.getPath(), true);
        }
      }
    } catch (IOException e) {
      throw new DmpException("Cannot scrub the _delta_log of " + t.fullName() + ": " + e.getMessage() + " (" + log + ")", e);
    }
    DeltaLog.clearCache(); // the cached snapshot still describes the files with their stats
  }

  /** The commit JSON without the stats of files not in {@code live}; rewritten (atomically) only when it changes. */
  private static void rewrite(FileSystem fs, Path file, Set<String> live) throws IOException {
    List<String> out = new ArrayList<>();
    boolean changed = false;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(file), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.isBlank()) {
          out.add(line);
          continue;
        }
        ObjectNode action = (ObjectNode) JSON.readTree(line);
        for (String kind : List.of("add", "remove")) {
          if (action.get(kind) instanceof ObjectNode a && a.has("stats") && !live.contains(fileName(a.path("path").asText()))) {
            a.remove("stats");
            changed = true;
          }
        }
        out.add(JSON.writeValueAsString(action));
      }
    }
    if (!changed) {
      return;
    }
    Path tmp = new Path(file.getParent(), "_" + file.getName() + ".scrub");
    try (OutputStream o = fs.create(tmp, true)) {
      o.write((String.join("\n", out) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    fs.delete(file, false);
    if (!fs.rename(tmp, file)) {
      throw new IOException("rename of " + tmp + " to " + file + " failed");
    }
  }

  private static String fileName(String path) {
    String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    return p.substring(p.lastIndexOf('/') + 1);
  }
}
