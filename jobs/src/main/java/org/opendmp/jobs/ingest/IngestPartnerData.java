package org.opendmp.jobs.ingest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.opendmp.common.DmpException;
import org.opendmp.common.run.RunSummary;
import org.opendmp.common.table.Tables;
import org.opendmp.jobs.Job;
import org.opendmp.jobs.JobContext;

/**
 * {@code ingest_partner_data}: 2nd/3rd-party segments and taxonomies, one folder per partner
 * (partner_data/&lt;partner&gt;/dt=D/), into bronze.partner_segments and bronze.partner_taxonomy.
 */
public final class IngestPartnerData implements Job {
  @Override
  public RunSummary run(JobContext ctx) {
    IngestConfig conf = IngestConfig.load(ctx.conf("ingest.yaml"));
    List<String> folders = new ArrayList<>();
    List<FileKind> kinds = new ArrayList<>();
    for (String partner : partners(ctx)) {
      folders.add(ctx.landing("partner_data/" + partner));
      kinds.add(new FileKind(partner + " segments", "segments.*\\.tsv", Tables.PARTNER_SEGMENTS, null, FeedParsers.partnerSegments(partner, conf.ids()), "", false));
      kinds.add(new FileKind(partner + " taxonomy", "taxonomy.*\\.csv", Tables.PARTNER_TAXONOMY, FeedParsers.TAXONOMY_HEADER, FeedParsers.taxonomy(partner), "", false));
    }
    if (kinds.isEmpty()) {
      // No partner folder at all: still replace the date's partitions, with nothing.
      kinds.add(new FileKind("segments", "segments.*\\.tsv", Tables.PARTNER_SEGMENTS, null, FeedParsers.partnerSegments("none", conf.ids()), "", false));
      kinds.add(new FileKind("taxonomy", "taxonomy.*\\.csv", Tables.PARTNER_TAXONOMY, FeedParsers.TAXONOMY_HEADER, FeedParsers.taxonomy("none"), "", false));
    }
    var parsed = BronzeIngest.ingest(ctx, "partner_data", folders, kinds, conf);
    RunSummary summary = BronzeIngest.summary(ctx, parsed);
    BronzeIngest.release(parsed);
    return summary;
  }

  /** The partners with a folder under partner_data/, sorted. */
  static List<String> partners(JobContext ctx) {
    Path root = new Path(ctx.env().landingRoot(), "partner_data");
    List<String> out = new ArrayList<>();
    try {
      FileSystem fs = root.getFileSystem(ctx.spark().sparkContext().hadoopConfiguration());
      if (fs.exists(root)) {
        for (FileStatus f : fs.listStatus(root)) {
          if (f.isDirectory() && !f.getPath().getName().startsWith("_")) {
            out.add(f.getPath().getName());
          }
        }
      }
    } catch (IOException e) {
      throw new DmpException("Cannot list partner folders: " + e.getMessage() + " (" + root + ")", e);
    }
    out.sort(String::compareTo);
    return out;
  }
}
