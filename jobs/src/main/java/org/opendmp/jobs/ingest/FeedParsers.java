package org.opendmp.jobs.ingest;

import static org.opendmp.jobs.ingest.Fields.amount;
import static org.opendmp.jobs.ingest.Fields.columns;
import static org.opendmp.jobs.ingest.Fields.date;
import static org.opendmp.jobs.ingest.Fields.flag;
import static org.opendmp.jobs.ingest.Fields.integer;
import static org.opendmp.jobs.ingest.Fields.required;
import static org.opendmp.jobs.ingest.Fields.text;
import static org.opendmp.jobs.ingest.Fields.timestamp;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opendmp.common.ids.IdNormalizer;
import org.opendmp.jobs.ingest.Fields.BadField;
import org.opendmp.jobs.ingest.LineParser.Parsed;

/**
 * Parsers of the delimited feeds (docs/LANDING.md). Each returns the bronze values in the order of its table's
 * columns (then side columns), with identifiers normalised and contact data hashed; a bad field rejects the
 * line with a reason naming the column.
 */
final class FeedParsers {
  private FeedParsers() {}

  static final String AD_HEADER = "event_time,ad_cookie,campaign_id,creative_id,placement_id,site,ip,user_agent";

  /** Impressions and clicks; the event type comes from the file name. */
  static LineParser adEvents(BotPatterns bots, IdNormalizer ids) {
    return (line, fileName) -> {
      List<String> c = columns(line, ',', 8);
      String type = fileName.startsWith("clicks") ? "click" : "impression";
      String ua = text(c.get(7));
      return Parsed.ok(
          timestamp(c.get(0), "event_time", true), type, ids.plain(c.get(1)), text(c.get(2)), text(c.get(3)),
          text(c.get(4)), text(c.get(5)), text(c.get(6)), ua, bots.isBot(ua));
    };
  }

  static final String IDSYNC_HEADER = "sync_time,partner,partner_uid,cookie";

  static LineParser idSync(IdNormalizer ids) {
    return (line, fileName) -> {
      List<String> c = columns(line, ',', 4);
      return Parsed.ok(
          timestamp(c.get(0), "sync_time", true), required(c.get(1), "partner"), ids.plain(c.get(2)), ids.plain(c.get(3)));
    };
  }

  static final String CRM_COLUMNS =
      "crm_id;first_name;last_name;email;phone;birth_date;street;postcode;city;loyalty_card;login;customer_since;vip;"
          + "consent_email;consent_sms;consent_postal;consent_ads;updated_at";
  static final String CRM_SIDE = "first_name STRING, last_name STRING, email STRING, phone STRING, street STRING";
  private static final Pattern CRM_FILE = Pattern.compile("customers_(full|delta)_(\\d{8})\\.csv(\\.gz)?");

  /** CRM full and delta extracts: hashed keys in bronze, clear contact values as side columns. */
  static LineParser crm(IdNormalizer ids) {
    return (line, fileName) -> {
      Matcher f = CRM_FILE.matcher(fileName);
      if (!f.matches()) {
        throw new BadField("not a CRM extract file name: " + fileName);
      }
      boolean full = f.group(1).equals("full");
      LocalDate extractDate = LocalDate.parse(f.group(2), DateTimeFormatter.BASIC_ISO_DATE);
      List<String> all = columns(line, ';', full ? 18 : 19);
      String op = full ? "F" : required(all.get(0), "op").toUpperCase(java.util.Locale.ROOT);
      if (!List.of("F", "I", "U", "D").contains(op)) {
        throw new BadField("bad op: '" + Fields.abbreviate(op) + "' (expected I, U or D)");
      }
      List<String> c = full ? all : all.subList(1, all.size());
      String crmId = ids.plain(c.get(0));
      if (crmId == null) {
        throw new BadField("missing crm_id");
      }
      return Parsed.ok(
          full ? "full" : "delta", extractDate, op, crmId, ids.emailSha256(c.get(3)), ids.phoneSha256(c.get(4)),
          ids.login(c.get(10)), ids.plain(c.get(9)), date(c.get(5), "birth_date", false), text(c.get(7)),
          text(c.get(8)), date(c.get(11), "customer_since", false), flag(c.get(12), "vip", "1", "0"),
          flag(c.get(13), "consent_email", "Y", "N"), flag(c.get(14), "consent_sms", "Y", "N"),
          flag(c.get(15), "consent_postal", "Y", "N"), flag(c.get(16), "consent_ads", "Y", "N"),
          timestamp(c.get(17), "updated_at", true),
          text(c.get(1)), text(c.get(2)), text(c.get(3)), text(c.get(4)), text(c.get(6)));
    };
  }

  static final String POS_HEADER =
      "transaction_id,store_id,txn_time,loyalty_card,first_name,last_name,postcode,sku,category,quantity,amount";
  static final String POS_SIDE = "first_name STRING, last_name STRING";

  static LineParser pos(IdNormalizer ids) {
    return (line, fileName) -> {
      List<String> c = columns(line, ',', 11);
      String first = text(c.get(4));
      String last = text(c.get(5));
      return Parsed.ok(
          required(c.get(0), "transaction_id"), text(c.get(1)), timestamp(c.get(2), "txn_time", true),
          ids.plain(c.get(3)), text(c.get(6)), first != null || last != null, text(c.get(7)), text(c.get(8)),
          integer(c.get(9), "quantity", false), amount(c.get(10), "amount", true), first, last);
    };
  }

  static final String WIFI_HEADER = "login_time,store_id,email,phone,maid";
  static final String WIFI_SIDE = "email STRING, phone STRING";

  static LineParser wifi(IdNormalizer ids) {
    return (line, fileName) -> {
      List<String> c = columns(line, ',', 5);
      return Parsed.ok(
          timestamp(c.get(0), "login_time", true), text(c.get(1)), ids.emailSha256(c.get(2)),
          ids.phoneSha256(c.get(3)), ids.plain(c.get(4)), text(c.get(2)), text(c.get(3)));
    };
  }

  static final String APPOINTMENT_HEADER = "appointment_id,crm_id,appointment_time,reason,agent_id";

  static LineParser appointments(IdNormalizer ids) {
    return (line, fileName) -> {
      List<String> c = columns(line, ',', 5);
      return Parsed.ok(
          required(c.get(0), "appointment_id"), ids.plain(c.get(1)), timestamp(c.get(2), "appointment_time", true),
          text(c.get(3)), text(c.get(4)));
    };
  }

  static final String MAILING_HEADER = "mailing_id,crm_id,catalog_code,mailing_date";

  static LineParser mailings(IdNormalizer ids) {
    return (line, fileName) -> {
      List<String> c = columns(line, ',', 4);
      return Parsed.ok(
          required(c.get(0), "mailing_id"), ids.plain(c.get(1)), text(c.get(2)), date(c.get(3), "mailing_date", true));
    };
  }

  /** {@code uid<TAB>seg1,seg2}: a partner's current segments for one of its uids. */
  static LineParser partnerSegments(String partner, IdNormalizer ids) {
    return (line, fileName) -> {
      List<String> c = columns(line, '\t', 2);
      String uid = ids.plain(c.get(0));
      if (uid == null) {
        throw new BadField("missing uid");
      }
      List<String> segs = Arrays.stream(c.get(1).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
      for (String s : segs) {
        if (!s.matches("[A-Za-z0-9_\\-.:]+")) {
          throw new BadField("bad segment code: '" + Fields.abbreviate(s) + "'");
        }
      }
      return Parsed.ok(partner, uid, scala.jdk.javaapi.CollectionConverters.asScala(segs).toSeq());
    };
  }

  static final String TAXONOMY_HEADER = "segment_code,segment_name,category";

  static LineParser taxonomy(String partner) {
    return (line, fileName) -> {
      List<String> c = columns(line, ',', 3);
      return Parsed.ok(partner, required(c.get(0), "segment_code"), text(c.get(1)), text(c.get(2)));
    };
  }
}
