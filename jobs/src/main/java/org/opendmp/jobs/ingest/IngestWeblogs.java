package org.opendmp.jobs.ingest;

import java.util.List;
import org.opendmp.common.ids.IdNormalizer;
import org.opendmp.common.run.RunSummary;
import org.opendmp.common.table.Tables;
import org.opendmp.jobs.Job;
import org.opendmp.jobs.JobContext;

/** {@code ingest_weblogs}: web server logs and collector events into bronze.web_events. */
public final class IngestWeblogs implements Job {
  @Override
  public RunSummary run(JobContext ctx) {
    IngestConfig conf = IngestConfig.load(ctx.conf("ingest.yaml"));
    TaggingPlan plan = TaggingPlan.load(ctx.conf("tagging.yaml"));
    BotPatterns bots = BotPatterns.load(ctx.conf("bots.yaml"));
    IdNormalizer ids = conf.ids();
    List<FileKind> kinds =
        List.of(
            new FileKind("access log", "access-.*\\.log", Tables.WEB_EVENTS, null, WebParsers.combined(plan, bots, ids), "", false),
            new FileKind("collector", "collector-.*\\.ndjson", Tables.WEB_EVENTS, null, WebParsers.collector(plan, bots, ids), "", false));
    return BronzeIngest.run(ctx, "weblogs", kinds, conf);
  }
}
