package org.opendmp.jobs.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opendmp.common.ids.IdNormalizer;

/**
 * Parsers of the web feeds into {@code bronze.web_events}: Apache/NGINX combined log lines (with or without the
 * two trailing quoted cookie and login fields) and NDJSON collector events. Both tag URLs with the tagging
 * plan and flag bots by user agent.
 */
final class WebParsers {
  private WebParsers() {}

  private static final String QUOTED = "\"((?:[^\"\\\\]|\\\\.)*)\"";

  /** host ident user [time] "request" status bytes ["referrer" "ua" ["cookie" "login"]] */
  static final Pattern COMBINED =
      Pattern.compile(
          "^(\\S+) (\\S+) (\\S+) \\[([^\\]]+)\\] " + QUOTED + " (\\d{3}|-) (\\d+|-)"
              + "(?: " + QUOTED + " " + QUOTED + ")?(?: " + QUOTED + " " + QUOTED + ")?\\s*$");

  private static final DateTimeFormatter CLF_TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);

  /** Parses combined log lines. */
  static LineParser combined(TaggingPlan plan, BotPatterns bots, IdNormalizer ids) {
    return (line, fileName) -> {
      Matcher m = COMBINED.matcher(line);
      if (!m.matches()) {
        return LineParser.Parsed.reject(line.indexOf('"') >= 0 && line.chars().filter(c -> c == '"').count() % 2 == 1
            ? "truncated line (unclosed quote)" : "not a combined log line");
      }
      Instant time;
      try {
        time = ZonedDateTime.parse(m.group(4), CLF_TIME).toInstant();
      } catch (DateTimeParseException e) {
        return LineParser.Parsed.reject("bad timestamp: '" + Fields.abbreviate(m.group(4)) + "'");
      }
      String[] request = m.group(5).split(" ");
      if (request.length < 2 || request.length > 3) {
        return LineParser.Parsed.reject("malformed request: '" + Fields.abbreviate(m.group(5)) + "'");
      }
      boolean withIds = m.group(10) != null;
      String ua = unescape(m.group(9));
      return web(
          time, withIds ? "combined_ids" : "combined", m.group(1), request[0], request[1],
          Fields.integer(m.group(6), "status", false), longOrNull(m.group(7)), dash(unescape(m.group(8))), ua,
          withIds ? ids.plain(unescape(m.group(10))) : null, withIds ? ids.login(unescape(m.group(11))) : null, null,
          null, plan, bots);
    };
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Parses collector events: {@code ts}, {@code event} and {@code url} are required; {@code cookie},
   * {@code maid}, {@code login}, {@code ip}, {@code ua} optional. A {@code page_view} is classified by the
   * tagging plan; other events keep their type and take their fields from the URL.
   */
  static LineParser collector(TaggingPlan plan, BotPatterns bots, IdNormalizer ids) {
    return (line, fileName) -> {
      JsonNode n;
      try {
        n = JSON.readTree(line);
      } catch (java.io.IOException e) {
        return LineParser.Parsed.reject("bad JSON: " + Fields.abbreviate(firstLine(e)));
      }
      if (n == null || !n.isObject()) {
        return LineParser.Parsed.reject("bad JSON: not an object");
      }
      String event = Fields.required(str(n, "event"), "event");
      String url = Fields.required(str(n, "url"), "url");
      Instant time = Fields.timestamp(str(n, "ts"), "ts", true);
      return web(
          time, "ndjson", str(n, "ip"), "GET", url, null, null, null, str(n, "ua"),
          ids.plain(str(n, "cookie")), ids.login(str(n, "login")), ids.plain(str(n, "maid")),
          event.equals("page_view") ? null : event, plan, bots);
    };
  }

  private static String firstLine(java.io.IOException e) {
    return e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
  }

  private static LineParser.Parsed web(
      Instant time, String format, String ip, String method, String url, Integer status, Long bytes,
      String referrer, String ua, String cookie, String login, String maid, String explicitEvent,
      TaggingPlan plan, BotPatterns bots) {
    TaggingPlan.Tag tag = plan.tag(url);
    String event = explicitEvent != null ? explicitEvent : tag.eventType();
    return LineParser.Parsed.ok(
        time, format, ip, method, url, status, bytes, referrer, ua, cookie, login, maid, event, tag.sku(),
        tag.category(), tag.searchQuery(), tag.orderId(), tag.amount(), tag.emailSha256(), tag.campaign(),
        bots.isBot(ua), tag.consent());
  }

  private static String str(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static String dash(String v) {
    return v == null || v.equals("-") ? null : v;
  }

  private static Long longOrNull(String v) {
    return v == null || v.equals("-") ? null : Long.parseLong(v);
  }

  private static String unescape(String v) {
    return v == null ? null : v.replace("\\\"", "\"").replace("\\\\", "\\");
  }
}
