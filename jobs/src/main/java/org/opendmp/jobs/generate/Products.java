package org.opendmp.jobs.generate;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The retailer's catalogue: six categories (a person's interest is one of them), 400 SKUs each, prices, and the
 * search queries of each category. Independent of the seed: the shop is the same in every world.
 */
final class Products {
  static final String[] CATEGORIES = {"cars", "home", "fashion", "tech", "sport", "garden"};
  static final int CARS = 0;
  static final int PER_CATEGORY = 400;
  /** The car query of the car_intender use case. */
  static final String CAR_QUERY = "voiture occasion";

  private static final int[][] PRICE_RANGE = {
    {900, 45_000}, {1_500, 90_000}, {990, 19_900}, {1_990, 129_900}, {990, 89_900}, {490, 59_900}
  };
  private static final String[][] QUERIES = {
    {CAR_QUERY, "pneus hiver", "siège auto", "autoradio", "batterie voiture", "porte-vélo"},
    {"canapé d'angle", "lampe", "matelas", "cafetière", "rideaux occultants"},
    {"robe", "baskets", "manteau hiver", "jean homme", "sac à main"},
    {"smartphone", "casque bluetooth", "ordinateur portable", "télévision 55 pouces", "montre connectée"},
    {"vélo électrique", "tapis de course", "chaussures running", "raquette", "tente"},
    {"tondeuse", "salon de jardin", "barbecue", "taille-haie", "serre"}
  };

  private Products() {}

  /** A SKU number: category * 10000 + rank. */
  static int sku(int category, int rank) {
    return category * 10_000 + rank;
  }

  static int category(int sku) {
    return sku / 10_000;
  }

  static String skuCode(int sku) {
    String d = Integer.toString(sku);
    return "SKU-" + "00000".substring(d.length()) + d;
  }

  static int priceCents(int sku) {
    int[] range = PRICE_RANGE[category(sku)];
    double u = Seeds.unit(Seeds.mix(sku * 0x9E3779B97F4A7C15L));
    // most products are cheap, a few expensive; prices end in 9 or 0 cents like shelf prices
    int cents = range[0] + (int) ((range[1] - range[0]) * u * u);
    return cents / 10 * 10 + 9;
  }

  static String amount(long cents) {
    long c = cents % 100;
    return cents / 100 + (c < 10 ? ".0" : ".") + c;
  }

  static String query(int category, int i) {
    String[] q = QUERIES[category];
    return q[Math.floorMod(i, q.length)];
  }

  /** URL-encoded with + for spaces, as browsers send form queries. */
  static String encode(String query) {
    return URLEncoder.encode(query, StandardCharsets.UTF_8);
  }
}
