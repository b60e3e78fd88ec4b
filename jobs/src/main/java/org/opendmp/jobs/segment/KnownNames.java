package org.opendmp.jobs.segment;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.opendmp.jobs.profile.TraitsConfig;

/**
 * The one place that says which names segment rules may use, until each producing job exposes its own: traits
 * mirror conf/traits.yaml of the traits job (each trait published per window as {@code <name>_<N>d}, typed by
 * its function); scores and profile attributes are those the scores and profiles jobs are expected to publish;
 * event types and fields are those of silver.events. Reconcile here when those jobs land: derive {@link #traits()}
 * from the traits config, and the rest from the profiles and scores tables' declarations.
 */
public final class KnownNames {
  private KnownNames() {}

  /**
   * conf/traits.yaml: name, function (c count or distinct count or sum/min/max or last value of amount: a number;
   * t text value or most frequent; s first/last time: a timestamp) and windows.
   */
  private static final String[][] TRAITS = {
    {"events", "c", "1,7,30,90"},
    {"last_seen", "s", "90"},
    {"page_views", "c", "1,7,30,90"},
    {"product_views", "c", "1,7,30,90"},
    {"car_product_views", "c", "7,30"},
    {"searches", "c", "7,30"},
    {"last_search_query", "t", "30"},
    {"last_viewed_sku", "t", "7,30"},
    {"favourite_category", "t", "30,90"},
    {"distinct_categories", "c", "30,90"},
    {"cart_adds", "c", "1,7,30,90"},
    {"cart_abandons", "c", "1,7,30,90"},
    {"last_abandoned_sku", "t", "7,30"},
    {"last_abandon_time", "s", "7,30"},
    {"purchases_online", "c", "7,30,90"},
    {"store_tickets", "c", "7,30,90"},
    {"revenue_online", "c", "30,90"},
    {"revenue_store", "c", "30,90"},
    {"max_order_online", "c", "90"},
    {"last_order_amount_online", "c", "90"},
    {"first_purchase_time", "s", "90"},
    {"last_purchase_time", "s", "30,90"},
    {"store_visits", "c", "1,7,30"},
    {"last_store_visit_time", "s", "7,30"},
    {"favourite_store", "t", "90"},
    {"callcenter_appointments", "c", "7,30,90"},
    {"last_callcenter_appointment_time", "s", "90"},
    {"catalog_mailings", "c", "7,30,90"},
    {"last_catalog", "t", "90"},
    {"email_clicks", "c", "7,30,90"},
    {"last_email_campaign", "t", "30"},
    {"ad_impressions", "c", "1,7,30"},
    {"ad_clicks", "c", "7,30"},
  };

  /** The partner taxonomy categories rules may name ({@code partner.<category>}). */
  public static final Set<String> PARTNER_CATEGORIES = Set.of("age_band", "csp", "region", "interest");

  /** The model ids of the shipped conf/lookalike.yaml ({@code lookalike.<id>.<field>}). */
  public static final Set<String> LOOKALIKE_MODELS = Set.of("lal_purchasers");

  /** The catalog of the shipped conf (the trait names of the shipped conf/traits.yaml, its look-alike models). */
  public static Catalog catalog() {
    return new Catalog(traits(), scores(), profile(), PARTNER_CATEGORIES, Set.of(), eventTypes(), eventFields()).withLookalikeModels(LOOKALIKE_MODELS);
  }

  /** The catalog of a night: the traits of the traits config the night runs with, every key with its type. */
  public static Catalog catalog(TraitsConfig traitsConf) {
    Map<String, ValueType> traits = new LinkedHashMap<>();
    traitsConf.keys().forEach((key, output) -> traits.put(key, switch (output) {
      case NUMBER -> ValueType.NUMBER;
      case TEXT -> ValueType.TEXT;
      case TIME -> ValueType.TIMESTAMP;
    }));
    return new Catalog(traits, scores(), profile(), PARTNER_CATEGORIES, Set.of(), eventTypes(), eventFields());
  }

  /** gold.traits keys ({@code <name>_<N>d}) and their types. */
  public static Map<String, ValueType> traits() {
    Map<String, ValueType> out = new LinkedHashMap<>();
    for (String[] t : TRAITS) {
      ValueType type = switch (t[1]) {
        case "c" -> ValueType.NUMBER;
        case "t" -> ValueType.TEXT;
        default -> ValueType.TIMESTAMP;
      };
      for (String w : t[2].split(",")) {
        out.put(t[0] + "_" + w + "d", type);
      }
    }
    return out;
  }

  /** gold.scores (assumed): RFM quintiles 1..5, engagement points, propensity, marketing pressure. */
  public static Map<String, ValueType> scores() {
    Map<String, ValueType> out = new LinkedHashMap<>();
    for (String s : new String[] {"rfm_recency", "rfm_frequency", "rfm_monetary", "engagement", "propensity",
        "propensity_percentile", "pressure_7d", "pressure_30d"}) {
      out.put(s, ValueType.NUMBER);
    }
    return out;
  }

  /** gold.profiles attributes (assumed). */
  public static Map<String, ValueType> profile() {
    Map<String, ValueType> out = new LinkedHashMap<>();
    out.put("is_customer", ValueType.BOOLEAN);
    out.put("vip", ValueType.BOOLEAN);
    out.put("crm_id", ValueType.TEXT);
    out.put("customer_since", ValueType.DATE);
    out.put("age", ValueType.NUMBER);
    out.put("postcode", ValueType.TEXT);
    out.put("region", ValueType.TEXT);
    out.put("nearest_agency", ValueType.TEXT);
    out.put("household_id", ValueType.TEXT);
    out.put("last_activity", ValueType.DATE);
    for (String channel : new String[] {"email", "sms", "postal", "ads"}) {
      out.put("consent_" + channel, ValueType.BOOLEAN);
      out.put("contactable_" + channel, ValueType.BOOLEAN);
    }
    out.put("consent_analytics", ValueType.BOOLEAN);
    out.put("consent_data_sharing", ValueType.BOOLEAN);
    return out;
  }

  /** silver.events event types (tagging plan, ad server, store, call center, catalog). */
  public static Set<String> eventTypes() {
    return Set.of("page_view", "product_view", "search", "cart_add", "cart_abandon", "checkout", "purchase",
        "email_click", "impression", "click", "store_purchase", "wifi_login", "callcenter_appointment",
        "catalog_mailing");
  }

  /** The fields of the daily event-count table that filters may test, with their known values. */
  public static Map<String, Set<String>> eventFields() {
    return Map.of(
        "channel", Set.of("web", "app", "ad", "store", "callcenter", "catalog"),
        "category", Set.of(),
        "campaign", Set.of());
  }
}
