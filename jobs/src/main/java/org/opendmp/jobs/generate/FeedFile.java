package org.opendmp.jobs.generate;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.opendmp.common.DmpException;

/**
 * One landing file, plain or gzip (by its name), written as a stream. About 0.5% of its records are written
 * broken on purpose: one record in each block of 200 record slots, at a seeded position, so that every file of
 * 200 records or more has some and the share stays close to 0.5% without knowing the file's size in advance.
 * Two modes: REPLACE (the broken line takes the record's place: the event is lost) and INSERT (a broken copy is
 * written in addition, for files whose every record must arrive, like CRM extracts whose state is checked).
 * GZIPOutputStream writes mtime 0, so the bytes depend only on the records.
 */
final class FeedFile implements AutoCloseable {
  static final int BLOCK = 200;

  final String source;
  final String dt;
  final String name;
  private final LineShape shape;
  private final boolean insertMode;
  private final OutputStream out;
  private final SplittableRandom rng;
  private long slots;
  private long brokenAt;
  private boolean pending;
  private long records;
  private long malformed;
  /** Bytes written so far, uncompressed: the byte offset the next line starts at (what a line reader reports). */
  private long offset;
  private long lastOffset = -1;

  FeedFile(Path dir, String source, String dt, String name, String header, LineShape shape, boolean insertMode, long seed) {
    this.source = source;
    this.dt = dt;
    this.name = name;
    this.shape = shape;
    this.insertMode = insertMode;
    this.rng = Seeds.rng(seed, Seeds.FILE, (source + "/" + name).hashCode(), dt.hashCode());
    this.brokenAt = rng.nextInt(BLOCK);
    Path file = dir.resolve(name);
    try {
      Files.createDirectories(dir);
      OutputStream raw = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
      this.out = name.endsWith(".gz") ? new BufferedOutputStream(new GZIPOutputStream(raw, 1 << 16), 1 << 16) : raw;
      if (header != null) {
        line(LineShape.utf8(header));
      }
    } catch (IOException e) {
      throw new DmpException("Cannot generate a world: cannot write a landing file (" + file + ")", e);
    }
  }

  /** Writes one record; true when it was written intact (its identifiers count), false when broken. */
  boolean write(String... fields) {
    return write(false, fields);
  }

  /** A record a planted use case depends on: never the broken one (the break moves to the next record). */
  boolean writeProtected(String... fields) {
    return write(true, fields);
  }

  private boolean write(boolean protect, String[] fields) {
    if (slots == brokenAt) {
      pending = true;
    }
    slots++;
    if (slots % BLOCK == 0) {
      brokenAt = slots + rng.nextInt(BLOCK);
    }
    boolean broken = pending && !protect;
    if (broken) {
      pending = false;
      malformed++;
      records++;
      line(shape.broken(fields, rng));
      if (!insertMode) {
        return false;
      }
    }
    records++;
    lastOffset = offset;
    line(LineShape.utf8(shape.format(fields)));
    return true;
  }

  /**
   * The uncompressed byte offset of the last record written intact: with the file's path under the landing
   * root, its bronze {@code record_id} ({@code <source>/dt=<dt>/<name>:<offset>}).
   */
  String lastRecordId() {
    return source + "/dt=" + dt + "/" + name + ":" + lastOffset;
  }

  private void line(byte[] bytes) {
    try {
      out.write(bytes);
      out.write('\n');
      offset += bytes.length + 1;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  long records() {
    return records;
  }

  long malformed() {
    return malformed;
  }

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new DmpException("Cannot generate a world: cannot close a landing file (" + source + "/" + name + ")", e);
    }
  }
}
