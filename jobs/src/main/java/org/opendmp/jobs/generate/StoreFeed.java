package org.opendmp.jobs.generate;

/** store/: point-of-sale lines (with a loyalty card, or the name and postcode the cashier typed) and wifi logins. */
final class StoreFeed {
  static final String SOURCE = "store";
  private final FeedFile pos;
  private final FeedFile wifi;
  private final IdRegistry ids;
  private final Day day;

  StoreFeed(Landing landing, Day day, IdRegistry ids) {
    this.pos = landing.open(SOURCE, day, "pos_transactions.csv.gz",
        "transaction_id,store_id,txn_time,loyalty_card,first_name,last_name,postcode,sku,category,quantity,amount",
        LineShape.csv(',', 11, 2, LineShape.TimeStyle.ISO, 9, 10));
    this.wifi = landing.open(SOURCE, day, "wifi_logins.csv", "login_time,store_id,email,phone,maid",
        LineShape.csv(',', 5, 0, LineShape.TimeStyle.ISO));
    this.ids = ids;
    this.day = day;
  }

  /** One line of a transaction; card is null without a loyalty card (then the typed name and postcode). */
  void line(int user, String txn, String store, int sec, String card, long cardKey, String[] typed, int sku, int qty) {
    String[] f = {
      txn, store, day.isoTime(sec), card == null ? "" : card, card == null ? typed[0] : "", card == null ? typed[1] : "",
      card == null ? typed[2] : "", Products.skuCode(sku), Products.CATEGORIES[Products.category(sku)],
      Integer.toString(qty), Products.amount((long) qty * Products.priceCents(sku))
    };
    if (pos.write(f)) {
      ids.record(user, cardKey);
    }
  }

  void wifi(int user, String store, int sec, String email, String phone, long contactKey, String maid, long maidKey, boolean protect) {
    String[] f = {day.isoTime(sec), store, email, phone, maid};
    if (protect ? wifi.writeProtected(f) : wifi.write(f)) {
      ids.record(user, contactKey, maidKey);
    }
  }
}
