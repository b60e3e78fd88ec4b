package org.opendmp.jobs.generate;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.opendmp.common.DmpException;

/**
 * Generates a synthetic world (docs/LANDING.md): out/landing/&lt;source&gt;/dt=YYYY-MM-DD/... as the feeds would
 * deliver it, and out/truth/... to measure the platform against. Pure Java, streamed day by day and person by
 * person, byte-deterministic for a spec (no clock, no hash-order iteration, seeded generators per person-day).
 */
public final class WorldGenerator {
  private WorldGenerator() {}

  public static GeneratorReport generate(GeneratorSpec spec) {
    return generate(spec, line -> {});
  }

  /** As {@link #generate(GeneratorSpec)}, telling progress one line per day. */
  public static GeneratorReport generate(GeneratorSpec spec, Consumer<String> progress) {
    long started = System.nanoTime(); // clock-ok: timing the run for the report only
    Path landingDir = spec.out().resolve("landing");
    Path truthDir = spec.out().resolve("truth");
    deleteTree(landingDir);
    deleteTree(truthDir);
    Landing landing = new Landing(landingDir, spec.seed());
    World w = new World(spec, landing);
    try (BufferedWriter storeTruth = TruthFiles.open(truthDir.resolve("store_records.csv"))) {
      TruthFiles.row(storeTruth, "record_id", "transaction_id", "true_person_id", "loyalty_card");
      for (int i = 0; i < spec.days(); i++) {
        Day day = new Day(i, spec.start().plusDays(i));
        int from = landing.size();
        new DaySimulator(w, day).run();
        if (i == 0) {
          emptyOptOutList(landingDir, day);
        }
        CrmFeed.write(w, day, truthDir);
        PartnerFeed.write(w, day);
        landing.closeAll();
        for (String[] r : w.storeRecords) {
          TruthFiles.row(storeTruth, r);
        }
        w.storeRecords.clear();
        progress.accept(progressLine(day, landing.since(from)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    TruthWriter.write(w, spec, truthDir);
    long customers = Stream.of(w.people).filter(p -> p.primary != null).count();
    double seconds = (System.nanoTime() - started) / 1e9; // clock-ok: timing the run for the report only
    return new GeneratorReport(spec, customers, landing.records(), landing.malformed(), w.ids.size(),
        w.useCases().size(), seconds);
  }

  private static String progressLine(Day day, List<Landing.Count> counts) {
    long web = 0;
    long collector = 0;
    long ads = 0;
    long sync = 0;
    long crm = 0;
    long store = 0;
    long service = 0;
    long partners = 0;
    long malformed = 0;
    for (Landing.Count c : counts) {
      malformed += c.malformed();
      long n = c.records();
      switch (c.source()) {
        case "weblogs" -> {
          if (c.file().startsWith("access-")) {
            web += n;
          } else {
            collector += n;
          }
        }
        case "adserver" -> ads += n;
        case "idsync" -> sync += n;
        case "crm" -> crm += n;
        case "store" -> store += n;
        case "callcenter", "catalog" -> service += n;
        default -> partners += n;
      }
    }
    return String.format(Locale.ROOT,
        "day %s: %,d web lines, %,d collector events, %,d ad events, %,d id syncs, %,d crm rows, %,d store rows, "
            + "%,d call-center/catalog rows, %,d partner rows (%,d malformed)",
        day.iso, web, collector, ads, sync, crm, store, service, partners, malformed);
  }

  /** Replaces a previous world: the generator owns out/landing and out/truth, nothing else under out. */
  /**
   * The global opt-out list the activate job requires (landing_root/opt_out/dt=D/opt_out.csv): nobody in the
   * generated world has opted out, so the first day brings the list with its header only.
   */
  private static void emptyOptOutList(Path landingDir, Day day) throws IOException {
    Path dir = landingDir.resolve("opt_out").resolve("dt=" + day.iso);
    java.nio.file.Files.createDirectories(dir);
    java.nio.file.Files.writeString(dir.resolve("opt_out.csv"), "id_type,id_value\n");
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new DmpException("Cannot generate a world: cannot replace the previous one (" + dir + ")", e);
    } catch (UncheckedIOException e) {
      throw new DmpException("Cannot generate a world: cannot replace the previous one (" + dir + ")", e.getCause());
    }
  }
}
