package org.opendmp.jobs.activate.delivery;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.opendmp.common.DmpException;

/**
 * Writes a delivery's data files, its manifest and its {@code _SUCCESS} into a local staging folder (pure Java, no
 * Spark). Output is a function of the inputs only: the same lines in the same order give byte-identical files, so
 * a re-run of a date delivers the same bytes and the same checksums.
 *
 * <p>Lines are written as given, UTF-8, each ended by {@code \n}; {@code splitRows} lines per file (the last one
 * may hold fewer; no line at all still gives one file, with the header only). Gzip uses {@link GZIPOutputStream},
 * whose header has a zero modification time and no file name: nothing of the run's time or place enters the
 * bytes.
 */
public final class DeliveryFiles {
  private DeliveryFiles() {}

  /**
   * The whole staging step: data files, then {@code manifest.json} and an empty {@code _SUCCESS}. {@code dir} must
   * be absent or empty, so that no file of an earlier attempt is ever taken for one of this delivery.
   */
  public static StagedDelivery stage(
      DeliverySpec spec, Iterator<String> lines, Map<String, Long> segmentCounts, Path dir) {
    List<DataFile> files = write(spec, lines, dir);
    Manifest manifest = Manifest.of(spec, files, segmentCounts);
    try {
      Files.write(dir.resolve(Publisher.MANIFEST), manifest.toJsonBytes());
      Files.write(dir.resolve(Publisher.SUCCESS), new byte[0]);
    } catch (IOException e) {
      throw new DmpException("Cannot write the delivery manifest: " + e + " (" + dir + ")", e);
    }
    return new StagedDelivery(dir, manifest);
  }

  /** The data files only, in split order. */
  public static List<DataFile> write(DeliverySpec spec, Iterator<String> lines, Path dir) {
    prepare(dir);
    List<DataFile> files = new ArrayList<>();
    int split = 0;
    do {
      split++;
      String name = spec.fileName(split);
      files.add(writeOne(spec, lines, dir.resolve(name), name));
    } while (lines.hasNext());
    return files;
  }

  private static void prepare(Path dir) {
    try {
      Files.createDirectories(dir);
      try (Stream<Path> s = Files.list(dir)) {
        if (s.findAny().isPresent()) {
          throw new DmpException("Cannot stage a delivery: the staging folder is not empty (" + dir + ")");
        }
      }
    } catch (IOException e) {
      throw new DmpException("Cannot create the staging folder: " + e + " (" + dir + ")", e);
    }
  }

  private static DataFile writeOne(DeliverySpec spec, Iterator<String> lines, Path file, String name) {
    try (OutputStream raw = Files.newOutputStream(file)) {
      return write(raw, name, spec.gzip(), spec.header(), lines, spec.splitRows(), file.toString());
    } catch (IOException e) {
      throw new DmpException("Cannot write delivery file: " + e + " (" + file + ")", e);
    }
  }

  /**
   * One data file into {@code raw} (not closed): the header when non-null, then at most {@code maxRows} lines of
   * {@code lines}, gzip or not. The privacy job rewrites delivered files through this too, so that a scrubbed file
   * has the bytes a delivery of its remaining lines would have had. {@code where} names the file in errors.
   */
  public static DataFile write(OutputStream raw, String name, boolean gzip, String header, Iterator<String> lines,
      long maxRows, String where) throws IOException {
    MessageDigest sha = sha256();
    long rows = 0;
    // closing the writer ends the gzip stream; the counting stream does not pass the close on to raw
    CountingOutputStream counted = new CountingOutputStream(new DigestOutputStream(raw, sha));
    try (OutputStream body = gzip ? new GZIPOutputStream(counted, 64 * 1024) : counted;
        Writer w = new BufferedWriter(new OutputStreamWriter(body, StandardCharsets.UTF_8), 64 * 1024)) {
      if (header != null) {
        w.write(header);
        w.write('\n');
      }
      while (rows < maxRows && lines.hasNext()) {
        String line = lines.next();
        if (line == null) {
          throw new DmpException("Cannot write delivery row " + (rows + 1) + ": the line is null (" + where + ")");
        }
        w.write(line);
        w.write('\n');
        rows++;
      }
    }
    return new DataFile(name, rows, counted.count(), HexFormat.of().formatHex(sha.digest()));
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java runtime has SHA-256", e);
    }
  }

  /** Counts the bytes that reach the file (after compression). */
  private static final class CountingOutputStream extends java.io.FilterOutputStream {
    private long count;

    CountingOutputStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }

    @Override
    public void close() throws IOException {
      flush(); // the caller closes the underlying stream
    }

    long count() {
      return count;
    }
  }
}
