package org.opendmp.jobs.generate;

import java.util.SplittableRandom;

/**
 * One till receipt: 1-3 lines with the loyalty card when the customer shows it, otherwise with the name and
 * postcode the cashier typed (capitals, accents dropped, typos): the probabilistic-matching case.
 */
final class StoreTicket {
  private StoreTicket() {}

  static void write(World w, Day day, StoreFeed store, Person p, String storeId, int sec, SplittableRandom r) {
    String txn = "T" + day.compact + "-" + IdValues.hex(Seeds.hash(w.seed, Seeds.ORDER, day.index, p.id, 5), 10);
    String card = null;
    long cardKey = IdRegistry.NONE;
    CrmRecord primary = p.primary;
    CrmRecord dup = p.duplicate;
    if (p.loyaltyCard && primary != null && !primary.deleted && primary.loyaltyOrdinal == 0 && r.nextDouble() < 0.85) {
      card = w.values.loyalty(p, 0);
      cardKey = IdType.LOYALTY.key(p.id, 0);
    } else if (dup != null && !dup.deleted && dup.loyaltyOrdinal == 1 && r.nextDouble() < 0.5) {
      card = w.values.loyalty(p, 1);
      cardKey = IdType.LOYALTY.key(p.id, 1);
    }
    String[] typed = {
      Typing.cashier(p.firstName(), r), Typing.cashier(p.lastName(), r), Typing.postcode(p.cityRow()[1], r)
    };
    int lines = 1 + r.nextInt(3);
    for (int i = 0; i < lines; i++) {
      int category = r.nextDouble() < 0.6 ? p.interest : r.nextInt(Products.CATEGORIES.length);
      int sku = Products.sku(category, r.nextInt(Products.PER_CATEGORY));
      store.line(p.id, txn, storeId, sec + 20 * i, card, cardKey, typed, sku, r.nextDouble() < 0.85 ? 1 : 2);
    }
    w.crm.purchased(p, day, sec, true, r);
  }
}
