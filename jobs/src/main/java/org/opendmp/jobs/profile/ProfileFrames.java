package org.opendmp.jobs.profile;

import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.map_keys;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.opendmp.common.consent.Consents;
import org.opendmp.jobs.profile.ProfilesConfig.Attribute;

/**
 * The Spark side of profiles: pure transforms, no IO, no actions, no clock. A night gathers per person what the
 * lake knows tonight (identifiers, the CRM, the night's activity, store postcodes, partner segments) and folds it
 * into the previous night's profile, whose person ids are brought up to date through the merges ({@link
 * #carried}). Attributes survive from {@code attribute_values}, the state of every value each source stated
 * ({@link #values}), under the rules of conf/profiles.yaml ({@link #survivors}).
 */
public final class ProfileFrames {
  /** The consent purposes, in the order of gold.profiles' columns. */
  public static final List<String> PURPOSES = Consents.PURPOSES;

  /** The purposes the CRM states ({@link #customers}' consent columns). */
  static final List<String> CRM_PURPOSES = List.of("email", "sms", "postal", "ads");

  /** The survivorship state's element. */
  static final String VALUE_FIELDS = "field, source, value, first_seen, last_seen";

  private ProfileFrames() {}

  /**
   * Identifiers per person. Input: identity.id_graph ({@code id_type, id_value, person_id, first_seen}). Output:
   * {@code person_id, identifiers} (id_type -> count, partner uids as partner_uid:<partner>), {@code
   * graph_first_seen} (the earliest first_seen of its identifiers, null when none has one); grain: one row per
   * person of the graph.
   */
  public static Dataset<Row> identities(Dataset<Row> graph) {
    return graph.groupBy(col("person_id"), col("id_type"))
        .agg(count(lit(1)).as("n"), min("first_seen").as("first_seen"))
        .groupBy(col("person_id"))
        .agg(map_from_entries(array_sort(collect_list(struct(col("id_type"), col("n"))))).as("identifiers"),
            min("first_seen").as("graph_first_seen"));
  }

  /**
   * The CRM side of each person holding a crm_id. Input: identity.id_graph; silver.customers; silver.customers_pii
   * (only whether a live CRM row has a street and a postcode is read: no clear value leaves it). Output: {@code
   * person_id, crm_id} (the lowest live one, else the lowest), {@code is_customer} (that crm_id is live in
   * silver.customers), and from that customer, null unless live: {@code vip} (false when not live or null),
   * {@code customer_since, crm_postcode, crm_city, crm_birth_date, consent_email, consent_sms, consent_postal,
   * consent_ads, consent_date} (the record's consent date, else its update date, else its extract date, never after
   * the run date), {@code crm_stated} (the date the CRM stated its values: the update date, else the extract date,
   * never after the run date), {@code crm_email, crm_phone} (hashed contact keys present), {@code has_address};
   * grain: one row per person with a crm_id identifier.
   */
  public static Dataset<Row> customers(Dataset<Row> graph, Dataset<Row> customers, Dataset<Row> pii, LocalDate date) {
    Dataset<Row> ids = graph.where(col("id_type").equalTo("crm_id")).select(col("person_id"), col("id_value").as("crm_id"));
    Dataset<Row> addresses =
        pii.where(col("source").equalTo("crm").and(not(coalesce(col("deleted"), lit(false))))
                .and(trim(col("street")).notEqual("")).and(trim(col("postcode")).notEqual("")))
            .select(col("pii_key").as("a_key")).distinct();
    Dataset<Row> c = customers.select(col("crm_id").as("c_id"), col("email_sha256"), col("phone_sha256"), col("birth_date"),
        col("postcode"), col("city"), col("customer_since"), col("vip"), col("consent_email"), col("consent_sms"),
        col("consent_postal"), col("consent_ads"), col("consent_date"), col("updated_at"), col("extract_date"), col("deleted"));
    Column live = col("c_id").isNotNull().and(not(coalesce(col("deleted"), lit(false))));
    Column stated = least(coalesce(to_date(col("updated_at")), col("extract_date"), lit(date)), lit(date));
    Dataset<Row> joined = ids.join(c, col("crm_id").equalTo(col("c_id")), "left")
        .join(addresses, col("crm_id").equalTo(col("a_key")), "left")
        .select(col("person_id"), struct(
            col("crm_id"), live.as("is_customer"), coalesce(col("vip"), lit(false)).as("vip"), col("customer_since"),
            col("postcode").as("crm_postcode"), col("city").as("crm_city"), col("birth_date").as("crm_birth_date"),
            col("consent_email"), col("consent_sms"), col("consent_postal"), col("consent_ads"),
            least(coalesce(col("consent_date"), to_date(col("updated_at")), col("extract_date"), lit(date)), lit(date)).as("consent_date"),
            stated.as("crm_stated"), col("email_sha256").isNotNull().as("crm_email"), col("phone_sha256").isNotNull().as("crm_phone"),
            col("a_key").isNotNull().as("has_address")).as("c"), struct(not(live), col("crm_id")).as("rank"));
    Dataset<Row> best = joined.groupBy(col("person_id")).agg(min_by(col("c"), col("rank")).as("c"));
    List<Column> out = new ArrayList<>();
    out.add(col("person_id"));
    out.add(col("c.crm_id").as("crm_id"));
    out.add(col("c.is_customer").as("is_customer"));
    for (String f : List.of("vip", "customer_since", "crm_postcode", "crm_city", "crm_birth_date", "consent_email", "consent_sms",
        "consent_postal", "consent_ads", "consent_date", "crm_stated", "crm_email", "crm_phone", "has_address")) {
      Column v = col("c." + f);
      boolean flag = List.of("vip", "crm_email", "crm_phone", "has_address").contains(f);
      out.add((flag ? when(col("c.is_customer"), v).otherwise(lit(false)) : when(col("c.is_customer"), v)).as(f));
    }
    return best.select(out.toArray(Column[]::new));
  }

  /**
   * The consent banner's statements per person. Input: identity.id_graph; silver.consents ({@code id_type, id_value,
   * purpose, granted, stated_on, source}). Output: {@code person_id} and per purpose {@code web_consent_<purpose>}:
   * {@code struct(value, date)}, the latest statement over the person's identifiers (a refusal wins a tie: when in
   * doubt, do not use the data), null when none; grain: one row per person with a web statement.
   */
  public static Dataset<Row> webConsents(Dataset<Row> graph, Dataset<Row> consents) {
    Dataset<Row> latest = consents.where(col("source").equalTo("web"))
        .join(graph.select("id_type", "id_value", "person_id"), new String[] {"id_type", "id_value"})
        .groupBy(col("person_id"), col("purpose"))
        .agg(max_by(struct(col("granted").as("value"), col("stated_on").as("date")), struct(col("stated_on"), not(col("granted")))).as("s"));
    List<Column> perPurpose = new ArrayList<>();
    for (String p : PURPOSES) {
      perPurpose.add(max(when(col("purpose").equalTo(p), col("s"))).as("web_consent_" + p));
    }
    return latest.groupBy(col("person_id")).agg(perPurpose.get(0), perPurpose.subList(1, perPurpose.size()).toArray(Column[]::new));
  }

  /**
   * The persons active in the events read. Input: silver.events ({@code id_type, id_value, is_bot, run_date});
   * identity.id_graph. Output: {@code person_id, active_on} (the latest load night with an event that is not a
   * bot's); grain: one row per active person. Events of identifiers without a person are left out.
   */
  public static Dataset<Row> activity(Dataset<Row> events, Dataset<Row> graph) {
    return TraitFrames.personEvents(events.select("id_type", "id_value", "is_bot", "run_date"), graph.select("id_type", "id_value", "person_id"))
        .groupBy(col("person_id")).agg(max("run_date").as("active_on"));
  }

  /**
   * The CRM's statements of the fields attributes read. Input: {@link #customers}. Output: {@code person_id,
   * field, source} (crm), {@code value, first_seen, last_seen} (both crm_stated); grain: one row per live customer
   * and non-null field some attribute reads from the CRM.
   */
  public static Dataset<Row> crmStatements(Dataset<Row> customers, ProfilesConfig conf) {
    Dataset<Row> out = null;
    for (String field : List.of("postcode", "city", "birth_date")) {
      if (!conf.reads(field, "crm")) {
        continue;
      }
      Dataset<Row> s = customers.where(col("is_customer").and(col("crm_" + field).isNotNull()))
          .select(col("person_id"), lit(field).as("field"), lit("crm").as("source"), col("crm_" + field).cast("string").as("value"),
              col("crm_stated").as("first_seen"), col("crm_stated").as("last_seen"));
      out = out == null ? s : out.unionByName(s);
    }
    return out == null ? customers.sparkSession().createDataFrame(List.of(), valueSchema()) : out;
  }

  /**
   * The postcodes store buyers gave. Input: bronze.store_transactions ({@code record_id, loyalty_card, has_name,
   * postcode, txn_time}); identity.id_graph. A line is the loyalty card's person, or, for a card-less buyer who
   * gave a name, the person identity tied its {@code pii_record} to. Output: {@code person_id, field} (postcode),
   * {@code source} (store), {@code value} (trimmed), {@code first_seen, last_seen} (the date of the ticket);
   * grain: one row per POS line with a postcode and a person.
   */
  public static Dataset<Row> storeStatements(Dataset<Row> pos, Dataset<Row> graph) {
    Column type = when(col("loyalty_card").isNotNull(), lit("loyalty_card")).when(coalesce(col("has_name"), lit(false)), lit("pii_record"));
    Column value = when(col("loyalty_card").isNotNull(), col("loyalty_card")).otherwise(col("record_id"));
    Dataset<Row> g = graph.select(col("id_type").as("g_type"), col("id_value").as("g_value"), col("person_id"));
    return pos.where(trim(col("postcode")).notEqual(""))
        .select(type.as("s_type"), value.as("s_value"), trim(col("postcode")).as("value"), to_date(col("txn_time")).as("seen"))
        .join(g, col("s_type").equalTo(col("g_type")).and(col("s_value").equalTo(col("g_value"))))
        .select(col("person_id"), lit("postcode").as("field"), lit("store").as("source"), col("value"), col("seen").as("first_seen"),
            col("seen").as("last_seen"));
  }

  static org.apache.spark.sql.types.StructType valueSchema() {
    return org.apache.spark.sql.types.StructType.fromDDL(
        "person_id STRING, field STRING, source STRING, value STRING, first_seen DATE, last_seen DATE");
  }

  /**
   * The previous night's profiles under tonight's person ids. Input: gold.profiles rows of the previous night;
   * aliases resolved ({@link TraitFrames#aliases}, {@link TraitFrames#aliasStep}). Output: {@code person_id,
   * prev_first_seen} (earliest), {@code prev_last_activity} (latest), {@code prev_values} (the survivorship states
   * of all rows, concatenated), and per purpose {@code prev_consent_<purpose>}: the latest consent statement
   * {@code struct(value, date)} of the rows (by its date; null when none has a date); grain: one row per person,
   * several previous rows when persons were merged.
   */
  public static Dataset<Row> carried(Dataset<Row> previous, Dataset<Row> aliases) {
    List<String> cols = new ArrayList<>(List.of("person_id", "first_seen", "last_activity", "attribute_values", "consent_dates"));
    PURPOSES.forEach(p -> cols.add("consent_" + p));
    Dataset<Row> resolved = TraitFrames.resolve(previous.select(cols.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new)), aliases);
    List<Column> aggs = new ArrayList<>();
    aggs.add(max("last_activity").as("prev_last_activity"));
    aggs.add(flatten(collect_list(col("attribute_values"))).as("prev_values"));
    for (String p : PURPOSES) {
      Column date = col("consent_dates").getItem(p);
      aggs.add(max_by(struct(col("consent_" + p).as("value"), date.as("date")), date).as("prev_consent_" + p));
    }
    return resolved.groupBy(col("person_id")).agg(min("first_seen").as("prev_first_seen"), aggs.toArray(Column[]::new));
  }

  /**
   * The survivorship state tonight: every value a source stated for a field, with the first and last date it was
   * stated. Input: {@link #carried} ({@code person_id, prev_values}) and tonight's statements ({@code person_id,
   * field, source, value, first_seen, last_seen}). Pairs of field and source no attribute reads are dropped. Per
   * person, field and source at most {@code max_values} values are kept: the first seen one and the latest ones.
   * Output: {@code person_id, attribute_values} (sorted by field, source, value); grain: one row per person with a
   * value.
   */
  public static Dataset<Row> values(Dataset<Row> carried, Dataset<Row> statements, ProfilesConfig conf) {
    Dataset<Row> old = carried.select(col("person_id"), explode(col("prev_values")).as("e"))
        .select(col("person_id"), col("e.field").as("field"), col("e.source").as("source"), col("e.value").as("value"),
            col("e.first_seen").as("first_seen"), col("e.last_seen").as("last_seen"));
    Column read = lit(false);
    for (String fs : conf.fieldSources()) {
      String[] p = fs.split("\\|");
      read = read.or(col("field").equalTo(p[0]).and(col("source").equalTo(p[1])));
    }
    Dataset<Row> all = old.unionByName(statements.select("person_id", "field", "source", "value", "first_seen", "last_seen"))
        .where(read.and(col("value").isNotNull()))
        .groupBy(col("person_id"), col("field"), col("source"), col("value"))
        .agg(min("first_seen").as("first_seen"), max("last_seen").as("last_seen"));
    org.apache.spark.sql.expressions.WindowSpec per = Window.partitionBy("person_id", "field", "source");
    Dataset<Row> kept = all
        .withColumn("earliest", row_number().over(per.orderBy(col("first_seen").asc(), col("value").asc())))
        .withColumn("kept", row_number().over(per.orderBy(when(col("earliest").equalTo(1), 0).otherwise(1), col("last_seen").desc(),
            col("value").desc())))
        .where(col("kept").leq(conf.maxValues()));
    return kept.groupBy(col("person_id"))
        .agg(array_sort(collect_list(struct(col("field"), col("source"), col("value"), col("first_seen"), col("last_seen")))).as("attribute_values"));
  }

  /**
   * The partner segments of each person, through ID sync. Input: bronze.partner_segments ({@code record_id,
   * partner, partner_uid, segments, run_date}); bronze.partner_taxonomy ({@code record_id, partner, segment_code,
   * category, run_date}); identity.id_graph (a uid is the identifier {@code partner_uid:<partner>}). Each uid's
   * latest delivery within {@code maxAgeDays} nights up to the run date counts (1 = the run date only); each code's
   * latest taxonomy up to the run date gives its category. Output: {@code person_id, partner_segments} (distinct
   * codes, sorted), {@code partner_categories} (category -> sorted codes; codes without a category only in the
   * former); grain: one row per person with a code.
   */
  public static Dataset<Row> partners(Dataset<Row> deliveries, Dataset<Row> taxonomy, Dataset<Row> graph, LocalDate date, int maxAgeDays) {
    Dataset<Row> latest = deliveries.where(col("run_date").between(lit(date.minusDays(maxAgeDays - 1L)), lit(date)))
        .groupBy(col("partner"), col("partner_uid"))
        .agg(max_by(col("segments"), struct(col("run_date"), col("record_id"))).as("segments"));
    Dataset<Row> g = graph.select(col("id_type").as("g_type"), col("id_value").as("g_value"), col("person_id"));
    Dataset<Row> codes = latest.join(g, concat(lit("partner_uid:"), col("partner")).equalTo(col("g_type")).and(col("partner_uid").equalTo(col("g_value"))))
        .select(col("person_id"), col("partner"), explode(col("segments")).as("code"))
        .where(trim(col("code")).notEqual(""));
    Dataset<Row> categories = taxonomy.where(col("run_date").leq(lit(date)))
        .groupBy(col("partner").as("t_partner"), col("segment_code"))
        .agg(max_by(col("category"), struct(col("run_date"), col("record_id"))).as("category"));
    Dataset<Row> typed = codes.join(broadcast(categories), col("partner").equalTo(col("t_partner")).and(col("code").equalTo(col("segment_code"))), "left");
    Dataset<Row> all = typed.groupBy(col("person_id")).agg(array_sort(collect_set(col("code"))).as("partner_segments"));
    Dataset<Row> byCategory = typed.where(col("category").isNotNull())
        .groupBy(col("person_id"), col("category")).agg(array_sort(collect_set(col("code"))).as("codes"))
        .groupBy(col("person_id")).agg(map_from_entries(array_sort(collect_list(struct(col("category"), col("codes"))))).as("partner_categories"));
    return all.join(byCategory, "person_id", "left");
  }

  /**
   * Each attribute's surviving value and its source, from a row's {@code attribute_values}: columns {@code
   * sv__<name>} and {@code ss__<name>} (null when no source stated a value). Rules: most_recent (latest
   * last_seen, ties: the earlier source of {@code sources}, then the larger value), source_priority (the first
   * source of {@code sources} with a value, its latest), first_seen (earliest first_seen, ties: source order, then
   * the smaller value), union (every value, sorted, joined with '|'; the sources that stated one, in order, joined
   * with ',').
   */
  static List<Column> survivors(ProfilesConfig conf) {
    List<Column> out = new ArrayList<>();
    for (Attribute a : conf.attributes()) {
      String cand = "filter(attribute_values, e -> e.field = '" + a.field() + "' AND e.source IN (" + quoted(a.sources()) + "))";
      StringBuilder prio = new StringBuilder("CASE e.source");
      for (int i = 0; i < a.sources().size(); i++) {
        prio.append(" WHEN '").append(a.sources().get(i)).append("' THEN ").append(i);
      }
      prio.append(" END");
      String chosen = switch (a.kind()) {
        case MOST_RECENT -> "array_max(transform(" + cand + ", e -> named_struct('d', e.last_seen, 'p', -(" + prio + "), 'v', e.value, 's', e.source)))";
        case SOURCE_PRIORITY -> "array_max(transform(" + cand + ", e -> named_struct('p', -(" + prio + "), 'd', e.last_seen, 'v', e.value, 's', e.source)))";
        case FIRST_SEEN -> "array_min(transform(" + cand + ", e -> named_struct('d', e.first_seen, 'p', " + prio + ", 'v', e.value, 's', e.source)))";
        case UNION -> null;
      };
      if (chosen != null) {
        out.add(expr(chosen + ".v").as("sv__" + a.name()));
        out.add(expr(chosen + ".s").as("ss__" + a.name()));
      } else {
        out.add(expr("IF(size(" + cand + ") > 0, array_join(array_sort(array_distinct(transform(" + cand + ", e -> e.value))), '|'), NULL)")
            .as("sv__" + a.name()));
        out.add(expr("IF(size(" + cand + ") > 0, array_join(filter(array(" + quoted(a.sources()) + "), x -> exists(" + cand
            + ", e -> e.source = x)), ','), NULL)").as("ss__" + a.name()));
      }
    }
    return out;
  }

  private static String quoted(List<String> values) {
    return values.stream().map(v -> "'" + v + "'").collect(Collectors.joining(", "));
  }

  /** A map of the attributes' columns with that prefix, null values left out. */
  private static Column attributeMap(ProfilesConfig conf, String prefix) {
    if (conf.attributes().isEmpty()) {
      return expr("cast(map() as map<string,string>)");
    }
    String pairs = conf.attributes().stream().map(a -> "'" + a.name() + "', " + prefix + a.name()).collect(Collectors.joining(", "));
    return expr("map_filter(map(" + pairs + "), (k, x) -> x IS NOT NULL)");
  }

  private static Column survivor(ProfilesConfig conf, String name) {
    return conf.attribute(name) == null ? lit(null).cast("string") : col("sv__" + name);
  }

  /** Whole years from a date to the run date (a 29 February birthday is reached on 1 March). */
  static Column age(Column birth, LocalDate date) {
    int md = date.getMonthValue() * 100 + date.getDayOfMonth();
    Column before = lit(md).lt(org.apache.spark.sql.functions.month(birth).multiply(100).plus(org.apache.spark.sql.functions.dayofmonth(birth)));
    return lit(date.getYear()).minus(org.apache.spark.sql.functions.year(birth)).minus(when(before, 1).otherwise(0)).cast("int");
  }

  private static Column has(String idType) {
    return coalesce(array_contains(map_keys(col("identifiers")), idType), lit(false));
  }

  /**
   * Tonight's profiles. Inputs (each keyed by person_id): {@link #carried} (the previous night's), {@link
   * #identities} (the graph: a person without an identifier gets no profile), {@link #customers}, {@link
   * #activity}, {@link #values}, {@link #partners}, identity.households ({@code person_id, household_id}), and
   * {@link GeoReference#table} ({@code department, region, nearest_agency}). The population is every carried
   * person, every active one and every live customer, that still has an identifier; of those, persons inactive
   * longer than {@code ttl_days} (run date - last_activity, or - first_seen when never active) drop out, except
   * live customers. Output: gold.profiles columns but run_date; grain: one row per person.
   *
   * <p>CRM values stay in the survivorship state only while the person is a live customer (a deleted record takes
   * its statements along). Consent per purpose: the later of the live CRM record's statement and the consent
   * banner's ({@link #webConsents}); on the same date a refusal wins. Consent dates: a purpose keeps its previous
   * date while its value is unchanged, otherwise takes the date of tonight's statement. Contactability: email =
   * consent_email and a hashed email known (identifier or CRM); sms = consent_sms and a hashed phone; postal =
   * consent_postal and a CRM street and postcode; ads = consent_ads (when nobody stated it: {@code
   * ads_without_crm_consent}) and an identifier of {@code ads_id_types}.
   */
  public static Dataset<Row> profiles(Dataset<Row> carried, Dataset<Row> identities, Dataset<Row> customers, Dataset<Row> webConsents,
      Dataset<Row> activity, Dataset<Row> values, Dataset<Row> partners, Dataset<Row> households, Dataset<Row> geo, LocalDate date,
      ProfilesConfig conf) {
    Dataset<Row> population = carried.select("person_id")
        .unionByName(activity.select("person_id"))
        .unionByName(customers.where(col("is_customer")).select("person_id"))
        .distinct()
        .join(identities, "person_id");
    Dataset<Row> j = population
        .join(carried, "person_id", "left")
        .join(customers, "person_id", "left")
        .join(webConsents, "person_id", "left")
        .join(activity, "person_id", "left")
        .join(values, "person_id", "left")
        .join(partners, "person_id", "left")
        .join(households.select("person_id", "household_id"), "person_id", "left")
        .withColumn("is_customer", coalesce(col("is_customer"), lit(false)))
        .withColumn("attribute_values", expr("filter(coalesce(attribute_values, array()), e -> e.source <> 'crm' OR is_customer)"))
        .withColumn("first_seen", least(col("prev_first_seen"), col("graph_first_seen"), col("active_on")))
        .withColumn("last_activity", greatest(col("prev_last_activity"), col("active_on")));
    Column keep = col("is_customer").or(datediff(lit(date), coalesce(col("last_activity"), col("first_seen"))).leq(conf.ttlDays()));
    j = j.where(keep);
    List<Column> withSurvivors = new ArrayList<>();
    withSurvivors.add(col("*"));
    withSurvivors.addAll(survivors(conf));
    j = j.select(withSurvivors.toArray(Column[]::new))
        .withColumn("postcode", survivor(conf, "postcode"))
        .withColumn("department", GeoReference.department("postcode"));
    Dataset<Row> g = geo.select(col("department").as("geo_department"), col("region"), col("nearest_agency"));
    j = j.join(broadcast(g), col("department").equalTo(col("geo_department")), "left");

    for (String p : PURPOSES) {
      j = j.withColumn("stmt_" + p, latestStatement(crmStatement(p), col("web_consent_" + p)));
    }
    List<Column> consentDates = new ArrayList<>();
    for (String p : PURPOSES) {
      Column now = col("stmt_" + p).getField("value");
      Column prev = col("prev_consent_" + p);
      consentDates.add(lit(p));
      consentDates.add(when(now.isNull(), lit(null).cast("date"))
          .when(prev.getField("value").eqNullSafe(now).and(prev.getField("date").isNotNull()), prev.getField("date"))
          .otherwise(col("stmt_" + p).getField("date")));
    }
    for (String p : PURPOSES) {
      j = j.withColumn("consent_" + p, col("stmt_" + p).getField("value"));
    }
    Column dates = org.apache.spark.sql.functions.map_filter(
        org.apache.spark.sql.functions.map(consentDates.toArray(Column[]::new)), (k, v) -> v.isNotNull());
    Column adsId = lit(false);
    for (String t : conf.contactability().adsIdTypes()) {
      adsId = adsId.or(has(t));
    }
    Column adsConsent = coalesce(col("consent_ads"), lit(conf.contactability().adsWithoutCrmConsent()));
    Column birth = survivor(conf, "birth_date").cast("date");
    return j.select(
        col("person_id"), col("crm_id"), col("identifiers"), col("is_customer"), coalesce(col("vip"), lit(false)).as("vip"),
        col("customer_since"), age(birth, date).as("age"), col("postcode"), survivor(conf, "city").as("city"), col("region"),
        col("nearest_agency"), col("household_id"),
        col("consent_email"), col("consent_sms"), col("consent_postal"), col("consent_ads"), col("consent_analytics"),
        col("consent_data_sharing"), dates.as("consent_dates"),
        coalesce(col("consent_email"), lit(false)).and(has("email_sha256").or(coalesce(col("crm_email"), lit(false)))).as("contactable_email"),
        coalesce(col("consent_sms"), lit(false)).and(has("phone_sha256").or(coalesce(col("crm_phone"), lit(false)))).as("contactable_sms"),
        coalesce(col("consent_postal"), lit(false)).and(coalesce(col("has_address"), lit(false))).as("contactable_postal"),
        adsConsent.and(adsId).as("contactable_ads"),
        coalesce(col("partner_segments"), expr("cast(array() as array<string>)")).as("partner_segments"),
        coalesce(col("partner_categories"), expr("cast(map() as map<string,array<string>>)")).as("partner_categories"),
        attributeMap(conf, "sv__").as("attributes"), attributeMap(conf, "ss__").as("attribute_sources"),
        col("attribute_values"), col("first_seen"), col("last_activity"));
  }

  /** The CRM's statement of a purpose, {@code struct(value, date)}, null when the CRM states nothing for it. */
  private static Column crmStatement(String purpose) {
    if (!CRM_PURPOSES.contains(purpose)) {
      return lit(null).cast("struct<value:boolean,date:date>");
    }
    Column value = col("consent_" + purpose);
    return when(value.isNotNull(), struct(value.as("value"), col("consent_date").as("date")));
  }

  /** The later of two statements {@code struct(value, date)}; on the same date a refusal wins. */
  private static Column latestStatement(Column a, Column b) {
    Column aDate = a.getField("date");
    Column bDate = b.getField("date");
    return when(b.isNull(), a).when(a.isNull(), b).when(aDate.gt(bDate), a).when(bDate.gt(aDate), b)
        .otherwise(struct(a.getField("value").and(b.getField("value")).as("value"), aDate.as("date")));
  }
}
