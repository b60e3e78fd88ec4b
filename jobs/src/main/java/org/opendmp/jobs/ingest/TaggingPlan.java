package org.opendmp.jobs.ingest;

import java.io.Serializable;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.opendmp.common.config.ConfigError;
import org.opendmp.common.config.Yaml;
import org.opendmp.common.consent.Consents;
import org.opendmp.common.ids.Identifiers;

/**
 * conf/tagging.yaml: the tagging plan that turns a URL into an event type and its fields, like the plan a web
 * analytics team maintains. Rules are tried in order; the first whose path regex matches wins. Fields come from
 * the regex's named groups and from query parameters. A URL carrying the email-hash parameter is an email
 * click-through whatever its path.
 *
 * @param assetPattern regex of static-asset paths (images, scripts): event type {@code asset}
 * @param emailHashParam query parameter holding the SHA-256 of the clicker's email
 * @param campaignParam query parameter holding the campaign
 * @param rules the URL rules, in order
 */
public record TaggingPlan(String assetPattern, String emailHashParam, String campaignParam, List<Rule> rules)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Fields a rule may fill. */
  public static final Set<String> FIELDS = Set.of("sku", "category", "search_query", "order_id", "amount", "consent");

  public TaggingPlan {
    ConfigError.required(rules, "rules");
    assetPattern = ConfigError.orDefault(assetPattern, "\\.(png|jpe?g|gif|css|js|ico|svg|woff2?|ttf|eot|map)$");
    emailHashParam = ConfigError.orDefault(emailHashParam, "eh");
    campaignParam = ConfigError.orDefault(campaignParam, "utm_campaign");
    compile(assetPattern, "asset_pattern");
    rules = List.copyOf(rules);
  }

  /** One URL rule: an event type, a path regex with optional named groups, and query parameters to read. */
  public record Rule(String event, String path, Map<String, String> params) implements Serializable {
    private static final long serialVersionUID = 1L;

    public Rule {
      ConfigError.required(event, "event");
      ConfigError.required(path, "path");
      params = Map.copyOf(ConfigError.orDefault(params, Map.of()));
      Pattern p = compile(path, "path");
      for (String field : params.keySet()) {
        if (!FIELDS.contains(field)) {
          throw new ConfigError("params." + field, "is not an event field (expected one of: " + new java.util.TreeSet<>(FIELDS) + ")");
        }
      }
      for (String group : namedGroups(p)) {
        if (!FIELDS.contains(group)) {
          throw new ConfigError("path", "names a group '" + group + "' that is not an event field (expected one of: " + new java.util.TreeSet<>(FIELDS) + ")");
        }
      }
    }
  }

  public static TaggingPlan load(Path file) {
    return Yaml.load(file, TaggingPlan.class);
  }

  /** What a URL means. */
  public record Tag(
      String eventType, String sku, String category, String searchQuery, String orderId, BigDecimal amount,
      String emailSha256, String campaign, String consent) {}

  /** Classifies a URL (path and query). Throws {@link Fields.BadField} for a purchase with a bad amount. */
  public Tag tag(String url) {
    int q = url.indexOf('?');
    String path = q < 0 ? url : url.substring(0, q);
    Map<String, String> query = q < 0 ? Map.of() : query(url.substring(q + 1));
    String emailHash = Identifiers.sha256HexOrNull(query.get(emailHashParam));
    String campaign = query.get(campaignParam);
    if (emailHash != null) {
      return new Tag("email_click", null, null, null, null, null, emailHash, campaign, null);
    }
    if (compiled(assetPattern).matcher(path).find()) {
      return new Tag("asset", null, null, null, null, null, null, campaign, null);
    }
    for (Rule r : rules) {
      Matcher m = compiled(r.path()).matcher(path);
      if (m.find()) {
        Map<String, String> f = new HashMap<>();
        for (String g : namedGroups(m.pattern())) {
          f.put(g, decode(m.group(g)));
        }
        r.params().forEach((field, param) -> f.put(field, query.get(param)));
        return new Tag(
            r.event(), f.get("sku"), f.get("category"), f.get("search_query"), f.get("order_id"),
            Fields.amount(f.get("amount"), "amount", false), null, campaign, consentSignal(f.get("consent")));
      }
    }
    return new Tag("page_view", null, null, null, null, null, null, campaign, null);
  }

  /** A consent banner's signal, checked here so that a bad one is a reject row, not a silent non-statement. */
  private static String consentSignal(String signal) {
    if (signal == null) {
      return null;
    }
    try {
      Consents.parseSignal(signal);
    } catch (IllegalArgumentException e) {
      throw new Fields.BadField("bad consent signal: " + e.getMessage());
    }
    return signal;
  }

  static Map<String, String> query(String query) {
    Map<String, String> out = new HashMap<>();
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.putIfAbsent(pair.substring(0, eq), decode(pair.substring(eq + 1)));
      }
    }
    return out;
  }

  static String decode(String v) {
    if (v == null) {
      return null;
    }
    try {
      return URLDecoder.decode(v, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return v; // a stray '%' in a real URL: keep the text as sent
    }
  }

  private static final Map<String, Pattern> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

  private static Pattern compiled(String regex) {
    return CACHE.computeIfAbsent(regex, Pattern::compile);
  }

  private static Pattern compile(String regex, String key) {
    try {
      return compiled(regex);
    } catch (PatternSyntaxException e) {
      throw new ConfigError(key, "is not a valid regex: " + e.getDescription());
    }
  }

  private static List<String> namedGroups(Pattern p) {
    List<String> out = new java.util.ArrayList<>();
    Matcher m = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9_]*)>").matcher(p.pattern());
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }
}
