package org.opendmp.jobs.ingest;

import java.util.regex.Pattern;

/**
 * Masks contact data in rejected raw lines, which are kept for diagnosis: an email, a phone number or a name
 * must not survive into a rejects table. Emails and phone-like digit runs are masked in every feed; in feeds
 * that carry names and addresses, every word is reduced to its first letter.
 */
final class Masking {
  private static final Pattern EMAIL = Pattern.compile("[\\p{L}\\p{N}._%+\\-]+@[\\p{L}\\p{N}.\\-]+");
  private static final Pattern PHONE = Pattern.compile("\\+?\\d[\\d .\\-()]{7,}\\d");
  private static final Pattern WORD = Pattern.compile("(\\p{L})\\p{L}+");
  static final int MAX_RAW = 2000;

  private Masking() {}

  static String mask(String raw, boolean holdsContactData) {
    String s = raw.length() > MAX_RAW ? raw.substring(0, MAX_RAW) + "...[truncated]" : raw;
    // Placeholders without letters first, so that masking words cannot touch them.
    s = EMAIL.matcher(s.replace('\u0001', ' ').replace('\u0002', ' ')).replaceAll("\u0001");
    s = PHONE.matcher(s).replaceAll("\u0002");
    if (holdsContactData) {
      s = WORD.matcher(s).replaceAll("$1*");
    }
    return s.replace("\u0001", "<email>").replace("\u0002", "<phone>");
  }

  /** Why a line cannot be a record whatever its feed, or null: empty, not UTF-8, binary. */
  static String unreadable(String line) {
    if (line.isBlank()) {
      return "empty line";
    }
    if (line.indexOf('\uFFFD') >= 0) {
      return "invalid UTF-8 (wrong encoding?)";
    }
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c < 0x20 && c != '\t' || c == 0x7f) {
        return "binary or control characters";
      }
    }
    return null;
  }
}
