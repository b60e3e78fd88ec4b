package org.opendmp.common.consent;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The consent purposes and the web consent signal. A purpose is what a person agreed (or refused) their data be
 * used for; the CRM states email, sms, postal and ads, the site's consent banner states analytics, ads and
 * data_sharing (and may state the others).
 *
 * <p>The signal is what the consent banner sends when a visitor saves their choice: a comma-separated list of
 * {@code purpose:1} (granted) or {@code purpose:0} (refused), e.g. {@code analytics:1,ads:0,data_sharing:0}. Purposes
 * left out are not stated.
 */
public final class Consents {
  /** Every purpose, in the order of gold.profiles' consent columns. */
  public static final List<String> PURPOSES = List.of("email", "sms", "postal", "ads", "analytics", "data_sharing");

  private Consents() {}

  /**
   * The choices of a signal, in its order.
   *
   * @throws IllegalArgumentException with a reason naming the bad part, for an empty signal, an unknown purpose, a
   *     value other than 0/1 or a purpose stated twice
   */
  public static Map<String, Boolean> parseSignal(String signal) {
    if (signal == null || signal.isBlank()) {
      throw new IllegalArgumentException("empty consent signal");
    }
    Map<String, Boolean> out = new LinkedHashMap<>();
    for (String part : signal.split(",", -1)) {
      int colon = part.indexOf(':');
      String purpose = colon < 0 ? part : part.substring(0, colon);
      String value = colon < 0 ? "" : part.substring(colon + 1);
      if (!PURPOSES.contains(purpose)) {
        throw new IllegalArgumentException("unknown consent purpose '" + purpose + "' (expected one of " + String.join(", ", PURPOSES) + ")");
      }
      if (!value.equals("0") && !value.equals("1")) {
        throw new IllegalArgumentException("consent for " + purpose + " must be 0 or 1, got '" + value + "'");
      }
      if (out.put(purpose, value.equals("1")) != null) {
        throw new IllegalArgumentException("consent for " + purpose + " stated twice");
      }
    }
    return out;
  }
}
