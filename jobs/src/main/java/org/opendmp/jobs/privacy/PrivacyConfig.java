package org.opendmp.jobs.privacy;

import java.nio.file.Path;
import org.opendmp.common.config.ConfigError;
import org.opendmp.common.config.Yaml;

/**
 * conf/privacy.yaml: how the nightly {@code privacy} job handles erase and access requests (README "Privacy").
 * Emails and phones of requests are normalised with conf/ingest.yaml's rules (default country, junk values), so a
 * request finds the hash ingestion wrote.
 *
 * @param maxRequests a request file with more rows stops the night (a runaway export, not requests): 1..100000,
 *     default 1000
 * @param maxIdentifiersPerPerson an erase or access whose person holds more identifiers is rejected with that reason
 *     instead of removing them: a component that large is a shared device or a bad link, not one person (1..100000,
 *     default 500)
 * @param vacuum after an erase, VACUUM the affected tables with zero retention and scrub their _delta_log of the
 *     removed files' statistics, so that no file keeps the person's values (default true; false only to debug: the
 *     values stay in the removed files until the maintenance job's vacuum)
 */
public record PrivacyConfig(Integer maxRequests, Integer maxIdentifiersPerPerson, Boolean vacuum) {

  public PrivacyConfig {
    maxRequests = ConfigError.inRange(ConfigError.orDefault(maxRequests, 1000), 1, 100_000, "max_requests");
    maxIdentifiersPerPerson =
        ConfigError.inRange(ConfigError.orDefault(maxIdentifiersPerPerson, 500), 1, 100_000, "max_identifiers_per_person");
    vacuum = ConfigError.orDefault(vacuum, true);
  }

  /** The defaults (no file). */
  public static PrivacyConfig defaults() {
    return new PrivacyConfig(null, null, null);
  }

  public static PrivacyConfig load(Path file) {
    return Yaml.load(file, PrivacyConfig.class);
  }
}
