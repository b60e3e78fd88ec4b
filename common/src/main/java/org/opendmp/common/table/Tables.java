package org.opendmp.common.table;

import static org.opendmp.common.table.Zone.BRONZE;
import static org.opendmp.common.table.Zone.OPS;
import static org.opendmp.common.table.Zone.SILVER;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Every table of the lake, declared once: name, grain, columns, partitioning (DESIGN.md §3). Bronze tables
 * carry {@code record_id} (source file and byte offset: the row identity), {@code source_file} and
 * {@code run_date}; each has a {@code _rejects} twin. Clear contact data appears in one table only,
 * {@code silver.customers_pii}; everywhere else emails and phones are SHA-256 hex of their normalised form.
 */
public final class Tables {
  private static final List<TableDef> ALL = new ArrayList<>();

  /** The columns every bronze row ends with. */
  private static final String BRONZE_TAIL = "source_file STRING, run_date DATE";

  /** The columns of every rejects table. */
  private static final String REJECTS =
      "record_id STRING, reject_reason STRING, raw_line STRING, source_file STRING, run_date DATE";

  // ---- bronze: parsed and typed, as received ----
  public static final TableDef WEB_EVENTS =
      bronze(
          "web_events",
          "one row per web log line or collector event",
          "record_id STRING, event_time TIMESTAMP, source_format STRING, ip STRING, method STRING, url STRING,"
              + " status INT, bytes BIGINT, referrer STRING, user_agent STRING, cookie STRING, login STRING,"
              + " maid STRING, event_type STRING, sku STRING, category STRING, search_query STRING,"
              + " order_id STRING, amount DECIMAL(12,2), email_sha256 STRING, campaign STRING, is_bot BOOLEAN,"
              + " consent STRING COMMENT 'consent banner signal (purpose:1|0,...) of a consent event, else null'");
  public static final TableDef AD_EVENTS =
      bronze(
          "ad_events",
          "one row per impression or click",
          "record_id STRING, event_time TIMESTAMP, event_type STRING, ad_cookie STRING, campaign_id STRING,"
              + " creative_id STRING, placement_id STRING, site STRING, ip STRING, user_agent STRING,"
              + " is_bot BOOLEAN");
  public static final TableDef ID_SYNC =
      bronze(
          "id_sync",
          "one row per cookie-matching call",
          "record_id STRING, sync_time TIMESTAMP, partner STRING, partner_uid STRING, cookie STRING");
  public static final TableDef CRM_CUSTOMERS =
      bronze(
          "crm_customers",
          "one row per CRM extract record (hashed contact keys; clear values only in silver.customers_pii)",
          "record_id STRING, extract_type STRING, extract_date DATE, op STRING, crm_id STRING,"
              + " email_sha256 STRING, phone_sha256 STRING, login STRING, loyalty_card STRING,"
              + " birth_date DATE, postcode STRING, city STRING, customer_since DATE, vip BOOLEAN,"
              + " consent_email BOOLEAN, consent_sms BOOLEAN, consent_postal BOOLEAN, consent_ads BOOLEAN,"
              + " updated_at TIMESTAMP");
  public static final TableDef STORE_TRANSACTIONS =
      bronze(
          "store_transactions",
          "one row per POS line (names of card-less buyers only in silver.customers_pii)",
          "record_id STRING, transaction_id STRING, store_id STRING, txn_time TIMESTAMP, loyalty_card STRING,"
              + " postcode STRING, has_name BOOLEAN, sku STRING, category STRING, quantity INT,"
              + " amount DECIMAL(12,2)");
  public static final TableDef STORE_WIFI_LOGINS =
      bronze(
          "store_wifi_logins",
          "one row per store wifi login",
          "record_id STRING, login_time TIMESTAMP, store_id STRING, email_sha256 STRING, phone_sha256 STRING,"
              + " maid STRING");
  public static final TableDef CALLCENTER_APPOINTMENTS =
      bronze(
          "callcenter_appointments",
          "one row per appointment",
          "record_id STRING, appointment_id STRING, crm_id STRING, appointment_time TIMESTAMP, reason STRING,"
              + " agent_id STRING");
  public static final TableDef CATALOG_MAILINGS =
      bronze(
          "catalog_mailings",
          "one row per catalog mailed",
          "record_id STRING, mailing_id STRING, crm_id STRING, catalog_code STRING, mailing_date DATE");
  public static final TableDef PARTNER_SEGMENTS =
      bronze(
          "partner_segments",
          "one row per partner uid and delivery",
          "record_id STRING, partner STRING, partner_uid STRING, segments ARRAY<STRING>");
  public static final TableDef PARTNER_TAXONOMY =
      bronze(
          "partner_taxonomy",
          "one row per partner segment code and delivery",
          "record_id STRING, partner STRING, segment_code STRING, segment_name STRING, category STRING");

  // ---- silver: clean, conformed, PII protected ----
  public static final TableDef EVENTS =
      register(
          TableDef.of(
              SILVER,
              "events",
              "one row per event (web, app, ad, store, call center, catalog)",
              "event_id STRING, event_time TIMESTAMP, event_type STRING, channel STRING, id_type STRING,"
                  + " id_value STRING, sku STRING, category STRING, search_query STRING, order_id STRING,"
                  + " amount DECIMAL(12,2), campaign STRING, store_id STRING, url STRING, is_bot BOOLEAN,"
                  + " attributes MAP<STRING,STRING>, source_table STRING, run_date DATE",
              "run_date"));
  public static final TableDef CUSTOMERS =
      register(
          TableDef.of(
              SILVER,
              "customers",
              "one row per crm_id ever received: the CRM's current state (hashed contact keys); deleted"
                  + " customers stay as tombstones (deleted = true) so that replaying an older extract cannot"
                  + " bring them back: the live base is WHERE NOT deleted",
              "crm_id STRING, email_sha256 STRING, phone_sha256 STRING, login STRING, loyalty_card STRING,"
                  + " birth_date DATE, postcode STRING, city STRING, customer_since DATE, vip BOOLEAN,"
                  + " consent_email BOOLEAN, consent_sms BOOLEAN, consent_postal BOOLEAN,"
                  + " consent_ads BOOLEAN, consent_date DATE, updated_at TIMESTAMP, extract_date DATE,"
                  + " deleted BOOLEAN"));
  public static final TableDef CUSTOMERS_PII =
      register(
          TableDef.of(
              SILVER,
              "customers_pii",
              "one row per pii_key (a crm_id, or the record_id of a store or wifi record): the only contact"
                  + " data of the lake, its sensitive columns (first_name, last_name, email, phone, street,"
                  + " birth_date_enc) encrypted with AES-GCM as 'v1:<key id>:<base64 iv+ciphertext>' (read them"
                  + " through org.opendmp.jobs.privacy.PiiCipher); pii_fingerprint is an HMAC of the clear values"
                  + " (a re-run rewrites no unchanged row); postcode and city stay clear (blocking keys)",
              "pii_key STRING, source STRING, first_name STRING, last_name STRING, email STRING, phone STRING,"
                  + " street STRING, postcode STRING, city STRING, birth_date_enc STRING, updated_at TIMESTAMP,"
                  + " extract_date DATE, deleted BOOLEAN, pii_fingerprint STRING"));
  public static final TableDef CONSENTS =
      register(
          TableDef.of(
              SILVER,
              "consents",
              "one row per identifier and purpose ever stated: the latest consent statement (CRM flags by crm_id, the"
                  + " site's consent banner by cookie)",
              "id_type STRING COMMENT 'crm_id (CRM flags) or cookie (consent banner)', id_value STRING,"
                  + " purpose STRING COMMENT 'email, sms, postal, ads, analytics or data_sharing',"
                  + " granted BOOLEAN COMMENT 'true: consent given; false: refused or withdrawn',"
                  + " stated_on DATE COMMENT 'when the person stated it (CRM consent date, else update date; banner: event"
                  + " date)', source STRING COMMENT 'crm or web',"
                  + " run_date DATE COMMENT 'the night that last changed the row'"));
  public static final TableDef IDENTIFIERS =
      register(
          TableDef.of(
              SILVER,
              "identifiers",
              "one row per (id_type, id_value) ever observed",
              "id_type STRING, id_value STRING, first_seen DATE, last_seen DATE, days_seen INT,"
                  + " observations BIGINT, last_day_observations BIGINT"));
  public static final TableDef ID_OBSERVATIONS =
      register(
          TableDef.of(
              SILVER,
              "id_observations",
              "one row per pair of identifiers seen together in one record",
              "obs_time TIMESTAMP, source STRING, id_type_a STRING, id_value_a STRING, id_type_b STRING,"
                  + " id_value_b STRING, ip STRING, user_agent STRING, record_id STRING, run_date DATE",
              "run_date"));

  public static final TableDef ID_LINKS =
      register(
          TableDef.of(
              SILVER,
              "id_links",
              "one row per pair of identifiers and rule: the evidence that they belong to one person; kind is"
                  + " deterministic, probabilistic (match_weights: the log2 Bayes factor of each compared field) or device",
              "id_type_a STRING, id_value_a STRING, id_type_b STRING, id_value_b STRING, rule STRING, kind STRING,"
                  + " match_probability DOUBLE, match_weights MAP<STRING,DOUBLE>, first_seen DATE, last_seen DATE, days_seen INT,"
                  + " evidence_count BIGINT, last_day_count BIGINT"));

  // ---- identity ----
  public static final TableDef ID_GRAPH =
      register(
          TableDef.of(
              Zone.IDENTITY,
              "id_graph",
              "one row per identifier ever linked or observed: its person_id, stable across nights",
              "id_type STRING, id_value STRING, person_id STRING, first_seen DATE, last_changed DATE"));
  public static final TableDef PERSON_MERGES =
      register(
          TableDef.of(
              Zone.IDENTITY,
              "person_merges",
              "one row per identity event of a night: a person id absorbed into another (event merge, with a link"
                  + " that joined them) or a link cut because it would have joined two values of a unique type or"
                  + " made a person too large (event split: old_person_id and new_person_id are the two sides)",
              "event STRING, old_person_id STRING, new_person_id STRING, rule STRING, id_type_a STRING, id_value_a STRING,"
                  + " id_type_b STRING, id_value_b STRING, reason STRING, run_date DATE",
              "run_date"));
  public static final TableDef HOUSEHOLDS =
      register(
          TableDef.of(
              Zone.IDENTITY,
              "households",
              "one row per person that shares a device or account with others: its household_id, stable across nights"
                  + " (persons tied by a shared identifier, e.g. a family computer's cookie with several logins)",
              "person_id STRING, household_id STRING, first_seen DATE, last_changed DATE"));
  public static final TableDef AUDIT =
      register(
          TableDef.of(
              Zone.IDENTITY,
              "audit",
              "one row per night, metric and dimension: the identity graph's health",
              "metric STRING, dimension STRING, value DOUBLE, run_date DATE",
              "run_date"));

  // ---- gold ----
  public static final TableDef PERSON_DAILY =
      register(
          TableDef.of(
              Zone.GOLD,
              "person_daily",
              "one row per person, trait (conf/traits.yaml) and night with a matching event: the night's partial"
                  + " aggregate the trait's windows are rolled from; person_id is the person of that night (later"
                  + " merges are resolved through identity.person_merges when windows are rolled)",
              "person_id STRING COMMENT 'identity.id_graph person of the event identifier on that night',"
                  + " trait STRING COMMENT 'the trait name of conf/traits.yaml',"
                  + " definition STRING COMMENT 'fingerprint of the trait aggregation, field and filters: rows of"
                  + " another definition are ignored',"
                  + " events BIGINT COMMENT 'matching events (with a non-null field when the trait has one)',"
                  + " total DECIMAL(38,6) COMMENT 'sum of the numeric field (sum, min, max traits), else null',"
                  + " min_value DECIMAL(38,6) COMMENT 'smallest value of the numeric field', max_value DECIMAL(38,6)"
                  + " COMMENT 'largest value of the numeric field',"
                  + " first_time TIMESTAMP COMMENT 'event_time of the first matching event',"
                  + " first_value STRING COMMENT 'field value of the first matching event (first_value traits)',"
                  + " last_time TIMESTAMP COMMENT 'event_time of the last matching event',"
                  + " last_value STRING COMMENT 'field value of the last matching event (last_value traits)',"
                  + " value_counts MAP<STRING,BIGINT> COMMENT 'events per field value (distinct_count,"
                  + " most_frequent traits)',"
                  + " run_date DATE COMMENT 'the night the events were loaded (silver.events run_date)'",
              "run_date"));
  public static final TableDef TRAITS =
      register(
          TableDef.of(
              Zone.GOLD,
              "traits",
              "one row per person and night, for every person with a matching event of some trait within the"
                  + " longest window: each trait of conf/traits.yaml per window as <name>_<N>d, in the map of its type"
                  + " (an absent key is a null value)",
              "person_id STRING COMMENT 'identity.id_graph person (merged persons appear under the survivor only)',"
                  + " numbers MAP<STRING,DOUBLE> COMMENT 'count, sum, min, max, distinct_count, days_since_last"
                  + " traits, and value traits of numeric fields: numbers[''product_views_30d'']',"
                  + " texts MAP<STRING,STRING> COMMENT 'first_value, last_value, most_frequent traits of text"
                  + " fields: texts[''favourite_category_30d'']',"
                  + " times MAP<STRING,TIMESTAMP> COMMENT 'first_time, last_time traits: times[''last_seen_90d'']',"
                  + " conf_version STRING COMMENT 'fingerprint of conf/traits.yaml the row was computed with',"
                  + " computed_on DATE COMMENT 'the night the row was last recomputed (carried unchanged since)',"
                  + " run_date DATE COMMENT 'the night the traits are as of'",
              "run_date"));

  public static final TableDef PROFILES =
      register(
          TableDef.of(
              Zone.GOLD,
              "profiles",
              "one row per person and night: the unified profile as of that night (persons inactive longer than the"
                  + " profiles TTL drop out; live CRM customers stay)",
              "person_id STRING COMMENT 'identity.id_graph person',"
                  + " crm_id STRING COMMENT 'the CRM id of the person (the lowest live one when identity holds more than one,"
                  + " else the lowest deleted one)',"
                  + " identifiers MAP<STRING,BIGINT> COMMENT 'identifiers of the person per id_type (partner uids as"
                  + " partner_uid:<partner>)',"
                  + " is_customer BOOLEAN COMMENT 'a live (not deleted) CRM customer', vip BOOLEAN COMMENT 'VIP flag of the CRM',"
                  + " customer_since DATE, age INT COMMENT 'whole years at the run date, from the surviving birth date',"
                  + " postcode STRING, city STRING,"
                  + " region STRING COMMENT 'from the postcode (conf/profiles.yaml reference)',"
                  + " nearest_agency STRING COMMENT 'agency id nearest to the postcode (conf reference)',"
                  + " household_id STRING COMMENT 'identity.households, null when the person shares nothing',"
                  + " consent_email BOOLEAN, consent_sms BOOLEAN, consent_postal BOOLEAN, consent_ads BOOLEAN,"
                  + " consent_analytics BOOLEAN COMMENT 'web analytics consent (consent banner), null when never stated',"
                  + " consent_data_sharing BOOLEAN COMMENT 'consent to share data with partners, null when never stated',"
                  + " consent_dates MAP<STRING,DATE> COMMENT 'purpose -> date the consent was last given or withdrawn',"
                  + " contactable_email BOOLEAN COMMENT 'consent and a hashed email known',"
                  + " contactable_sms BOOLEAN COMMENT 'consent and a hashed phone known',"
                  + " contactable_postal BOOLEAN COMMENT 'consent and a postal address known',"
                  + " contactable_ads BOOLEAN COMMENT 'may be reached on ad platforms',"
                  + " partner_segments ARRAY<STRING> COMMENT 'codes of the latest deliveries of the partners, through ID sync',"
                  + " partner_categories MAP<STRING,ARRAY<STRING>> COMMENT 'taxonomy category -> codes (age_band, csp, ...)',"
                  + " attributes MAP<STRING,STRING> COMMENT 'attributes of conf/profiles.yaml after survivorship',"
                  + " attribute_sources MAP<STRING,STRING> COMMENT 'attribute -> source of the surviving value',"
                  + " attribute_values ARRAY<STRUCT<field:STRING,source:STRING,value:STRING,first_seen:DATE,last_seen:DATE>>"
                  + " COMMENT 'survivorship state: each value a source stated for a field, with the first and last date"
                  + " it was stated (carried night to night; the attributes are recomputed from it)',"
                  + " first_seen DATE COMMENT 'first night any identifier of the person was seen',"
                  + " last_activity DATE COMMENT 'last night with an event of the person',"
                  + " run_date DATE",
              "run_date"));
  public static final TableDef SCORES =
      register(
          TableDef.of(
              Zone.GOLD,
              "scores",
              "one row per person, score and night (rfm_recency, rfm_frequency, rfm_monetary, engagement, propensity,"
                  + " propensity_percentile, pressure_7d, pressure_30d, ...)",
              "person_id STRING, score STRING COMMENT 'score name: score.<name> in segment rules',"
                  + " value DOUBLE, run_date DATE",
              "run_date"));
  public static final TableDef MODEL_REPORTS =
      register(
          TableDef.of(
              Zone.GOLD,
              "model_reports",
              "one row per model and night it was trained (or refused): how it was trained and how good it is",
              "model STRING COMMENT 'propensity | lookalike.<model_id>', status STRING COMMENT 'trained | refused | skipped', message STRING,"
                  + " train_from DATE, train_to DATE, test_from DATE, test_to DATE,"
                  + " train_rows BIGINT, test_rows BIGINT, positives BIGINT, auc DOUBLE,"
                  + " calibration ARRAY<STRUCT<bucket:INT,predicted:DOUBLE,observed:DOUBLE,n:BIGINT>>,"
                  + " features ARRAY<STRING> COMMENT 'model inputs (look-alike: most important first)',"
                  + " metrics MAP<STRING,DOUBLE> COMMENT 'look-alike: seed_size, population_size, holdout_size, recall_top_1pct,"
                  + " lift_top_10pct, importance:<feature>, reach_<N>_min_percentile... (null for propensity)',"
                  + " reach ARRAY<STRUCT<step:INT,top_percent:DOUBLE,min_percentile:DOUBLE,reach:BIGINT,recall:DOUBLE,lift:DOUBLE>>"
                  + " COMMENT 'look-alike: 21 rows from the most accurate (top 1%) to the widest reach (everyone eligible)',"
                  + " run_date DATE",
              "run_date"));
  public static final TableDef LOOKALIKE_SCORES =
      register(
          TableDef.of(
              Zone.GOLD,
              "lookalike_scores",
              "one row per eligible person, look-alike model and night (conf/lookalike.yaml; seed members left out when the"
                  + " model excludes the seed)",
              "person_id STRING, model_id STRING COMMENT 'lookalike.<model_id> in segment rules',"
                  + " score DOUBLE COMMENT 'probability of resembling the seed (0..1)',"
                  + " percentile DOUBLE COMMENT 'percent_rank of the score among the model''s scored persons x 100 (100 = most alike)',"
                  + " rank BIGINT COMMENT '1 = most alike (ties broken by person_id): rank <= N is a reach of N persons',"
                  + " run_date DATE",
              "run_date"));
  public static final TableDef SEGMENT_EVENTS =
      register(
          TableDef.of(
              Zone.GOLD,
              "segment_events",
              "one row per person, night and distinct (event_type, channel, category, campaign): the daily event"
                  + " counts segment rules count over (conf/segments.yaml event_history_days back)",
              "person_id STRING COMMENT 'person of that night (later merges are resolved when read)',"
                  + " event_type STRING, channel STRING, category STRING, campaign STRING, n BIGINT,"
                  + " run_date DATE COMMENT 'the night the events were loaded'",
              "run_date"));
  public static final TableDef SEGMENT_MEMBERSHIP =
      register(
          TableDef.of(
              Zone.GOLD,
              "segment_membership",
              "one row per person, segment and night the person is a member",
              "person_id STRING, segment_id STRING,"
                  + " entered_on DATE COMMENT 'first night of the current membership',"
                  + " last_qualified DATE COMMENT 'last night the rule held (membership lasts ttl_days after it)',"
                  + " is_control BOOLEAN COMMENT 'held out: never exported', run_date DATE",
              "run_date"));
  public static final TableDef SEGMENT_STATS =
      register(
          TableDef.of(
              Zone.GOLD,
              "segment_stats",
              "one row per segment and night",
              "segment_id STRING, members BIGINT, controls BIGINT, qualified BIGINT COMMENT 'rule held tonight',"
                  + " adds BIGINT, drops BIGINT,"
                  + " volatility DOUBLE COMMENT '(adds + drops) / members of the previous night',"
                  + " overlaps MAP<STRING,BIGINT> COMMENT 'other segment_id -> members in both',"
                  + " run_date DATE",
              "run_date"));

  // ---- activation ----
  public static final TableDef AUDIENCE =
      register(
          TableDef.of(
              Zone.ACTIVATION,
              "audience",
              "one row per destination, person and night the person was delivered (conf/destinations.yaml): the audience"
                  + " an incremental delivery is the difference from",
              "destination STRING, person_id STRING,"
                  + " id_type STRING COMMENT 'the first accepted identifier type the person has',"
                  + " id_values ARRAY<STRING> COMMENT 'the identifiers sent, sorted',"
                  + " segments ARRAY<STRING> COMMENT 'segment ids of conf/segments.yaml the person is sent for, sorted',"
                  + " codes ARRAY<STRING> COMMENT 'the partner codes sent, sorted',"
                  + " column_values ARRAY<STRING> COMMENT 'values of the destination''s extra columns, in conf order (empty"
                  + " string for none)', run_date DATE",
              "run_date"));
  public static final TableDef EXPORTS =
      register(
          TableDef.of(
              Zone.ACTIVATION,
              "exports",
              "one row per destination and night delivered",
              "destination STRING, run_date DATE, mode STRING COMMENT 'full | incremental',"
                  + " files ARRAY<STRING> COMMENT 'data file names, in split order', rows BIGINT COMMENT 'data lines',"
                  + " adds BIGINT COMMENT 'persons not in the previous delivery',"
                  + " removals BIGINT COMMENT 'persons of the previous delivery no longer sent',"
                  + " checksum STRING COMMENT 'SHA-256 hex of manifest.json', target STRING COMMENT 'where it was published',"
                  + " status STRING COMMENT 'delivered'",
              "run_date"));

  // ---- ops ----
  public static final TableDef JOB_RUNS =
      register(
          TableDef.of(
              OPS,
              "job_runs",
              "one row per job, run_date and attempt",
              "job STRING, run_date DATE, attempt INT, status STRING, started TIMESTAMP, finished TIMESTAMP,"
                  + " rows_in BIGINT, rows_out BIGINT, rejects BIGINT, message STRING"));
  public static final TableDef QUALITY_RESULTS =
      register(
          TableDef.of(
              OPS,
              "quality_results",
              "one row per job, run_date, table and check",
              "job STRING, table_name STRING, check_name STRING, level STRING, passed BOOLEAN,"
                  + " observed DOUBLE, expected STRING, message STRING, run_date DATE",
              "run_date"));

  public static final TableDef MAINTENANCE =
      register(
          TableDef.of(
              OPS,
              "maintenance",
              "one row per table (or delivery folder of export_root) and night: what the last maintenance run of that night did",
              "target STRING COMMENT 'table name (zone.name), or export_root/<destination> for delivery folders',"
                  + " kind STRING COMMENT 'table or exports',"
                  + " rows_expired BIGINT COMMENT 'rows of run_date partitions deleted by the retention rule',"
                  + " folders_expired BIGINT COMMENT 'delivery folders dt=D deleted by exports_retention_days',"
                  + " files_compacted BIGINT COMMENT 'small data files OPTIMIZE replaced',"
                  + " files_written BIGINT COMMENT 'data files OPTIMIZE wrote in their place',"
                  + " zorder_by STRING COMMENT 'columns the night partition was clustered by, null when only bin-packed',"
                  + " files_vacuumed BIGINT COMMENT 'unreferenced files (and emptied partition folders) VACUUM deleted',"
                  + " run_date DATE",
              "run_date"));

  public static final TableDef PRIVACY_REQUESTS =
      register(
          TableDef.of(
              OPS,
              "privacy_requests",
              "one row per privacy request (landing privacy/dt=D/requests.csv) and night it was processed: never the"
                  + " identifier value itself",
              "request_id STRING COMMENT 'as received (a malformed row without one: line:<n> of the file)',"
                  + " type STRING COMMENT 'erase | access (as received when malformed)',"
                  + " id_type STRING COMMENT 'email | phone | crm_id | login | cookie (as received when malformed)',"
                  + " status STRING COMMENT 'received | done | rejected',"
                  + " reason STRING COMMENT 'why rejected, or what was found (null when done)',"
                  + " rows_removed MAP<STRING,BIGINT> COMMENT 'erase: table name -> rows removed the first time the request was"
                  + " done (tables with none left out)',"
                  + " run_date DATE",
              "run_date"));
  public static final TableDef ERASURE_SUPPRESSIONS =
      register(
          TableDef.of(
              OPS,
              "erasure_suppressions",
              "one row per identifier of an erased person: a salted hash (never the identifier nor its plain SHA-256) that"
                  + " conform matches the night's records against, so later feeds do not bring the person back",
              "id_key STRING COMMENT 'hex SHA-256 of the lake''s suppression salt, the id_type and the id_value',"
                  + " request_id STRING, erased_on DATE"));
  public static final TableDef PENDING_REMOVALS =
      register(
          TableDef.of(
              Zone.ACTIVATION,
              "pending_removals",
              "one row per destination and erased person the destination had received: what its next delivery must tell"
                  + " the partner to forget; activate consumes the rows of a destination it delivers",
              "destination STRING, person_id STRING, id_type STRING, id_values ARRAY<STRING>, segments ARRAY<STRING>,"
                  + " codes ARRAY<STRING>, column_values ARRAY<STRING>, request_id STRING, erased_on DATE,"
                  + " delivered_on DATE COMMENT 'the night activate sent the removal (null: not yet); purged the night after'"));

  // ---- erasure: which columns of each table can hold a value about a person (the privacy job's erase) ----
  private static final java.util.Map<TableDef, List<ErasureKey>> ERASURE = new java.util.LinkedHashMap<>();
  private static final java.util.Map<TableDef, String> ERASURE_EXEMPT = new java.util.LinkedHashMap<>();

  static {
    erasure(WEB_EVENTS, ErasureKey.id("cookie", "cookie"), ErasureKey.id("login", "login"), ErasureKey.id("maid", "maid"),
        ErasureKey.id("email_sha256", "email_sha256"), ErasureKey.text("url"), ErasureKey.text("referrer"));
    erasure(AD_EVENTS, ErasureKey.id("ad_cookie", "ad_cookie"));
    erasure(ID_SYNC, ErasureKey.id("partner_uid", "partner_uid:*"), ErasureKey.id("cookie", "cookie"));
    erasure(CRM_CUSTOMERS, ErasureKey.id("crm_id", "crm_id"), ErasureKey.id("email_sha256", "email_sha256"),
        ErasureKey.id("phone_sha256", "phone_sha256"), ErasureKey.id("login", "login"), ErasureKey.id("loyalty_card", "loyalty_card"));
    erasure(STORE_TRANSACTIONS, ErasureKey.id("loyalty_card", "loyalty_card"), ErasureKey.id("record_id", "pii_record"));
    erasure(STORE_WIFI_LOGINS, ErasureKey.id("email_sha256", "email_sha256"), ErasureKey.id("phone_sha256", "phone_sha256"),
        ErasureKey.id("maid", "maid"));
    erasure(CALLCENTER_APPOINTMENTS, ErasureKey.id("crm_id", "crm_id"));
    erasure(CATALOG_MAILINGS, ErasureKey.id("crm_id", "crm_id"));
    erasure(PARTNER_SEGMENTS, ErasureKey.id("partner_uid", "partner_uid:*"));
    exempt(PARTNER_TAXONOMY, "the partners' segment codes and names: nothing about a person");
    for (TableDef t : List.copyOf(ALL)) {
      if (t.name().endsWith("_rejects")) {
        erasure(t, ErasureKey.text("raw_line"));
      }
    }
    erasure(EVENTS, ErasureKey.pair("id_type", "id_value"), ErasureKey.record("event_id"), ErasureKey.text("url"));
    erasure(CUSTOMERS, ErasureKey.id("crm_id", "crm_id"), ErasureKey.id("email_sha256", "email_sha256"),
        ErasureKey.id("phone_sha256", "phone_sha256"), ErasureKey.id("login", "login"), ErasureKey.id("loyalty_card", "loyalty_card"));
    // its email is encrypted (a fresh IV per value: no hash of it can match), so its rows go by their keys: the
    // person's crm ids, store records tied to them (pii_record) and the records erased elsewhere
    erasure(CUSTOMERS_PII, ErasureKey.id("pii_key", "crm_id"), ErasureKey.id("pii_key", "pii_record"), ErasureKey.record("pii_key"));
    erasure(CONSENTS, ErasureKey.pair("id_type", "id_value"));
    erasure(IDENTIFIERS, ErasureKey.pair("id_type", "id_value"));
    erasure(ID_OBSERVATIONS, ErasureKey.pair("id_type_a", "id_value_a"), ErasureKey.pair("id_type_b", "id_value_b"),
        ErasureKey.record("record_id"));
    erasure(ID_LINKS, ErasureKey.pair("id_type_a", "id_value_a"), ErasureKey.pair("id_type_b", "id_value_b"));
    erasure(ID_GRAPH, ErasureKey.pair("id_type", "id_value"), ErasureKey.person("person_id"));
    erasure(PERSON_MERGES, ErasureKey.person("old_person_id"), ErasureKey.person("new_person_id"),
        ErasureKey.pair("id_type_a", "id_value_a"), ErasureKey.pair("id_type_b", "id_value_b"));
    erasure(HOUSEHOLDS, ErasureKey.person("person_id"));
    exempt(AUDIT, "counts per metric and night: nothing about a person");
    erasure(PERSON_DAILY, ErasureKey.person("person_id"));
    erasure(TRAITS, ErasureKey.person("person_id"));
    erasure(PROFILES, ErasureKey.person("person_id"), ErasureKey.id("crm_id", "crm_id"));
    erasure(SCORES, ErasureKey.person("person_id"));
    exempt(MODEL_REPORTS, "model metrics and features: nothing about a person");
    erasure(LOOKALIKE_SCORES, ErasureKey.person("person_id"));
    erasure(SEGMENT_EVENTS, ErasureKey.person("person_id"));
    erasure(SEGMENT_MEMBERSHIP, ErasureKey.person("person_id"));
    exempt(SEGMENT_STATS, "counts per segment and night: nothing about a person");
    erasure(AUDIENCE, ErasureKey.person("person_id"), ErasureKey.ids("id_values"));
    exempt(EXPORTS, "file names, counts and checksums per delivery: nothing about a person");
    exempt(JOB_RUNS, "counts and messages per job run: jobs never log an identifier value");
    exempt(QUALITY_RESULTS, "check results per table and night: nothing about a person");
    exempt(MAINTENANCE, "counts per table and night: nothing about a person");
    exempt(PRIVACY_REQUESTS, "request id, type and status only: the identifier value is never stored");
    exempt(ERASURE_SUPPRESSIONS, "salted hashes kept on purpose, so that later feeds do not bring the person back");
    exempt(PENDING_REMOVALS, "the removals the next delivery must send (README \"Privacy\"); activate consumes them");
  }

  /** The columns an erase matches in the table; empty when the table is exempt ({@link #erasureExemption}). */
  public static List<ErasureKey> erasureKeys(TableDef t) {
    return ERASURE.getOrDefault(t, List.of());
  }

  /** Why the table holds nothing an erase must remove, when it is declared so. */
  public static Optional<String> erasureExemption(TableDef t) {
    return Optional.ofNullable(ERASURE_EXEMPT.get(t));
  }

  private static void erasure(TableDef t, ErasureKey... keys) {
    for (ErasureKey k : keys) {
      if (!t.columns().contains(k.column()) || (k.kind() == ErasureKey.Kind.ID_PAIR && !t.columns().contains(k.other()))) {
        throw new IllegalArgumentException("Erasure key " + k + " names a column " + t.fullName() + " does not have");
      }
    }
    ERASURE.merge(t, List.of(keys), (a, b) -> java.util.stream.Stream.concat(a.stream(), b.stream()).toList());
  }

  private static void exempt(TableDef t, String reason) {
    ERASURE_EXEMPT.put(t, reason);
  }

  private Tables() {}

  /** Every declared table, in declaration order. */
  public static List<TableDef> all() {
    return Collections.unmodifiableList(ALL);
  }

  /** The table named {@code zone.name}, if declared. */
  public static Optional<TableDef> byName(String fullName) {
    return ALL.stream().filter(t -> t.fullName().equals(fullName)).findFirst();
  }

  /** The rejects twin of a bronze table. */
  public static TableDef rejectsOf(TableDef bronze) {
    return byName(bronze.fullName() + "_rejects")
        .orElseThrow(() -> new IllegalArgumentException(bronze.fullName() + " has no rejects table"));
  }

  private static TableDef bronze(String name, String grain, String ddl) {
    TableDef t = register(TableDef.of(BRONZE, name, grain, ddl + ", " + BRONZE_TAIL, "run_date"));
    register(TableDef.of(BRONZE, name + "_rejects", "one row per rejected record of " + name, REJECTS, "run_date"));
    return t;
  }

  private static TableDef register(TableDef t) {
    ALL.add(t);
    return t;
  }
}
