package org.opendmp.jobs.ingest;

import java.io.Serializable;

/**
 * Parses one landing record (a line) into the values of its bronze columns, or says why it cannot. Parsers are
 * pure and serializable: they run on executors, one line at a time, and never throw on bad input.
 */
@FunctionalInterface
public interface LineParser extends Serializable {

  /**
   * @param line the record, without its line terminator
   * @param fileName the file's name (some feeds encode the record kind or a partner in it)
   */
  Parsed parse(String line, String fileName);

  /** The values in the order of the file kind's parse schema, or a reject reason. */
  record Parsed(Object[] values, String rejectReason) {
    public static Parsed ok(Object... values) {
      return new Parsed(values, null);
    }

    public static Parsed reject(String reason) {
      return new Parsed(null, reason);
    }

    public boolean rejected() {
      return rejectReason != null;
    }
  }
}
