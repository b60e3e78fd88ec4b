package org.opendmp.common.ids;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@link Identifiers} plus the site's own junk list and regex and default phone country from conf. Serializable:
 * parsers carry it to executors.
 */
public final class IdNormalizer implements Serializable {
  private static final long serialVersionUID = 1L;
  private final Set<String> extraJunk;
  private final String junkRegex;
  private final String defaultCountry;
  private transient Pattern junkPattern;

  public IdNormalizer(List<String> extraJunk, String junkRegex, String defaultCountry) {
    this.extraJunk =
        extraJunk.stream().map(s -> s.trim().toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    this.junkRegex = junkRegex;
    this.defaultCountry = defaultCountry;
    Identifiers.callingCode(defaultCountry); // fails early on an unknown country
  }

  /** The built-in junk list only, phones read as French. */
  public static IdNormalizer defaults() {
    return new IdNormalizer(List.of(), null, "FR");
  }

  public boolean isJunk(String value) {
    if (Identifiers.isJunk(value)) {
      return true;
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (extraJunk.contains(v)) {
      return true;
    }
    if (junkRegex != null) {
      if (junkPattern == null) {
        junkPattern = Pattern.compile(junkRegex);
      }
      return junkPattern.matcher(value.trim()).matches();
    }
    return false;
  }

  public String plain(String v) {
    return isJunk(v) ? null : Identifiers.plain(v);
  }

  public String login(String v) {
    return isJunk(v) ? null : Identifiers.login(v);
  }

  public String emailSha256(String v) {
    return isJunk(v) ? null : Identifiers.emailSha256(v);
  }

  public String phoneSha256(String v) {
    return isJunk(v) ? null : Identifiers.phoneSha256(v, defaultCountry);
  }

  public String normalizePhone(String v) {
    return isJunk(v) ? null : Identifiers.normalizePhone(v, defaultCountry);
  }

  public String defaultCountry() {
    return defaultCountry;
  }
}
