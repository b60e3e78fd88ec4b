package org.opendmp.jobs.ingest;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Writes small landing folders by hand for ingest tests: n good records per file plus chosen garbage lines,
 * gzip or plain, so that a test knows exactly how many records each feed holds and which should be rejected.
 */
final class LandingFixture {
  static final String UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36";
  /** One of each kind of garbage the issue names; the byte[] entries are written raw. */
  static final String BINARY = "\u0000\u0001\u0002\u0003junk";
  static final byte[] LATIN1 = "caf\u00e9 cr\u00e8me".getBytes(StandardCharsets.ISO_8859_1);

  private final Path landing;

  LandingFixture(String landingRoot) {
    this.landing = Path.of(landingRoot);
  }

  /** Writes a file: header (or null), then lines; a byte[] element is written as raw bytes. */
  Path write(String source, LocalDate date, String name, String header, List<Object> lines) {
    try {
      Path dir = landing.resolve(source).resolve("dt=" + date);
      Files.createDirectories(dir);
      Path file = dir.resolve(name);
      try (OutputStream raw = Files.newOutputStream(file);
          OutputStream out = name.endsWith(".gz") ? new GZIPOutputStream(raw) : raw) {
        if (header != null) {
          out.write((header + "\n").getBytes(StandardCharsets.UTF_8));
        }
        for (Object l : lines) {
          out.write(l instanceof byte[] b ? b : l.toString().getBytes(StandardCharsets.UTF_8));
          out.write('\n');
        }
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Object> lines(int n, java.util.function.IntFunction<String> good, Object... garbage) {
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(good.apply(i));
    }
    out.addAll(List.of(garbage));
    return out;
  }

  static String accessLine(int i, String url, boolean withIds) {
    String base = String.format("10.0.0.%d - - [01/Nov/2026:10:%02d:00 +0000] \"GET %s HTTP/1.1\" 200 100 \"-\" \"%s\"", i % 250, i % 60, url, UA);
    return withIds ? base + " \"c-" + i + "\" \"" + (i % 3 == 0 ? "user" + i : "-") + "\"" : base;
  }
}
