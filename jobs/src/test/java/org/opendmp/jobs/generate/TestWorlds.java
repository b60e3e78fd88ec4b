package org.opendmp.jobs.generate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.opendmp.common.ids.Identifiers;

/** Helpers shared by the generator tests. */
final class TestWorlds {
  /** A Monday, so a 7-day world holds a Monday and its Wednesday. */
  static final LocalDate MONDAY = LocalDate.of(2026, 11, 2);

  private TestWorlds() {}

  static GeneratorReport generate(Path out, int people, int days, long seed) {
    return WorldGenerator.generate(new GeneratorSpec(out, people, days, MONDAY, seed));
  }

  /** SHA-256 over every file's relative path and bytes, in path order. */
  static String treeHash(Path root) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
        md.update(root.relativize(p).toString().getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(Files.readAllBytes(p));
      }
    }
    return Identifiers.sha256Hex(java.util.HexFormat.of().formatHex(md.digest()));
  }

  /** Share of CRM customers with a cookie of theirs in the evidence group of one of their crm_ids. */
  static double reconciliationShare(Path out) throws IOException {
    Set<String> customers = new HashSet<>();
    for (String[] r : rows(out.resolve("truth/persons.csv"))) {
      if (!r[1].isEmpty()) {
        customers.add(r[0]);
      }
    }
    Map<String, Set<String>> crmGroups = new HashMap<>();
    Map<String, Set<String>> cookieGroups = new HashMap<>();
    for (String[] r : rows(out.resolve("truth/identifiers.csv"))) {
      if (r[0].equals("crm_id")) {
        crmGroups.computeIfAbsent(r[2], k -> new HashSet<>()).add(r[3]);
      } else if (r[0].equals("cookie")) {
        cookieGroups.computeIfAbsent(r[2], k -> new HashSet<>()).add(r[3]);
      }
    }
    long reconciled = customers.stream()
        .filter(p -> crmGroups.getOrDefault(p, Set.of()).stream().anyMatch(g -> cookieGroups.getOrDefault(p, Set.of()).contains(g)))
        .count();
    return (double) reconciled / customers.size();
  }

  /** Data rows of a truth CSV (header dropped). */
  static List<String[]> rows(Path file) throws IOException {
    List<String[]> all = LandingReader.csv(file);
    return all.subList(1, all.size());
  }
}
