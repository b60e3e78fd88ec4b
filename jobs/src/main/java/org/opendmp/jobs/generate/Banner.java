package org.opendmp.jobs.generate;

/**
 * The site's consent banner: what each person answers when a new cookie of theirs first visits the site. The choice
 * is the person's own, decided by (seed, person, purpose) alone, so every cookie of a person tells the same and the
 * truth can say it without replaying the visits.
 */
final class Banner {
  /** The banner's purposes, in signal order, with the share of people who accept each. */
  static final String[] PURPOSES = {"analytics", "ads", "data_sharing"};
  private static final double[] ACCEPT = {0.75, 0.6, 0.3};

  private Banner() {}

  /** 1 when the person accepts the purpose (an index of {@link #PURPOSES}), else 0. */
  static int choice(long seed, Person p, int purpose) {
    return Seeds.unit(Seeds.hash(seed, Seeds.CONSENT, p.id, purpose, 0)) < ACCEPT[purpose] ? 1 : 0;
  }

  /** The signal the banner sends: {@code analytics:1,ads:0,data_sharing:0}. */
  static String signal(long seed, Person p) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < PURPOSES.length; i++) {
      s.append(i == 0 ? "" : ",").append(PURPOSES[i]).append(':').append(choice(seed, p, i));
    }
    return s.toString();
  }
}
