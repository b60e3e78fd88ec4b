package org.opendmp.jobs.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ParallelTest {
  @Test
  void resultsKeepTheItemsOrderAndTheWorkOverlaps() {
    CountDownLatch bothStarted = new CountDownLatch(2);
    Set<String> threads = ConcurrentHashMap.newKeySet();
    List<String> out = Parallel.map(List.of("a", "b", "c", "d"), 2, s -> {
      threads.add(Thread.currentThread().getName());
      bothStarted.countDown();
      try {
        // the first two items wait for each other: this passes only when two run at once
        assertThat(bothStarted.await(10, TimeUnit.SECONDS)).isTrue();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      return s.toUpperCase();
    });
    assertThat(out).containsExactly("A", "B", "C", "D");
    assertThat(threads).hasSize(2);
  }

  @Test
  void theFirstFailureIsRethrownAfterTheOthersFinished() {
    AtomicInteger finished = new AtomicInteger();
    assertThatThrownBy(() -> Parallel.map(List.of(1, 2, 3, 4), 2, i -> {
      if (i == 2) {
        throw new IllegalArgumentException("table " + i + " failed");
      }
      finished.incrementAndGet();
      return i;
    })).isInstanceOf(IllegalArgumentException.class).hasMessage("table 2 failed");
    assertThat(finished.get()).isEqualTo(3);
  }

  @Test
  void oneThreadRunsInTheCallersThread() {
    String caller = Thread.currentThread().getName();
    assertThat(Parallel.map(List.of(1, 2), 1, i -> Thread.currentThread().getName())).containsOnly(caller);
  }
}
