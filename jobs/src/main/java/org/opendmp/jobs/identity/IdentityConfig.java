package org.opendmp.jobs.identity;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.opendmp.common.config.ConfigError;
import org.opendmp.common.config.Yaml;

/**
 * conf/identity.yaml: the deterministic link rules, the guards per identifier type and the person size cap.
 *
 * @param rules which co-occurrences of identifier types, from which source, make a link
 * @param idTypes the guards of each identifier type, in priority order (strongest first); a type not listed
 *     has no guard and the lowest priority
 * @param maxPersonSize a person never grows beyond this many identifiers: the links that would make it larger
 *     are cut, weakest first, and recorded as splits (the giant-component guard)
 * @param probabilistic the probabilistic rules ({@link ProbabilisticLinks}); absent: {@link ProbabilisticConfig#DEFAULTS}
 * @param device the device-linking layer (optional: {@link DeviceConfig#DEFAULTS})
 */
public record IdentityConfig(
    List<Rule> rules, List<IdTypeRule> idTypes, Integer maxPersonSize, ProbabilisticConfig probabilistic, DeviceConfig device) {
  /** The identifier types of DESIGN.md §3; {@code partner_uid:*} stands for every partner. */
  public static final Set<String> ID_TYPES =
      Set.of("cookie", "login", "crm_id", "email_sha256", "phone_sha256", "loyalty_card", "maid", "ad_cookie", "partner_uid:*");

  public IdentityConfig {
    rules = List.copyOf(ConfigError.required(rules, "rules"));
    idTypes = List.copyOf(ConfigError.orDefault(idTypes, List.of()));
    maxPersonSize = ConfigError.inRange(ConfigError.orDefault(maxPersonSize, 200), 2, 1_000_000, "max_person_size");
    probabilistic = ConfigError.orDefault(probabilistic, ProbabilisticConfig.DEFAULTS);
    device = ConfigError.orDefault(device, DeviceConfig.DEFAULTS);
    Set<String> names = new HashSet<>();
    for (Rule r : rules) {
      if (!names.add(r.name())) {
        throw new ConfigError("rules." + r.name(), "is declared twice");
      }
    }
    Set<String> types = new HashSet<>();
    for (IdTypeRule t : idTypes) {
      if (!types.add(t.type())) {
        throw new ConfigError("id_types." + t.type(), "is declared twice");
      }
    }
  }

  /** The guard entry of an identifier type, or null when it has none. */
  public IdTypeRule guardOf(String idType) {
    return idTypes.stream().filter(t -> t.covers(idType)).findFirst().orElse(null);
  }

  /** A type's priority: its position in {@code id_types} (0 is the strongest); unlisted types come last. */
  public int priorityOf(String idType) {
    for (int i = 0; i < idTypes.size(); i++) {
      if (idTypes.get(i).covers(idType)) {
        return i;
      }
    }
    return idTypes.size();
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
