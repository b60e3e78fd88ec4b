package org.opendmp.jobs.ingest;

import java.util.List;
import org.opendmp.common.run.RunSummary;
import org.opendmp.common.table.Tables;
import org.opendmp.jobs.Job;
import org.opendmp.jobs.JobContext;

/** {@code ingest_callcenter}: call-center appointments into bronze.callcenter_appointments. */
public final class IngestCallcenter implements Job {
  @Override
  public RunSummary run(JobContext ctx) {
    IngestConfig conf = IngestConfig.load(ctx.conf("ingest.yaml"));
    List<FileKind> kinds =
        List.of(new FileKind("appointments", "appointments.*\\.csv", Tables.CALLCENTER_APPOINTMENTS, FeedParsers.APPOINTMENT_HEADER, FeedParsers.appointments(conf.ids()), "", false));
    return BronzeIngest.run(ctx, "callcenter", kinds, conf);
  }
}
