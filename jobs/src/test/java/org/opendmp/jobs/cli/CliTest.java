package org.opendmp.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opendmp.jobs.JobRegistry;
import org.opendmp.jobs.JobSpec;

/** The command line's contract: commands, argument parsing, one-line errors and exit codes. */
class CliTest {
  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  @BeforeAll
  static void homeIsTheCheckout() {
    System.setProperty("dmp.home", Path.of("..").toAbsolutePath().normalize().toString());
  }

  static Result dmp(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Dmp.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void helpDocumentsEveryCommandAndOption() {
    Result r = dmp("--help");
    assertThat(r.code()).isZero();
    for (String c : new String[] {"demo", "generate", "nightly", "run", "jobs", "sql", "dedupe", "report"}) {
      assertThat(r.out()).contains("  " + c + " ");
    }
    Result run = dmp("run", "--help");
    assertThat(run.out()).contains("--date", "--env", "--set", "--dry-run", "JOB");
    assertThat(dmp("nightly", "--help").out()).contains("--from", "--date");
    assertThat(dmp("sql", "--help").out()).contains("--format", "table, csv, json");
  }

  @Test
  void jobsListsTheRegistryInOrder() {
    Result r = dmp("jobs", "--names");
    assertThat(r.out().lines().toList()).containsExactlyElementsOf(JobRegistry.all().stream().map(JobSpec::name).toList());
    assertThat(r.out().lines().findFirst()).contains("ingest_weblogs");
    assertThat(dmp("jobs").out()).contains("in:  landing:crm", "out: silver.events");
  }

  @Test
  void dryRunParsesDateEnvAndOverrides() {
    Result r = dmp("run", "ingest_crm", "--date", "2026-11-02", "--dry-run", "--set", "lake_root=/data/lake");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("would run ingest_crm for 2026-11-02 (lake /data/lake)");
    // identity needs the PII key: a dry run checks that it is there
    Result resume = dmp("nightly", "--date", "2026-11-02", "--from", "conform", "--dry-run",
        "--set", "pii_key_file=" + org.opendmp.common.testing.SharedSpark.testPiiKeyFile());
    assertThat(resume.out()).startsWith("would run conform for 2026-11-02").doesNotContain("ingest_");
  }

  @Test
  void badArgumentsExitTwoWithOneLine() {
    Result badDate = dmp("nightly", "--date", "2026-02-30");
    assertThat(badDate.code()).isEqualTo(2);
    assertThat(badDate.err()).startsWith("error: Invalid value for option '--date': '2026-02-30' is not a date (expected YYYY-MM-DD)");
    assertThat(dmp("run", "ingest_crm").code()).isEqualTo(2);
    assertThat(dmp("run", "ingest_crm").err()).contains("Missing required option: '--date");
    assertThat(dmp("frobnicate").code()).isEqualTo(2);
    assertThat(dmp("run", "ingest_crm", "--date", "2026-11-02", "--set", "novalue").code()).isEqualTo(2);
  }

  @Test
  void unknownJobAndUnknownKeysExitOneNamingThem() throws IOException {
    Result job = dmp("run", "ingest_everything", "--date", "2026-11-02", "--dry-run");
    assertThat(job.code()).isEqualTo(1);
    assertThat(job.err()).isEqualTo("error: Cannot find job 'ingest_everything': known jobs are " + JobRegistry.names() + System.lineSeparator());
    Path env = dir.resolve("env.yaml");
    Files.writeString(env, "lake_root: ./l\nlanding_root: ./x\nexport_root: ./e\nlake_size: 3\n");
    for (String[] args :
        new String[][] {
          {"nightly", "--date", "2026-11-02", "--dry-run", "--env", env.toString()},
          {"run", "conform", "--date", "2026-11-02", "--dry-run", "--env", env.toString()},
          {"sql", "SELECT 1", "--env", env.toString()}
        }) {
      Result r = dmp(args);
      assertThat(r.code()).as(String.join(" ", args)).isEqualTo(1);
      assertThat(r.err().lines().toList()).hasSize(1);
      assertThat(r.err()).contains("unknown key 'lake_size'", env.toString(), "line 4");
    }
    Result set = dmp("nightly", "--date", "2026-11-02", "--dry-run", "--set", "spark.shuffle_partitions=zero");
    assertThat(set.code()).isEqualTo(1);
    assertThat(set.err()).contains("key 'spark.shuffle_partitions'", "an integer");
  }

  /** A typo in the last job's conf stops the night before the first job writes anything (issue #5). */
  @Test
  void aSegmentRuleErrorStopsTheNightBeforeAnyWrite() throws IOException {
    Path conf = Files.createDirectories(dir.resolve("conf"));
    try (var files = Files.list(Path.of("../conf"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".csv")).toList()) {
        Files.copy(f, conf.resolve(f.getFileName()));
      }
    }
    Path segments = conf.resolve("segments.yaml");
    Files.writeString(segments, Files.readString(segments).replace("score.rfm_monetary >= 5", "trait.rfm_monetry >= 5"));
    Path lake = dir.resolve("lake");
    Result r = dmp("nightly", "--date", "2026-11-02", "--set", "lake_root=" + lake, "--set", "landing_root=" + dir.resolve("landing"),
        "--set", "export_root=" + dir.resolve("exports"), "--set", "conf_dir=" + conf,
        "--set", "pii_key_file=" + org.opendmp.common.testing.SharedSpark.testPiiKeyFile());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().lines().toList()).hasSize(1);
    assertThat(r.err()).contains("Cannot load segments: unknown trait 'rfm_monetry'", segments.toString(), "segment vip", "column",
        "[job segments]");
    assertThat(lake).doesNotExist();
  }

  /** Without a PII key, a night stops before anything is written, saying how to give one. */
  @Test
  void aNightWithoutAPiiKeyStopsBeforeAnyWrite() {
    Path lake = dir.resolve("lake");
    Result r = dmp("nightly", "--date", "2026-11-02", "--set", "lake_root=" + lake, "--set", "landing_root=" + dir.resolve("landing"),
        "--set", "export_root=" + dir.resolve("exports"));
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().strip()).isEqualTo("error: Cannot run ingest_crm: no PII key (set DMP_PII_KEY or DMP_PII_KEY_FILE, or"
        + " pii_key_file in the env file) [job ingest_crm]");
    assertThat(lake).doesNotExist();
    Result bad = dmp("nightly", "--date", "2026-11-02", "--dry-run", "--set", "lake_root=" + lake, "--set", "pii_key_file=" + dir.resolve("none.key"));
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).contains("Cannot read the PII key: NoSuchFileException", "none.key");
  }

  @Test
  void missingEnvFile() {
    Result r = dmp("nightly", "--date", "2026-11-02", "--dry-run", "--env", dir.resolve("nope.yaml").toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("file not found", "nope.yaml");
  }

  @Test
  void jobsAsJsonIsTheRegistry() throws IOException {
    Result r = dmp("jobs", "--format", "json");
    assertThat(r.code()).as(r.err()).isZero();
    var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
    assertThat(tree.size()).isEqualTo(JobRegistry.all().size());
    for (int i = 0; i < tree.size(); i++) {
      JobSpec j = JobRegistry.all().get(i);
      assertThat(tree.get(i).get("name").asText()).isEqualTo(j.name());
      assertThat(tree.get(i).get("stage").asText()).isEqualTo(j.stage());
      assertThat(tree.get(i).get("inputs").toString()).contains(j.inputs().isEmpty() ? "[" : j.inputs().get(0));
    }
    assertThat(r.out()).endsWith("]\n");
    assertThat(dmp("jobs", "--format", "xml").code()).isEqualTo(2);
  }

  @Test
  void clusterNodeWithoutCheckoutTakesTheEnvFromSetAndTheBundledConfigs() {
    String home = System.getProperty("dmp.home");
    System.setProperty("dmp.home", dir.toString()); // no conf/env/local.yaml, no conf/ here
    try {
      Result r = dmp("run", "ingest_weblogs", "--date", "2026-11-02", "--dry-run",
          "--set", "lake_root=s3a://b/lake", "--set", "landing_root=s3a://b/landing", "--set", "export_root=s3a://b/x",
          "--set", "catalog=session");
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out()).contains("would run ingest_weblogs for 2026-11-02 (lake s3a://b/lake)",
          "behaviour configs: defaults bundled in the jar");
      Result missing = dmp("run", "ingest_weblogs", "--date", "2026-11-02", "--dry-run", "--set", "lake_root=s3a://b/lake");
      assertThat(missing.code()).isEqualTo(1);
      assertThat(missing.err()).contains("key 'landing_root' is required but missing", "no env file");
      // The bundled copy is this repository's conf/ (jobs/target/classes/conf on this classpath).
      org.opendmp.common.config.EnvConfig e = new org.opendmp.common.config.EnvConfig(
          "l", "i", "e", dir.resolve("absent").toString(), null, null, null);
      assertThat(e.conf("ingest.yaml").toString()).endsWith("conf/ingest.yaml");
    } finally {
      System.setProperty("dmp.home", home);
    }
  }
}
