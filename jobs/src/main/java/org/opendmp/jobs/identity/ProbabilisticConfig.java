package org.opendmp.jobs.identity;

import org.opendmp.common.config.ConfigError;

/**
 * The {@code probabilistic:} block of conf/identity.yaml: the Fellegi-Sunter rules of the nightly
 * ({@link ProbabilisticLinks}), each with its match spec (a {@code dmp dedupe} spec file, relative to conf_dir),
 * its threshold and an on/off switch. The block and every key in it are optional.
 *
 * @param storePiiCustomer card-less named store records of the night matched to live CRM customers
 * @param crmDuplicate the night's new or changed CRM records matched to the whole live CRM (suspected duplicates)
 */
public record ProbabilisticConfig(Rule storePiiCustomer, Rule crmDuplicate) {
  public static final String STORE_SPEC = "identity_match_store.yaml";
  public static final String CRM_SPEC = "identity_match_crm.yaml";

  /** Both rules on, with the spec files above and the thresholds those files set. */
  public static final ProbabilisticConfig DEFAULTS = new ProbabilisticConfig(null, null);

  public ProbabilisticConfig {
    storePiiCustomer = Rule.withDefaults(storePiiCustomer, STORE_SPEC);
    crmDuplicate = Rule.withDefaults(crmDuplicate, CRM_SPEC);
  }

  /**
   * One probabilistic rule.
   *
   * @param enabled whether the rule runs (default true)
   * @param spec the match spec file, relative to conf_dir (default: the rule's conventional file)
   * @param threshold match probability at or above which a pair is linked; absent: the spec file's threshold
   */
  public record Rule(Boolean enabled, String spec, Double threshold) {
    public Rule {
      enabled = ConfigError.orDefault(enabled, true);
      if (spec != null && spec.isBlank()) {
        throw new ConfigError("spec", "must name a match spec file (relative to conf_dir), got an empty value");
      }
      if (threshold != null && !(threshold > 0 && threshold < 1)) {
        throw new ConfigError("threshold", "must be a probability above 0 and below 1, got " + threshold);
      }
    }

    static Rule withDefaults(Rule r, String defaultSpec) {
      Rule given = r == null ? new Rule(null, null, null) : r;
      return new Rule(given.enabled(), given.spec() == null ? defaultSpec : given.spec(), given.threshold());
    }
  }
}
