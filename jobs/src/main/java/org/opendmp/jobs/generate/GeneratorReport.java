package org.opendmp.jobs.generate;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a generation wrote: records and malformed records per landing source (sorted by source), identifiers in
 * the truth, customers, planted use cases, and how long it took.
 */
public record GeneratorReport(
    GeneratorSpec spec,
    long customers,
    Map<String, Long> records,
    Map<String, Long> malformed,
    long identifiers,
    int useCases,
    double seconds) {

  public GeneratorReport {
    records = Collections.unmodifiableMap(new TreeMap<>(records));
    malformed = Collections.unmodifiableMap(new TreeMap<>(malformed));
  }

  public long totalRecords() {
    return records.values().stream().mapToLong(Long::longValue).sum();
  }

  public long totalMalformed() {
    return malformed.values().stream().mapToLong(Long::longValue).sum();
  }

  /** A few lines for a terminal: the spec, a table of sources, the totals. */
  public String summary() {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "Generated %,d people (%,d CRM customers) x %d days from %s, seed %d, into %s in %.1f s%n",
        spec.people(), customers, spec.days(), spec.start(), spec.seed(), spec.out(), seconds));
    b.append(String.format(Locale.ROOT, "  %-30s %14s %10s%n", "source", "records", "malformed"));
    records.forEach((source, n) -> b.append(String.format(Locale.ROOT, "  %-30s %,14d %,10d%n", source, n, malformed.getOrDefault(source, 0L))));
    b.append(String.format(Locale.ROOT, "  %-30s %,14d %,10d%n", "total", totalRecords(), totalMalformed()));
    b.append(String.format(Locale.ROOT, "  identifiers in truth: %,d; planted use cases: %,d", identifiers, useCases));
    return b.toString();
  }
}
