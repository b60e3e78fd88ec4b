package org.opendmp.jobs.identity;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.opendmp.common.config.ConfigError;

/**
 * One entry of the {@code id_types:} list of conf/identity.yaml, the guards of one identifier type. The list's
 * order is the types' priority: when a person would break a guard, links of higher-priority types are kept and
 * the weakest link is cut.
 *
 * @param type the identifier type ({@code partner_uid:*} stands for every partner)
 * @param unique a person holds at most one value of this type (two crm_ids or two logins are two people): a
 *     link that would join two values is cut and recorded as a split
 * @param maxLinks per other type, the most distinct identifiers of that type one value may be linked to within
 *     {@code window_days} (e.g. a cookie with more than one login is a shared device): above it the value is
 *     shared, and its links to that type tie households instead of persons
 * @param windowDays the window of {@code max_links}, in nights, tonight included (default 30)
 * @param blockedValues values that mean "none" for this type (on top of ingest's junk filter): never linked
 * @param blockedPatterns regexes (whole value) of such values
 */
public record IdTypeRule(
    String type, Boolean unique, Map<String, Integer> maxLinks, Integer windowDays, List<String> blockedValues,
    List<String> blockedPatterns) {
  public IdTypeRule {
    ConfigError.required(type, "type");
    checkType(type, "type");
    unique = ConfigError.orDefault(unique, false);
    maxLinks = new LinkedHashMap<>(ConfigError.orDefault(maxLinks, Map.of()));
    for (Map.Entry<String, Integer> e : maxLinks.entrySet()) {
      checkType(e.getKey(), "max_links");
      ConfigError.inRange(ConfigError.required(e.getValue(), "max_links." + e.getKey()), 1, 1_000_000, "max_links." + e.getKey());
    }
    windowDays = ConfigError.inRange(ConfigError.orDefault(windowDays, 30), 1, 3660, "window_days");
    blockedValues = List.copyOf(ConfigError.orDefault(blockedValues, List.of()));
    blockedPatterns = List.copyOf(ConfigError.orDefault(blockedPatterns, List.of()));
    for (String p : blockedPatterns) {
      try {
        Pattern.compile(p);
      } catch (PatternSyntaxException e) {
        throw new ConfigError("blocked_patterns", "has an invalid regex '" + p + "': " + e.getDescription());
      }
    }
  }

  /** Whether an identifier type is this entry's ({@code partner_uid:*} covers every partner). */
  public boolean covers(String idType) {
    return type.endsWith("*") ? idType.startsWith(type.substring(0, type.length() - 1)) : type.equals(idType);
  }

  /** The SQL LIKE pattern of the type. */
  String likePattern() {
    return type.replace("*", "%");
  }

  private static void checkType(String t, String key) {
    if (!IdentityConfig.ID_TYPES.contains(t)) {
      throw new ConfigError(key, "has an unknown identifier type '" + t + "' (expected one of: " + new TreeSet<>(IdentityConfig.ID_TYPES) + ")");
    }
  }
}
