package org.opendmp.jobs.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * S3Mock (an S3-compatible server, ../shared/STACK.md) in a separate JVM on 127.0.0.1, for tests that need a real
 * S3 endpoint. Its Spring Boot, logback and Jackson 3 must not share the Spark test classpath, hence the second
 * JVM.
 *
 * <p>The classpath comes from {@code test-servers/s3mock/pom.xml}: when its {@code target/} is missing or older
 * than that folder's sources, this runs {@code mvn -q -B -f test-servers/s3mock/pom.xml compile
 * dependency:build-classpath} (Maven on the PATH; it resolves S3Mock from Maven Central into ~/.m2 on a fresh clone,
 * and touches no network once everything is there). Then {@code java -cp ... S3MockApplication} on two free ports,
 * both bound to 127.0.0.1, polled with {@code GET /} until it answers (about 5 s on an idle machine, 15-20 s on a
 * busy one). Its log goes to {@code jobs/target/s3mock/s3mock.log}. {@link #close} stops it; a shutdown hook does
 * too if the test JVM dies first.
 */
public final class S3MockServer implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(150);
  private static final Pattern KEY = Pattern.compile("<Key>([^<]*)</Key>");

  private final Process process;
  private final int port;
  private final String bucket;
  private final Thread killer;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private S3MockServer(Process process, int port, String bucket) {
    this.process = process;
    this.port = port;
    this.bucket = bucket;
    this.killer = new Thread(process::destroyForcibly, "s3mock-killer");
    Runtime.getRuntime().addShutdownHook(killer);
  }

  /** Starts S3Mock with one empty bucket, and waits until it answers. */
  public static S3MockServer start(String bucket) throws IOException, InterruptedException {
    Path repo = repoRoot();
    Path serverDir = repo.resolve("test-servers/s3mock");
    String classpath = classpath(serverDir);
    Path work = repo.resolve("jobs/target/s3mock");
    Path store = work.resolve("store-" + System.nanoTime());
    Files.createDirectories(store);
    int httpPort = freePort();
    int httpsPort = freePort();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
                java,
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1", // C1 only: starts faster, and the server does little work
                "-XX:+UseSerialGC",
                "-cp",
                classpath,
                "com.adobe.testing.s3mock.S3MockApplication",
                "--http.port=" + httpPort,
                "--server.port=" + httpsPort,
                "--server.address=127.0.0.1",
                "--com.adobe.testing.s3mock.store.root=" + store,
                "--com.adobe.testing.s3mock.store.initial-buckets=" + bucket)
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("s3mock.log").toFile());
    S3MockServer server = new S3MockServer(pb.start(), httpPort, bucket);
    try {
      server.awaitReady(work.resolve("s3mock.log"));
    } catch (IOException | InterruptedException | RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  private static Path repoRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("test-servers/s3mock/pom.xml"))) {
        return p;
      }
    }
    throw new IllegalStateException("No test-servers/s3mock/pom.xml above " + Path.of("").toAbsolutePath());
  }

  private static long newest(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> !p.startsWith(dir.resolve("target")))
          .filter(Files::isRegularFile)
          .mapToLong(p -> p.toFile().lastModified())
          .max()
          .orElse(0);
    }
  }

  private static synchronized String classpath(Path serverDir) throws IOException, InterruptedException {
    Path cpFile = serverDir.resolve("target/classpath.txt");
    Path classes = serverDir.resolve("target/classes");
    if (!Files.isRegularFile(cpFile) || cpFile.toFile().lastModified() < newest(serverDir)) {
      Path log = Files.createDirectories(serverDir.resolve("target")).resolve("build.log");
      Process mvn =
          new ProcessBuilder("mvn", "-q", "-B", "-f", serverDir.resolve("pom.xml").toString(), "compile", "dependency:build-classpath")
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!mvn.waitFor(10, TimeUnit.MINUTES) || mvn.exitValue() != 0) {
        mvn.destroyForcibly();
        throw new IllegalStateException("Building the S3Mock classpath failed, see " + log + ":\n" + Files.readString(log));
      }
    }
    return classes + java.io.File.pathSeparator + Files.readString(cpFile).trim();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  private void awaitReady(Path log) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("S3Mock exited with " + process.exitValue() + ":\n" + tail(log));
      }
      try {
        HttpResponse<Void> r =
            http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("S3Mock did not answer within " + START_TIMEOUT + ":\n" + tail(log));
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  public String bucket() {
    return bucket;
  }

  /** What s3a needs to talk to this server (../shared/STACK.md), with few retries so that failures are fast. */
  public Map<String, String> s3aSettings() {
    Map<String, String> m = new TreeMap<>();
    m.put("fs.s3a.endpoint", endpoint());
    m.put("fs.s3a.endpoint.region", "us-east-1");
    m.put("fs.s3a.path.style.access", "true");
    m.put("fs.s3a.connection.ssl.enabled", "false");
    m.put("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    m.put("fs.s3a.access.key", "test");
    m.put("fs.s3a.secret.key", "test");
    m.put("fs.s3a.attempts.maximum", "2");
    m.put("fs.s3a.retry.limit", "2");
    m.put("fs.s3a.retry.interval", "50ms");
    return m;
  }

  /** An object's bytes, read over plain HTTP (not through s3a: the check must not share the code under test). */
  public byte[] get(String key) throws IOException, InterruptedException {
    HttpResponse<byte[]> r =
        http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/" + bucket + "/" + key)).build(), HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IOException("GET " + key + ": HTTP " + r.statusCode());
    }
    return r.body();
  }

  /** Keys under {@code prefix} (ListObjectsV2; a test's few keys fit one page). */
  public List<String> keys(String prefix) throws IOException, InterruptedException {
    String q = "?list-type=2&prefix=" + java.net.URLEncoder.encode(prefix, StandardCharsets.UTF_8);
    HttpResponse<String> r =
        http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/" + bucket + q)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("LIST " + prefix + ": HTTP " + r.statusCode() + " " + r.body());
    }
    List<String> keys = new ArrayList<>();
    Matcher m = KEY.matcher(r.body());
    while (m.find()) {
      keys.add(m.group(1));
    }
    return keys;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(killer);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
  }
}
