package org.opendmp.jobs.identity.probabilistic;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Small deterministic person records with the noise of real extracts: typos, blanks, swapped first name and
 * surname, a day or a month off in the birth date. Each person has a true id; records of one person are
 * duplicates.
 */
final class PersonsFixture {
  private PersonsFixture() {}

  static final String[] FIRST = {
    "Amelia", "Oliver", "Isla", "George", "Ava", "Harry", "Mia", "Noah", "Ivy", "Jack", "Lily", "Leo", "Grace", "Oscar",
    "Freya", "Arthur", "Emily", "Henry", "Ella", "Thomas", "Sophie", "Jacob", "Chloe", "Samuel", "Ruby", "Joseph",
    "Alice", "Daniel", "Lucy", "Elodie", "Hugo", "Camille", "Louis", "Manon", "Jules", "Lea"
  };
  static final String[] LAST = {
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright", "Thompson",
    "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "Martin", "Bernard", "Dubois",
    "Durand", "Lefebvre", "Moreau", "Laurent", "Simon", "Michel", "Garcia", "Fournier", "Girard", "Bonnet", "Dupont"
  };
  static final String[] CITY = {"London", "Leeds", "Paris", "Lyon", "Bristol", "Nantes", "Lille", "York", "Bath", "Nice"};

  /** One person's true values. */
  record Person(int id, String first, String last, LocalDate dob, String city, String email) {}

  static List<Person> people(int n, long seed) {
    Random r = new Random(seed);
    List<Person> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String f = FIRST[r.nextInt(FIRST.length)];
      String l = LAST[r.nextInt(LAST.length)];
      LocalDate dob = LocalDate.of(1940, 1, 1).plusDays(r.nextInt(365 * 65));
      String email = (f.charAt(0) + l + (10 + r.nextInt(90))).toLowerCase(Locale.ROOT) + "@" + (r.nextBoolean() ? "mail.com" : "post.fr");
      out.add(new Person(i, f, l, dob, CITY[r.nextInt(CITY.length)], email));
    }
    return out;
  }

  /** A noisy record of a person: {first_name, surname, dob, city, email}. */
  static String[] record(Person p, Random r) {
    String first = typo(p.first(), r, 0.15);
    String last = typo(p.last(), r, 0.15);
    if (r.nextDouble() < 0.15) {
      String t = first;
      first = last;
      last = t;
    }
    LocalDate dob = p.dob();
    double d = r.nextDouble();
    if (d < 0.1) {
      dob = dob.plusDays(1 + r.nextInt(20));
    } else if (d < 0.15) {
      dob = dob.plusMonths(1);
    }
    String[] v = {first, last, dob.toString(), typo(p.city(), r, 0.1), typo(p.email(), r, 0.1)};
    for (int i = 0; i < v.length; i++) {
      if (r.nextDouble() < 0.08) {
        v[i] = null;
      }
    }
    return v;
  }

  static String typo(String s, Random r, double p) {
    if (r.nextDouble() >= p || s.length() < 3) {
      return s;
    }
    int i = 1 + r.nextInt(s.length() - 2);
    return switch (r.nextInt(3)) {
      case 0 -> s.substring(0, i) + s.substring(i + 1); // deletion
      case 1 -> s.substring(0, i) + s.charAt(i + 1) + s.charAt(i) + s.substring(i + 2); // transposition
      default -> s.substring(0, i) + (char) ('a' + r.nextInt(26)) + s.substring(i + 1); // substitution
    };
  }
}
