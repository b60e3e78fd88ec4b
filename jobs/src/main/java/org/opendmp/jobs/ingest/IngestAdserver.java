package org.opendmp.jobs.ingest;

import java.util.List;
import org.opendmp.common.run.RunSummary;
import org.opendmp.common.table.Tables;
import org.opendmp.jobs.Job;
import org.opendmp.jobs.JobContext;

/** {@code ingest_adserver}: ad impressions and clicks into bronze.ad_events. */
public final class IngestAdserver implements Job {
  @Override
  public RunSummary run(JobContext ctx) {
    IngestConfig conf = IngestConfig.load(ctx.conf("ingest.yaml"));
    BotPatterns bots = BotPatterns.load(ctx.conf("bots.yaml"));
    LineParser parser = FeedParsers.adEvents(bots, conf.ids());
    List<FileKind> kinds =
        List.of(
            new FileKind("impressions", "impressions.*\\.csv", Tables.AD_EVENTS, FeedParsers.AD_HEADER, parser, "", false),
            new FileKind("clicks", "clicks.*\\.csv", Tables.AD_EVENTS, FeedParsers.AD_HEADER, parser, "", false));
    return BronzeIngest.run(ctx, "adserver", kinds, conf);
  }
}
