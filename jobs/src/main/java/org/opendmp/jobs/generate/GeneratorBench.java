package org.opendmp.jobs.generate;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * bench/generator.sh's entry point: {@code GeneratorBench PEOPLE DAYS OUT [SEED [START]]}. Prints the report,
 * the seconds, the records and the peak heap (sampled used heap, and the sum of the heap pools' peaks).
 */
public final class GeneratorBench {
  private GeneratorBench() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length < 3) {
      System.err.println("usage: GeneratorBench PEOPLE DAYS OUT [SEED [START]]");
      System.exit(2);
    }
    GeneratorSpec spec = new GeneratorSpec(Path.of(args[2]), Integer.parseInt(args[0]), Integer.parseInt(args[1]),
        args.length > 4 ? LocalDate.parse(args[4]) : LocalDate.of(2026, 11, 2), args.length > 3 ? Long.parseLong(args[3]) : 7L);
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    AtomicLong peak = new AtomicLong();
    Thread sampler = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    sampler.setDaemon(true);
    sampler.start();
    GeneratorReport report = WorldGenerator.generate(spec, System.out::println);
    sampler.interrupt();
    sampler.join();
    long poolPeaks = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getPeakUsage).mapToLong(u -> u.getUsed()).sum();
    System.out.println(report.summary());
    System.out.printf(Locale.ROOT, "BENCH people=%d days=%d seconds=%.1f records=%d malformed=%d identifiers=%d "
            + "peak_heap_sampled_mb=%d heap_pool_peaks_mb=%d max_heap_mb=%d%n",
        spec.people(), spec.days(), report.seconds(), report.totalRecords(), report.totalMalformed(), report.identifiers(),
        peak.get() >> 20, poolPeaks >> 20, memory.getHeapMemoryUsage().getMax() >> 20);
  }
}
