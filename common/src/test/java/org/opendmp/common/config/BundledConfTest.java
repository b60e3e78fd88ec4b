package org.opendmp.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Behaviour configs read from inside a jar (the cluster jar's defaults) when conf_dir is not a folder. */
class BundledConfTest {
  @TempDir Path dir;

  @Test
  void readsAConfigInsideAJarWithItsLines() throws IOException {
    Path jar = dir.resolve("app.jar");
    try (OutputStream f = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(f)) {
      j.putNextEntry(new JarEntry("conf/"));
      j.putNextEntry(new JarEntry("conf/bundled.yaml"));
      j.write("lake_root: s3a://lake\nlanding_root: s3a://landing\nexport_root: s3a://exports\nlake_size: 3\n"
          .getBytes(StandardCharsets.UTF_8));
    }
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      Path p = BundledConf.path(loader, "bundled.yaml").orElseThrow();
      assertThat(p.toUri().getScheme()).isEqualTo("jar");
      assertThat(Files.readString(p)).startsWith("lake_root: s3a://lake");
      // The strict loader works on it as on a file, line numbers included; a second lookup reuses the file system.
      assertThatThrownBy(() -> Yaml.load(BundledConf.path(loader, "bundled.yaml").orElseThrow(), EnvConfig.class))
          .hasMessageContaining("unknown key 'lake_size'")
          .hasMessageContaining("line 4");
      assertThat(BundledConf.path(loader, "absent.yaml")).isEmpty();
    }
  }

  @Test
  void confDirFolderFirstThenTheBundledDefaultsElseOneLine() throws IOException {
    Files.writeString(dir.resolve("ingest.yaml"), "x: 1\n");
    EnvConfig local = new EnvConfig("l", "i", "e", dir.toString(), null, null, null);
    assertThat(local.conf("ingest.yaml")).isEqualTo(dir.resolve("ingest.yaml"));
    assertThat(local.confSource()).isEqualTo(dir.toString());
    // common's classpath bundles no conf/: the error names the file and the conf_dir
    EnvConfig nowhere = new EnvConfig("l", "i", "e", dir.resolve("absent").toString(), null, null, null);
    assertThat(nowhere.confSource()).startsWith("defaults bundled in the jar");
    assertThatThrownBy(() -> nowhere.conf("ingest.yaml"))
        .hasMessage("Cannot find behaviour config ingest.yaml: conf_dir is not a folder and the jar bundles no"
            + " conf/ingest.yaml (conf_dir " + dir.resolve("absent") + ")");
  }

  @Test
  void envFromOverridesAlone() {
    EnvConfig e = Yaml.fromOverrides(EnvConfig.class,
        java.util.Map.of("lake_root", "s3a://b/lake", "landing_root", "s3a://b/landing", "export_root", "s3a://b/x",
            "catalog", "session", "spark.shuffle_partitions", "200"), "--set");
    assertThat(e.lakeRoot()).isEqualTo("s3a://b/lake");
    assertThat(e.spark().shufflePartitions()).isEqualTo(200);
    assertThatThrownBy(() -> Yaml.fromOverrides(EnvConfig.class, java.util.Map.of("lake_root", "x"), "no env file"))
        .hasMessageContaining("key 'landing_root' is required but missing (no env file)");
  }
}
