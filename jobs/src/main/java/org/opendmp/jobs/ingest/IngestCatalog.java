package org.opendmp.jobs.ingest;

import java.util.List;
import org.opendmp.common.run.RunSummary;
import org.opendmp.common.table.Tables;
import org.opendmp.jobs.Job;
import org.opendmp.jobs.JobContext;

/** {@code ingest_catalog}: catalog mailings into bronze.catalog_mailings. */
public final class IngestCatalog implements Job {
  @Override
  public RunSummary run(JobContext ctx) {
    IngestConfig conf = IngestConfig.load(ctx.conf("ingest.yaml"));
    List<FileKind> kinds =
        List.of(new FileKind("mailings", "mailings.*\\.csv", Tables.CATALOG_MAILINGS, FeedParsers.MAILING_HEADER, FeedParsers.mailings(conf.ids()), "", false));
    return BronzeIngest.run(ctx, "catalog", kinds, conf);
  }
}
