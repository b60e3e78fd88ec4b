package org.opendmp.jobs.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.opendmp.common.DmpException;
import org.opendmp.common.run.RunSummary;
import org.opendmp.common.table.Lake;
import org.opendmp.common.testing.SharedSpark;
import org.opendmp.jobs.Job;
import org.opendmp.jobs.JobContext;
import org.opendmp.jobs.JobRegistry;
import org.opendmp.jobs.JobSpec;

/**
 * {@code dmp nightly --parallel N}: a stage's jobs run at the same time unless one writes what another touches,
 * a later stage starts only once the stage before succeeded, and outcomes come back in registry order.
 */
class JobRunnerParallelTest {
  private static final LocalDate D = LocalDate.parse("2026-11-02");

  /** The shipped registry: only ingest_store follows another ingest job (both write silver.customers_pii). */
  @Test
  void theRegistryOrdersOnlyJobsSharingATable() {
    List<JobSpec> all = JobRegistry.all();
    for (JobSpec j : all) {
      List<String> waits = JobRegistry.waitsFor(all, j).stream().map(JobSpec::name).toList();
      assertThat(waits).as(j.name()).isEqualTo(j.name().equals("ingest_store") ? List.of("ingest_crm") : List.of());
    }
  }

  @Test
  void independentJobsOfAStageOverlapAndDependentOnesFollow() {
    Lake lake = SharedSpark.freshLake();
    List<String> events = new CopyOnWriteArrayList<>();
    CountDownLatch bStarted = new CountDownLatch(1);
    Map<String, Boolean> aSawB = new ConcurrentHashMap<>();
    List<JobSpec> jobs = List.of(
        job("a", "s1", List.of(), List.of("t.one"), ctx -> {
          events.add("a start");
          // b has no tie to a: with two threads it starts while a is still running
          aSawB.put("b", await(bStarted));
          events.add("a end");
        }),
        job("b", "s1", List.of("t.other"), List.of("t.two"), ctx -> {
          bStarted.countDown();
          events.add("b");
        }),
        job("c", "s1", List.of("t.one"), List.of("t.three"), ctx -> events.add("c")), // reads a's table: after a
        job("d", "s2", List.of(), List.of(), ctx -> events.add("d")));

    List<JobRunner.Outcome> outcomes = JobRunner.runAll(jobs, lake, D, line -> { }, 2);

    assertThat(outcomes).extracting(o -> o.spec().name()).containsExactly("a", "b", "c", "d");
    assertThat(outcomes).allMatch(JobRunner.Outcome::ok);
    assertThat(aSawB.get("b")).as("b ran while a was running").isTrue();
    assertThat(events.indexOf("c")).isGreaterThan(events.indexOf("a end"));
    assertThat(events.get(events.size() - 1)).isEqualTo("d");
    assertThat(JobRunner.runAll(jobs.subList(1, 2), lake, D, line -> { }, 2)).hasSize(1);
  }

  @Test
  void aFailureStopsItsFollowersAndTheNextStagesButNotItsIndependentNeighbours() {
    Lake lake = SharedSpark.freshLake();
    List<String> ran = new CopyOnWriteArrayList<>();
    List<JobSpec> jobs = List.of(
        job("a", "s1", List.of(), List.of("t.one"), ctx -> {
          ran.add("a");
          throw new DmpException("Cannot do a: planted failure");
        }),
        job("b", "s1", List.of(), List.of("t.two"), ctx -> ran.add("b")),
        job("c", "s1", List.of(), List.of("t.one"), ctx -> ran.add("c")), // writes a's table: waits for a, never runs
        job("d", "s2", List.of(), List.of(), ctx -> ran.add("d")));

    List<JobRunner.Outcome> outcomes = JobRunner.runAll(jobs, lake, D, line -> { }, 2);

    assertThat(ran).containsExactlyInAnyOrder("a", "b");
    assertThat(outcomes).extracting(o -> o.spec().name() + " " + o.status()).containsExactly("a failed", "b success");
    assertThat(outcomes.get(0).message()).isEqualTo("Cannot do a: planted failure");
  }

  private static boolean await(CountDownLatch latch) {
    try {
      return latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  interface Body {
    void run(JobContext ctx);
  }

  private static JobSpec job(String name, String stage, List<String> inputs, List<String> outputs, Body body) {
    Job job = new Job() {
      @Override
      public RunSummary run(JobContext ctx) {
        body.run(ctx);
        return RunSummary.of(name, ctx.date(), 1, 1, 0);
      }
    };
    return new JobSpec(name, stage, "test job " + name, inputs, outputs, () -> job);
  }
}
