package org.opendmp.jobs.generate;

import java.util.ArrayList;
import java.util.List;

/**
 * partner_data/: each data provider's segments for every uid it has synced with us, and its taxonomy.
 * dataprovider_a (2nd party) knows age band, CSP and region fairly well; dataprovider_b (3rd party) sells noisy
 * interests, and auto_intender for people who searched cars (the planted car_intender among them).
 */
final class PartnerFeed {
  static final String A = "dataprovider_a";
  static final String B = "dataprovider_b";
  private static final String[][] AGE_BANDS = {
    {"age_18_24", "Âge 18-24 ans"}, {"age_25_34", "Âge 25-34 ans"}, {"age_35_44", "Âge 35-44 ans"},
    {"age_45_54", "Âge 45-54 ans"}, {"age_55_64", "Âge 55-64 ans"}, {"age_65_plus", "Âge 65 ans et plus"}
  };
  private static final String[] INTEREST_NAMES = {
    "Passionnés automobile", "Maison et décoration", "Mode", "High-tech", "Sport", "Jardin"
  };

  private PartnerFeed() {}

  static void write(World w, Day day) {
    taxonomy(w, day);
    FeedFile a = w.landing.open("partner_data/" + A, day, "segments.tsv.gz", null, LineShape.segments());
    FeedFile b = w.landing.open("partner_data/" + B, day, "segments.tsv", null, LineShape.segments());
    int today = (int) day.date.toEpochDay();
    for (Person p : w.people) {
      for (Device d : p.devices) {
        if (d.owner != p.id) {
          continue;
        }
        if ((d.everSynced & Device.PARTNER_A) != 0) {
          String segs = segmentsA(w.seed, p, d, today);
          if (!segs.isEmpty() && a.write(w.values.partnerA(d.owner, d.slot), segs)) {
            w.ids.seen(IdType.PARTNER_A.key(d.owner, d.slot), -1);
          }
        }
        if ((d.everSynced & Device.PARTNER_B) != 0) {
          String segs = segmentsB(w.seed, p, d, day.index);
          if (!segs.isEmpty() && b.write(w.values.partnerB(d.owner, d.slot), segs)) {
            w.ids.seen(IdType.PARTNER_B.key(d.owner, d.slot), -1);
          }
        }
      }
    }
  }

  private static String segmentsA(long seed, Person p, Device d, int today) {
    long h = Seeds.hash(seed, Seeds.PARTNER, p.id, d.slot, 1);
    boolean full = p.carIntentDay >= 0;
    List<String> s = new ArrayList<>(3);
    if (full || Seeds.unit(h) < 0.8) {
      int band = ageBand((today - p.birthDay) / 365);
      if (!full && Seeds.unit(Seeds.mix(h + 1)) < 0.05) {
        band = Math.max(0, Math.min(5, band + (band == 5 ? -1 : 1))); // a 2nd party is not always right
      }
      s.add(AGE_BANDS[band][0]);
    }
    if (full || Seeds.unit(Seeds.mix(h + 2)) < 0.6) {
      s.add("csp_" + FrenchData.CSP[p.csp][0]);
    }
    if (full || Seeds.unit(Seeds.mix(h + 3)) < 0.9) {
      s.add("region_" + p.cityRow()[2]);
    }
    return String.join(",", s);
  }

  private static String segmentsB(long seed, Person p, Device d, int dayIndex) {
    long h = Seeds.hash(seed, Seeds.PARTNER, p.id, d.slot, 2);
    List<String> s = new ArrayList<>(3);
    if (Seeds.unit(h) < 0.6) {
      s.add("int_" + Products.CATEGORIES[p.interest]);
    }
    if (Seeds.unit(Seeds.mix(h + 1)) < 0.3) {
      String other = "int_" + Products.CATEGORIES[(int) ((Seeds.mix(h + 2) >>> 1) % Products.CATEGORIES.length)];
      if (!s.contains(other)) {
        s.add(other);
      }
    }
    boolean intent = (p.carIntentDay >= 0 && p.carIntentDay <= dayIndex)
        || (p.interest == Products.CARS && Seeds.unit(Seeds.mix(h + 3)) < 0.25) || Seeds.unit(Seeds.mix(h + 4)) < 0.02;
    if (intent) {
      s.add("auto_intender");
    }
    return String.join(",", s);
  }

  private static int ageBand(int age) {
    return age < 25 ? 0 : age < 35 ? 1 : age < 45 ? 2 : age < 55 ? 3 : age < 65 ? 4 : 5;
  }

  private static void taxonomy(World w, Day day) {
    String header = "segment_code,segment_name,category";
    LineShape shape = LineShape.csv(',', 3, -1, LineShape.TimeStyle.ISO);
    FeedFile a = w.landing.openInsertMode("partner_data/" + A, day, "taxonomy.csv", header, shape);
    for (String[] band : AGE_BANDS) {
      a.write(band[0], band[1], "age_band");
    }
    for (String[] csp : FrenchData.CSP) {
      a.write("csp_" + csp[0], csp[1], "csp");
    }
    for (String[] region : FrenchData.REGIONS) {
      a.write("region_" + region[0], region[1], "region");
    }
    FeedFile b = w.landing.openInsertMode("partner_data/" + B, day, "taxonomy.csv", header, shape);
    for (int c = 0; c < Products.CATEGORIES.length; c++) {
      b.write("int_" + Products.CATEGORIES[c], INTEREST_NAMES[c], "interest");
    }
    b.write("auto_intender", "Intentionnistes achat automobile", "interest");
  }
}
