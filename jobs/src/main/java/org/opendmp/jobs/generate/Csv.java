package org.opendmp.jobs.generate;

/** Delimited lines quoted the way LANDING.md says: with {@code "} only when a value needs it. */
final class Csv {
  private Csv() {}

  static String join(char sep, String... fields) {
    StringBuilder b = new StringBuilder(fields.length * 12);
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) {
        b.append(sep);
      }
      field(b, fields[i], sep);
    }
    return b.toString();
  }

  static void field(StringBuilder b, String v, char sep) {
    if (v == null) {
      return;
    }
    if (v.indexOf(sep) < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) {
      b.append(v);
      return;
    }
    b.append('"').append(v.replace("\"", "\"\"")).append('"');
  }
}
