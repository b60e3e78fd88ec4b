package org.opendmp.jobs.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.common.testing.SharedSpark;
import org.opendmp.jobs.JobRegistry;
import org.opendmp.jobs.JobSpec;
import org.opendmp.jobs.generate.GeneratorSpec;
import org.opendmp.jobs.generate.WorldGenerator;
import org.opendmp.jobs.run.JobRunner;

/**
 * One generated world run through every nightly job, shared by the test classes that measure the jobs against
 * the generator's truth (identity, segments): generating and running it is the suite's most expensive step, so
 * it happens once per test JVM. 5,000 people x 3 nights from Monday 2026-11-02 (a Monday's abandoned carts meet
 * Wednesday's store visits); {@code -Didentity.world.people=N -Didentity.world.seed=S} measures another world.
 * Tests may read anything and re-run a job for a night, but must leave the tables as they found them.
 */
public final class WorldNights {
  public static final LocalDate D1 = LocalDate.parse("2026-11-02");
  public static final int NIGHTS = 3;
  public static final int PEOPLE = Integer.getInteger("identity.world.people", 5000);
  public static final long SEED = Long.getLong("identity.world.seed", 5);

  private static WorldNights shared;

  public final Lake lake;
  /** The generator's output: landing/ (moved into the lake's landing root) and truth/. */
  public final Path world;
  /** id_type, id_value, person_id after each night. */
  public final List<Dataset<Row>> graphAfter = new ArrayList<>();

  private WorldNights() throws Exception {
    lake = SharedSpark.freshLake();
    world = Path.of(lake.env().landingRoot()).getParent().resolve("world");
    WorldGenerator.generate(new GeneratorSpec(world, PEOPLE, NIGHTS, D1, SEED));
    Files.move(world.resolve("landing"), Path.of(lake.env().landingRoot()));
    for (int i = 0; i < NIGHTS; i++) {
      LocalDate night = D1.plusDays(i);
      for (JobSpec j : JobRegistry.all()) {
        JobRunner.Outcome o = JobRunner.run(j, lake, night);
        assertThat(o.ok()).as(j.name() + " " + night + ": " + o.message()).isTrue();
        if (j.name().equals("identity")) {
          graphAfter.add(lake.read(Tables.ID_GRAPH).select("id_type", "id_value", "person_id").localCheckpoint());
        }
      }
    }
  }

  /** The world, generated and run on first use. */
  public static synchronized WorldNights get() throws Exception {
    if (shared == null) {
      shared = new WorldNights();
    }
    return shared;
  }

  public static LocalDate last() {
    return D1.plusDays(NIGHTS - 1);
  }

  /** Column names as the Scala sequence of Dataset.join's using-columns form. */
  public static scala.collection.immutable.Seq<String> seq(String... columns) {
    return scala.jdk.javaapi.CollectionConverters.asScala(List.of(columns)).toList();
  }

  /** A truth/ or landing CSV of the world, header on, every column a string. */
  public Dataset<Row> csv(String file) {
    return lake.spark().read().option("header", "true").csv(world.resolve(file).toString());
  }
}
