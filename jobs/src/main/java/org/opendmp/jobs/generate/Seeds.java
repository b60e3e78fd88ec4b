package org.opendmp.jobs.generate;

import java.util.SplittableRandom;

/**
 * Every random choice of the world comes from a generator seeded by (world seed, stream, a, b, c), e.g. (seed,
 * DAY, day, person). So one person's day never depends on another person, on iteration order or on threads:
 * the same spec gives the same bytes, and another seed gives another world.
 */
final class Seeds {
  static final long PERSON = 1;
  static final long HOUSEHOLD = 2;
  static final long DAY = 3;
  static final long CHURN = 4;
  static final long CRM = 5;
  static final long TYPING = 6;
  static final long PLAN = 7;
  static final long FILE = 8;
  static final long BOTS = 9;
  static final long PARTNER = 10;
  static final long IDS = 11;
  static final long DEVICE = 12;
  static final long ORDER = 13;
  static final long PUBLIC = 14;
  static final long SWITCH = 15;
  static final long CONSENT = 16;

  private Seeds() {}

  /** SplitMix64's finaliser: a cheap bijective scrambler with good avalanche. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  static long hash(long seed, long stream, long a, long b, long c) {
    long h = mix(seed + stream * 0x9E3779B97F4A7C15L);
    h = mix(h ^ (a * 0xC2B2AE3D27D4EB4FL));
    h = mix(h ^ (b * 0x165667B19E3779F9L));
    return mix(h ^ (c * 0x27D4EB2F165667C5L));
  }

  static SplittableRandom rng(long seed, long stream, long a, long b, long c) {
    return new SplittableRandom(hash(seed, stream, a, b, c));
  }

  static SplittableRandom rng(long seed, long stream, long a, long b) {
    return rng(seed, stream, a, b, 0);
  }

  /** A uniform double in [0,1) from a hash, for one-off stable attributes. */
  static double unit(long hash) {
    return (hash >>> 11) * 0x1.0p-53;
  }

  /** Poisson draw by inversion; fine for the small means used here. */
  static int poisson(SplittableRandom r, double mean) {
    double l = Math.exp(-mean);
    double p = r.nextDouble();
    int k = 0;
    double cdf = l;
    double term = l;
    while (p > cdf && k < 100) {
      k++;
      term *= mean / k;
      cdf += term;
    }
    return k;
  }

  static <T> T pick(SplittableRandom r, T[] values) {
    return values[r.nextInt(values.length)];
  }
}
