package org.opendmp.jobs.generate;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Values as people and cashiers type them: casing, accents dropped or added, extra spaces, typos, phone
 * formats. Identifier-bearing values (emails, phones) only vary in ways that normalise to the same identifier;
 * a different identifier (a typo in a mail domain) is chosen explicitly by the caller, so the truth knows it.
 */
final class Typing {
  private Typing() {}

  static String name(String name, SplittableRandom r) {
    double u = r.nextDouble();
    if (u < 0.45) {
      return name;
    } else if (u < 0.60) {
      return name.toUpperCase(Locale.ROOT);
    } else if (u < 0.70) {
      return FrenchData.stripAccents(name).toUpperCase(Locale.ROOT);
    } else if (u < 0.82) {
      return FrenchData.stripAccents(name);
    } else if (u < 0.87) {
      return name.toLowerCase(Locale.ROOT);
    } else if (u < 0.92) {
      return spaces(name, r);
    } else if (u < 0.96) {
      return typo(name, r);
    }
    return addAccent(name, r);
  }

  /** What a cashier types without a loyalty card: capitals, often without accents, sometimes a typo. */
  static String cashier(String name, SplittableRandom r) {
    String s = r.nextDouble() < 0.6 ? FrenchData.stripAccents(name) : name;
    s = r.nextDouble() < 0.7 ? s.toUpperCase(Locale.ROOT) : s;
    return r.nextDouble() < 0.06 ? typo(s, r) : s;
  }

  static String postcode(String postcode, SplittableRandom r) {
    double u = r.nextDouble();
    if (u < 0.03) {
      char[] c = postcode.toCharArray();
      int i = 1 + r.nextInt(c.length - 2);
      char t = c[i];
      c[i] = c[i + 1];
      c[i + 1] = t;
      return new String(c);
    }
    return u < 0.05 ? " " + postcode : postcode;
  }

  static String spaces(String s, SplittableRandom r) {
    return switch (r.nextInt(3)) {
      case 0 -> " " + s;
      case 1 -> s + "  ";
      default -> s.contains(" ") ? s.replaceFirst(" ", "  ") : s + " ";
    };
  }

  /** Swaps two letters, drops one or doubles one. */
  static String typo(String s, SplittableRandom r) {
    if (s.length() < 3) {
      return s + s.charAt(s.length() - 1);
    }
    int i = 1 + r.nextInt(s.length() - 2);
    return switch (r.nextInt(3)) {
      case 0 -> s.substring(0, i) + s.charAt(i + 1) + s.charAt(i) + s.substring(i + 2);
      case 1 -> s.substring(0, i) + s.substring(i + 1);
      default -> s.substring(0, i) + s.charAt(i) + s.substring(i);
    };
  }

  /** "Dupre" typed "Dupré": an accent where there is none. */
  static String addAccent(String s, SplittableRandom r) {
    int from = 1 + r.nextInt(Math.max(1, s.length() - 1));
    int i = s.indexOf('e', from);
    if (i < 0) {
      i = s.indexOf('e', 1);
    }
    return i < 0 ? s : s.substring(0, i) + (r.nextBoolean() ? 'é' : 'è') + s.substring(i + 1);
  }

  /** An email as typed: case and surrounding spaces only (it normalises to the same address). */
  static String email(String email, SplittableRandom r) {
    double u = r.nextDouble();
    if (u < 0.70) {
      return email;
    } else if (u < 0.85) {
      return Character.toUpperCase(email.charAt(0)) + email.substring(1);
    } else if (u < 0.92) {
      return email.toUpperCase(Locale.ROOT);
    }
    return r.nextBoolean() ? " " + email : email + " ";
  }

  /** A French number as typed, from its E.164 form (+33612345678). */
  static String phone(String e164, SplittableRandom r) {
    return phone(e164, r.nextInt(8));
  }

  static String phone(String e164, int format) {
    String n = e164.substring(3); // 612345678
    String pairs = n.charAt(0) + " " + n.substring(1, 3) + " " + n.substring(3, 5) + " " + n.substring(5, 7) + " " + n.substring(7, 9);
    return switch (format) {
      case 0 -> "0" + pairs;
      case 1 -> e164;
      case 2 -> "0033 " + pairs;
      case 3 -> ("0" + pairs).replace(' ', '.');
      case 4 -> "0" + n;
      case 5 -> "+33 " + pairs;
      case 6 -> "+33 (0)" + pairs;
      default -> ("0" + pairs).replace(' ', '-');
    };
  }

  static String street(int number, String street, SplittableRandom r) {
    double u = r.nextDouble();
    String s = number + " " + street;
    if (u < 0.55) {
      return s;
    } else if (u < 0.68) {
      return FrenchData.stripAccents(s).toUpperCase(Locale.ROOT);
    } else if (u < 0.78) {
      return number + ", " + street;
    } else if (u < 0.86) {
      return s.replace("rue ", "r. ").replace("avenue ", "av. ").replace("boulevard ", "bd ");
    } else if (u < 0.93) {
      return spaces(s, r);
    }
    return typo(s, r);
  }

  static String city(String city, SplittableRandom r) {
    double u = r.nextDouble();
    if (u < 0.6) {
      return city;
    } else if (u < 0.85) {
      return FrenchData.stripAccents(city).toUpperCase(Locale.ROOT);
    }
    return FrenchData.stripAccents(city);
  }
}
