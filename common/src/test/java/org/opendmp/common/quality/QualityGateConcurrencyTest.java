package org.opendmp.common.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.common.testing.SharedSpark;

/**
 * The jobs of one stage run at the same time (the Airflow DAG runs the ingest jobs in parallel; so does {@code dmp
 * nightly}), and each records its checks in the same run_date partition of ops.quality_results. None may fail for
 * that, and none may lose another's rows, on the first night too (the table created by whichever comes first).
 */
class QualityGateConcurrencyTest {
  private static final LocalDate D = LocalDate.parse("2026-11-02");

  @Test
  void jobsOfOneNightRecordTheirChecksAtTheSameTime() throws Exception {
    Lake lake = SharedSpark.freshLake();
    int jobs = 4;
    CyclicBarrier start = new CyclicBarrier(jobs);
    List<CompletableFuture<Void>> running = new ArrayList<>();
    for (int i = 0; i < jobs; i++) {
      String job = "job_" + i;
      running.add(CompletableFuture.runAsync(() -> {
        try {
          start.await();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        new QualityGate(job, D).check("bronze.t", "rows", QualityGate.Level.WARN, true, 1, ">= 1", "").enforce(lake);
      }));
    }
    CompletableFuture.allOf(running.toArray(new CompletableFuture[0])).get();
    assertThat(lake.readDate(Tables.QUALITY_RESULTS, D).select("job").distinct().count()).isEqualTo(jobs);
  }
}
