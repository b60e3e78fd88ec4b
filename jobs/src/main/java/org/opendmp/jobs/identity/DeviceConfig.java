package org.opendmp.jobs.identity;

import org.opendmp.common.config.ConfigError;

/**
 * The {@code device:} block of conf/identity.yaml: how {@link DeviceLinks} pairs the cookies and mobile ad ids
 * of one person's devices from shared addresses, and how sure a link must be before profiles use it. Every key
 * is optional; an absent block gives {@link #DEFAULTS}.
 *
 * @param maxCookiesPerIp an address seen with more identifiers (cookies and maids) in a night is shared or
 *     public (an office, a campus, a station wifi): none of its hits makes a link
 * @param windowMinutes two identifiers co-occur when hits of both reach one address within this many minutes
 * @param threshold profiles use a device link only at or above this match_probability; below it the link is
 *     kept in silver.id_links as evidence for later nights
 * @param weights the log2 Bayes factors of the score (match_weights)
 */
public record DeviceConfig(Integer maxCookiesPerIp, Integer windowMinutes, Double threshold, Weights weights) {
  public static final DeviceConfig DEFAULTS = new DeviceConfig(null, null, null, null);

  public DeviceConfig {
    maxCookiesPerIp = ConfigError.inRange(ConfigError.orDefault(maxCookiesPerIp, 5), 2, 1000, "max_cookies_per_ip");
    windowMinutes = ConfigError.inRange(ConfigError.orDefault(windowMinutes, 30), 1, 720, "window_minutes");
    threshold = ConfigError.inRange(ConfigError.orDefault(threshold, 0.8), 0.5, 1.0, "threshold");
    weights = ConfigError.orDefault(weights, Weights.DEFAULTS);
  }

  /**
   * The score of a pair is {@code prior + ids_on_ip + co_occurrences + ips + nights} bits, its probability
   * {@code 2^w / (1 + 2^w)}. Each count beyond the first is capped at 3.
   *
   * @param prior two identifiers of different device classes on one residential line within the window
   * @param idsOnIp per identifier beyond two on the least crowded shared address (&lt;= 0: crowding is doubt)
   * @param coOccurrences per co-occurrence (address and time window) beyond the first in the night
   * @param ips per distinct shared address beyond the first in the night (home and office, say)
   * @param nights per other night with device evidence for the pair (silver.id_links, kind device); 0 turns the
   *     look-up of previous nights off
   */
  public record Weights(Double prior, Double idsOnIp, Double coOccurrences, Double ips, Double nights) {
    public static final Weights DEFAULTS = new Weights(null, null, null, null, null);

    public Weights {
      prior = ConfigError.inRange(ConfigError.orDefault(prior, 2.5), -20.0, 20.0, "prior");
      idsOnIp = ConfigError.inRange(ConfigError.orDefault(idsOnIp, -2.0), -20.0, 0.0, "ids_on_ip");
      coOccurrences = ConfigError.inRange(ConfigError.orDefault(coOccurrences, 1.0), 0.0, 20.0, "co_occurrences");
      ips = ConfigError.inRange(ConfigError.orDefault(ips, 2.0), 0.0, 20.0, "ips");
      nights = ConfigError.inRange(ConfigError.orDefault(nights, 0.0), 0.0, 20.0, "nights");
    }
  }
}
