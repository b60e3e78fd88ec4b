package org.opendmp.jobs.identity;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.opendmp.common.config.ConfigError;
import org.opendmp.common.config.Yaml;

/**
 * conf/identity.yaml: the deterministic link rules and the shared-device guard.
 *
 * @param rules which co-occurrences of identifier types, from which source, make a link
 * @param maxLoginsPerCookie a cookie seen with more logins in a night is shared: its cookie-login links are cut
 * @param probabilistic the probabilistic rules ({@link ProbabilisticLinks}); absent: {@link ProbabilisticConfig#DEFAULTS}
 * @param device the device-linking layer (optional: {@link DeviceConfig#DEFAULTS})
 */
public record IdentityConfig(
    List<Rule> rules, Integer maxLoginsPerCookie, ProbabilisticConfig probabilistic, DeviceConfig device) {
  /** The identifier types of DESIGN.md §3; {@code partner_uid:*} stands for every partner. */
  public static final Set<String> ID_TYPES =
      Set.of("cookie", "login", "crm_id", "email_sha256", "phone_sha256", "loyalty_card", "maid", "ad_cookie", "partner_uid:*");

  public IdentityConfig {
    rules = List.copyOf(ConfigError.required(rules, "rules"));
    maxLoginsPerCookie = ConfigError.inRange(ConfigError.orDefault(maxLoginsPerCookie, 1), 1, 1000, "max_logins_per_cookie");
    probabilistic = ConfigError.orDefault(probabilistic, ProbabilisticConfig.DEFAULTS);
    device = ConfigError.orDefault(device, DeviceConfig.DEFAULTS);
    Set<String> names = new HashSet<>();
    for (Rule r : rules) {
      if (!names.add(r.name())) {
        throw new ConfigError("rules." + r.name(), "is declared twice");
      }
    }
  }

  /** One rule: a name (kept on every link it makes), an observation source and two identifier types. */
  public record Rule(String name, String source, List<String> types) {
    public Rule {
      ConfigError.required(name, "name");
      ConfigError.required(source, "source");
      types = List.copyOf(ConfigError.required(types, "types"));
      if (types.size() != 2) {
        throw new ConfigError("types", "must name two identifier types, got " + types);
      }
      for (String t : types) {
        if (!ID_TYPES.contains(t)) {
          throw new ConfigError("types", "has an unknown identifier type '" + t + "' (expected one of: " + new java.util.TreeSet<>(ID_TYPES) + ")");
        }
      }
    }
  }

  public static IdentityConfig load(Path file) {
    return Yaml.load(file, IdentityConfig.class);
  }
}
