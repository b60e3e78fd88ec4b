package org.opendmp.common.ids;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Normalisation of identifiers, in one place (DESIGN.md §3): every job and the generator call these, so that an
 * identifier has exactly one form in the lake. Emails and phones are returned as SHA-256 hex of their normalised
 * form, the form ad platforms expect. Every method returns null for junk, never an identifier.
 */
public final class Identifiers {
  /** Values that people and systems write when there is no identifier. */
  private static final Set<String> JUNK =
      Set.of("", "-", "null", "none", "nil", "0", "anonymous", "undefined", "unknown", "n/a", "na");

  private static final Pattern ALL_ZEROS = Pattern.compile("[0\\-]+");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  private Identifiers() {}

  /** True when the value is one of the well-known junk values (case-insensitive, trimmed) or all zeros. */
  public static boolean isJunk(String value) {
    if (value == null) {
      return true;
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    return JUNK.contains(v) || ALL_ZEROS.matcher(v).matches();
  }

  /** A cookie, ad cookie, maid, loyalty card, crm id or partner uid: trimmed; null when junk. */
  public static String plain(String value) {
    return isJunk(value) ? null : value.trim();
  }

  /** A site login: trimmed and lower-cased (logins are case-insensitive); null when junk. */
  public static String login(String value) {
    return isJunk(value) ? null : value.trim().toLowerCase(Locale.ROOT);
  }

  /** The normalised email (trimmed, lower-cased), or null when junk or not shaped like an email. */
  public static String normalizeEmail(String email) {
    if (isJunk(email)) {
      return null;
    }
    String e = email.trim().toLowerCase(Locale.ROOT);
    return EMAIL.matcher(e).matches() ? e : null;
  }

  /** SHA-256 hex of the normalised email, or null. */
  public static String emailSha256(String email) {
    String e = normalizeEmail(email);
    return e == null ? null : sha256Hex(e);
  }

  /**
   * The phone in E.164 (+33612345678), or null when it cannot be one. Accepts spaces, dots, dashes and
   * parentheses, the international prefix {@code 00}, and national numbers with a trunk {@code 0} that are read
   * in the default country.
   */
  public static String normalizePhone(String phone, String defaultCountry) {
    if (isJunk(phone)) {
      return null;
    }
    String p = phone.trim().replaceAll("[\\s.\\-()/]", "");
    String digits;
    if (p.startsWith("+")) {
      digits = p.substring(1);
    } else if (p.startsWith("00")) {
      digits = p.substring(2);
    } else if (p.startsWith("0")) {
      digits = callingCode(defaultCountry) + p.substring(1);
    } else {
      return null;
    }
    if (!digits.chars().allMatch(Character::isDigit) || digits.length() < 8 || digits.length() > 15) {
      return null;
    }
    // "+33 (0)6 ..." is a common way of writing a French number: drop the trunk zero after the country code.
    String cc = callingCode(defaultCountry);
    if (digits.startsWith(cc + "0")) {
      digits = cc + digits.substring(cc.length() + 1);
    }
    return "+" + digits;
  }

  /** SHA-256 hex of the E.164 phone, or null. */
  public static String phoneSha256(String phone, String defaultCountry) {
    String p = normalizePhone(phone, defaultCountry);
    return p == null ? null : sha256Hex(p);
  }

  /** An email hash received from elsewhere (a URL's {@code eh=}): lower-cased if it is SHA-256 hex, else null. */
  public static String sha256HexOrNull(String value) {
    if (value == null) {
      return null;
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    return SHA256_HEX.matcher(v).matches() && !ALL_ZEROS.matcher(v).matches() ? v : null;
  }

  /** SHA-256 of the UTF-8 bytes, as 64 lower-case hex characters. */
  public static String sha256Hex(String value) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }

  /** The calling code of the few countries a default can name; extend as feeds need. */
  static String callingCode(String country) {
    return switch (country == null ? "FR" : country.toUpperCase(Locale.ROOT)) {
      case "FR" -> "33";
      case "BE" -> "32";
      case "CH" -> "41";
      case "DE" -> "49";
      case "ES" -> "34";
      case "IT" -> "39";
      case "GB", "UK" -> "44";
      case "US", "CA" -> "1";
      default -> throw new IllegalArgumentException("Cannot normalise phones: unknown default country " + country);
    };
  }
}
