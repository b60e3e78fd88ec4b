package org.opendmp.jobs.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Standard output without the line Delta's VACUUM prints on every call ("Deleted 4 files and directories in a total
 * of 3 directories."): an erase night vacuums each affected table, and those lines would interleave with the
 * progress of {@code nightly} and {@code demo}. What was vacuumed is reported in ops.maintenance and in the privacy
 * job's summary instead. Every other byte passes through unchanged, a line at a time.
 */
final class QuietVacuum extends OutputStream {
  private static final Pattern VACUUM_LINE = Pattern.compile("Deleted \\d+ files and directories in a total of \\d+ directories\\.\\s*");
  private static final byte[] PREFIX = "Deleted ".getBytes(StandardCharsets.US_ASCII);
  private final OutputStream out;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();

  QuietVacuum(OutputStream out) {
    this.out = out;
  }

  /** {@code stdout} wrapped, with the same encoding and auto-flush. */
  static PrintStream wrap(PrintStream stdout) {
    String encoding = System.getProperty("sun.stdout.encoding", Charset.defaultCharset().name());
    try {
      return new PrintStream(new QuietVacuum(stdout), true, encoding);
    } catch (UnsupportedEncodingException e) {
      return stdout;
    }
  }

  @Override
  public synchronized void write(int b) throws IOException {
    line.write(b);
    if (b == '\n') {
      emit();
    }
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) throws IOException {
    for (int i = off; i < off + len; i++) {
      write(b[i]);
    }
  }

  /** A partial line goes out on flush (a prompt, a progress dot), unless it may still become the vacuum line. */
  @Override
  public synchronized void flush() throws IOException {
    if (line.size() > 0 && !mayBeVacuumLine()) {
      emit();
    }
    out.flush();
  }

  @Override
  public synchronized void close() throws IOException {
    flush();
    out.close();
  }

  private boolean mayBeVacuumLine() {
    byte[] sofar = line.toByteArray();
    for (int i = 0; i < Math.min(sofar.length, PREFIX.length); i++) {
      if (sofar[i] != PREFIX[i]) {
        return false;
      }
    }
    return true;
  }

  private void emit() throws IOException {
    if (!VACUUM_LINE.matcher(line.toString(StandardCharsets.ISO_8859_1)).matches()) {
      line.writeTo(out);
    }
    line.reset();
  }
}
