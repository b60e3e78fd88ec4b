package org.opendmp.jobs.generate;

import java.util.List;

/**
 * store/: point-of-sale lines (with a loyalty card, or the name and postcode the cashier typed) and wifi logins.
 * Every POS line written intact is also noted for truth/store_records.csv with its bronze record_id.
 */
final class StoreFeed {
  static final String SOURCE = "store";
  private final FeedFile pos;
  private final FeedFile wifi;
  private final IdRegistry ids;
  private final Day day;
  private final Person[] people;
  private final List<String[]> truth;

  StoreFeed(Landing landing, Day day, IdRegistry ids, Person[] people, List<String[]> truth) {
    this.pos = landing.open(SOURCE, day, "pos_transactions.csv.gz",
        "transaction_id,store_id,txn_time,loyalty_card,first_name,last_name,postcode,sku,category,quantity,amount",
        LineShape.csv(',', 11, 2, LineShape.TimeStyle.ISO, 9, 10));
    this.wifi = landing.open(SOURCE, day, "wifi_logins.csv", "login_time,store_id,email,phone,maid",
        LineShape.csv(',', 5, 0, LineShape.TimeStyle.ISO));
    this.ids = ids;
    this.day = day;
    this.people = people;
    this.truth = truth;
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
      truth.add(new String[] {pos.lastRecordId(), txn, people[user].trueId(), card == null ? "0" : "1"});
    }
  }

  void wifi(int user, String store, int sec, String email, String phone, long contactKey, String maid, long maidKey, boolean protect) {
    String[] f = {day.isoTime(sec), store, email, phone, maid};
    if (protect ? wifi.writeProtected(f) : wifi.write(f)) {
      ids.record(user, contactKey, maidKey);
    }
  }
}
