package org.opendmp.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opendmp.common.DmpException;

class YamlTest {
  @TempDir Path dir;

  private Path write(String yaml) throws IOException {
    Path f = dir.resolve("env.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  private static final String VALID =
      "lake_root: ./lake\nlanding_root: ./landing\nexport_root: ./exports\nspark:\n  shuffle_partitions: 4\n";

  @Test
  void loadsAValidEnvWithDefaults() throws IOException {
    EnvConfig env = Yaml.load(write(VALID), EnvConfig.class);
    assertThat(env.lakeRoot()).isEqualTo("./lake");
    assertThat(env.spark().shufflePartitions()).isEqualTo(4);
    assertThat(env.spark().master()).isEqualTo("local[*]");
    assertThat(env.catalog()).isEqualTo("hive");
    assertThat(env.confDir()).isEqualTo("conf");
  }

  @Test
  void unknownKeyIsNamedWithFileAndLine() throws IOException {
    Path f = write(VALID + "lake_rot: oops\n");
    assertThatThrownBy(() -> Yaml.load(f, EnvConfig.class))
        .isInstanceOf(DmpException.class)
        .hasMessageContaining("unknown key 'lake_rot'")
        .hasMessageContaining(f.toString())
        .hasMessageContaining("line 6")
        .hasMessageContaining("expected one of:")
        .hasMessageContaining("lake_root");
  }

  @Test
  void unknownNestedKeyGivesItsPath() throws IOException {
    Path f = write(VALID + "  shufle: 3\n");
    assertThatThrownBy(() -> Yaml.load(f, EnvConfig.class)).hasMessageContaining("unknown key 'spark.shufle'");
  }

  @Test
  void missingRequiredKey() throws IOException {
    Path f = write("lake_root: ./lake\nexport_root: ./x\n");
    assertThatThrownBy(() -> Yaml.load(f, EnvConfig.class))
        .hasMessageContaining("key 'landing_root' is required but missing")
        .hasMessageContaining(f.toString());
  }

  @Test
  void wrongTypeSaysWhatIsExpected() throws IOException {
    Path f = write(VALID.replace("shuffle_partitions: 4", "shuffle_partitions: many"));
    assertThatThrownBy(() -> Yaml.load(f, EnvConfig.class))
        .hasMessageContaining("key 'spark.shuffle_partitions'")
        .hasMessageContaining("an integer");
  }

  @Test
  void invalidValueIsRefusedWithItsRange() throws IOException {
    Path f = write(VALID.replace("shuffle_partitions: 4", "shuffle_partitions: 0"));
    assertThatThrownBy(() -> Yaml.load(f, EnvConfig.class))
        .hasMessageContaining("key 'spark.shuffle_partitions' must be between 1 and 100000, got 0");
  }

  @Test
  void invalidEnumLikeValue() throws IOException {
    Path f = write(VALID + "catalog: mysql\n");
    assertThatThrownBy(() -> Yaml.load(f, EnvConfig.class))
        .hasMessageContaining("key 'catalog' must be 'hive' or 'session', got 'mysql'");
  }

  @Test
  void overridesApplyAndAreCoerced() throws IOException {
    EnvConfig env =
        Yaml.load(
            write(VALID), EnvConfig.class, Map.of("lake_root", "/data/lake", "spark.shuffle_partitions", "16"));
    assertThat(env.lakeRoot()).isEqualTo("/data/lake");
    assertThat(env.spark().shufflePartitions()).isEqualTo(16);
  }

  @Test
  void unknownOverrideKeyIsRefused() throws IOException {
    Path f = write(VALID);
    assertThatThrownBy(() -> Yaml.load(f, EnvConfig.class, Map.of("lake_roots", "/x")))
        .hasMessageContaining("unknown key 'lake_roots'")
        .hasMessageContaining("--set lake_roots");
  }

  @Test
  void missingFileAndBrokenYaml() throws IOException {
    assertThatThrownBy(() -> Yaml.load(dir.resolve("nope.yaml"), EnvConfig.class))
        .hasMessageContaining("file not found")
        .hasMessageContaining("nope.yaml");
    Path f = write("lake_root: [unclosed\n");
    assertThatThrownBy(() -> Yaml.load(f, EnvConfig.class)).hasMessageContaining("not valid YAML");
  }

  @Test
  void relativePathsResolveAgainstHome() throws IOException {
    EnvConfig env = Yaml.load(write(VALID), EnvConfig.class).resolvedAgainst(Path.of("/opt/dmp"));
    assertThat(env.lakeRoot()).isEqualTo("/opt/dmp/lake");
    assertThat(env.metastoreDir()).isEqualTo("/opt/dmp/lake/_metastore");
    assertThat(env.confDir()).isEqualTo("/opt/dmp/conf");
    EnvConfig s3 = Yaml.load(write(VALID), EnvConfig.class, Map.of("lake_root", "s3a://b/lake"));
    assertThat(s3.resolvedAgainst(Path.of("/opt/dmp")).lakeRoot()).isEqualTo("s3a://b/lake");
  }
}
