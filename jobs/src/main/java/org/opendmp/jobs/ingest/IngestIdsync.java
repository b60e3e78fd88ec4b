package org.opendmp.jobs.ingest;

import java.util.List;
import org.opendmp.common.run.RunSummary;
import org.opendmp.common.table.Tables;
import org.opendmp.jobs.Job;
import org.opendmp.jobs.JobContext;

/** {@code ingest_idsync}: cookie-matching calls with partners into bronze.id_sync. */
public final class IngestIdsync implements Job {
  @Override
  public RunSummary run(JobContext ctx) {
    IngestConfig conf = IngestConfig.load(ctx.conf("ingest.yaml"));
    List<FileKind> kinds =
        List.of(new FileKind("idsync", "idsync.*\\.csv", Tables.ID_SYNC, FeedParsers.IDSYNC_HEADER, FeedParsers.idSync(conf.ids()), "", false));
    return BronzeIngest.run(ctx, "idsync", kinds, conf);
  }
}
