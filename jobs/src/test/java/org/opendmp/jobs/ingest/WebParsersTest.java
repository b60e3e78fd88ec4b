package org.opendmp.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.opendmp.common.ids.IdNormalizer;
import org.opendmp.common.ids.Identifiers;

class WebParsersTest {
  static final Path CONF = Path.of("..", "conf");
  static final TaggingPlan PLAN = TaggingPlan.load(CONF.resolve("tagging.yaml"));
  static final BotPatterns BOTS = BotPatterns.load(CONF.resolve("bots.yaml"));
  static final LineParser COMBINED = WebParsers.combined(PLAN, BOTS, IdNormalizer.defaults());
  static final LineParser COLLECTOR = WebParsers.collector(PLAN, BOTS, IdNormalizer.defaults());
  static final String UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36";

  /** Column positions in bronze.web_events' parse schema. */
  static int col(String name) {
    return java.util.Arrays.asList(new FileKind("t", "x", org.opendmp.common.table.Tables.WEB_EVENTS, null, COMBINED, "", false)
        .parseSchema().fieldNames()).indexOf(name);
  }

  static Object get(LineParser.Parsed p, String column) {
    assertThat(p.rejectReason()).as("reject reason").isNull();
    return p.values()[col(column)];
  }

  @Test
  void theRealAccessLogParsesAtLeast995Percent() throws IOException {
    int lines = 0;
    int rejected = 0;
    int bots = 0;
    Map<String, Integer> reasons = new HashMap<>();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(new GZIPInputStream(
            getClass().getResourceAsStream("/real/apache_access_combined.log.gz")), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        lines++;
        String unreadable = Masking.unreadable(line);
        LineParser.Parsed p = unreadable != null ? LineParser.Parsed.reject(unreadable) : COMBINED.parse(line, "access.log");
        if (p.rejected()) {
          rejected++;
          reasons.merge(p.rejectReason(), 1, Integer::sum);
        } else if ((Boolean) p.values()[col("is_bot")]) {
          bots++;
        }
      }
    }
    assertThat(lines).isEqualTo(10_000);
    assertThat(1.0 - (double) rejected / lines).as("parsed share, rejects: %s", reasons).isGreaterThanOrEqualTo(0.995);
    assertThat(rejected).as("the one line whose user agent is cut off").isEqualTo(1);
    assertThat(reasons).containsKey("truncated line (unclosed quote)");
    assertThat(bots).as("crawlers in a real log").isBetween(500, 5000);
  }

  @Test
  void combinedLineWithCookieAndLogin() {
    String line = "1.2.3.4 - - [01/Nov/2026:10:00:00 +0100] \"GET /p/cars/SKU-42?x=1 HTTP/1.1\" 200 512 \"-\" \"" + UA + "\" \"c-abc\" \" Jean.D \"";
    LineParser.Parsed p = COMBINED.parse(line, "access-web1.log");
    assertThat(get(p, "event_time")).isEqualTo(Instant.parse("2026-11-01T09:00:00Z"));
    assertThat(get(p, "source_format")).isEqualTo("combined_ids");
    assertThat(get(p, "cookie")).isEqualTo("c-abc");
    assertThat(get(p, "login")).isEqualTo("jean.d");
    assertThat(get(p, "event_type")).isEqualTo("product_view");
    assertThat(get(p, "sku")).isEqualTo("SKU-42");
    assertThat(get(p, "category")).isEqualTo("cars");
    assertThat(get(p, "is_bot")).isEqualTo(false);
    assertThat(get(p, "status")).isEqualTo(200);
    assertThat(get(p, "bytes")).isEqualTo(512L);
  }

  @Test
  void junkIdsBecomeNullAndPlainCombinedHasNone() {
    String junk = "1.2.3.4 - - [01/Nov/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"" + UA + "\" \"anonymous\" \"null\"";
    assertThat(get(COMBINED.parse(junk, "a.log"), "cookie")).isNull();
    assertThat(get(COMBINED.parse(junk, "a.log"), "login")).isNull();
    String plain = "1.2.3.4 - - [01/Nov/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 200 - \"http://x/\" \"" + UA + "\"";
    LineParser.Parsed p = COMBINED.parse(plain, "a.log");
    assertThat(get(p, "source_format")).isEqualTo("combined");
    assertThat(get(p, "bytes")).isNull();
    assertThat(get(p, "referrer")).isEqualTo("http://x/");
  }

  @Test
  void taggingPlanCoversEveryEventType() {
    String hash = Identifiers.emailSha256("a@b.fr");
    assertThat(PLAN.tag("/search?q=voiture+occasion").searchQuery()).isEqualTo("voiture occasion");
    assertThat(PLAN.tag("/search?q=voiture+occasion").eventType()).isEqualTo("search");
    assertThat(PLAN.tag("/cart/add?sku=S1").eventType()).isEqualTo("cart_add");
    assertThat(PLAN.tag("/cart/abandon?sku=S1").sku()).isEqualTo("S1");
    assertThat(PLAN.tag("/checkout").eventType()).isEqualTo("checkout");
    TaggingPlan.Tag purchase = PLAN.tag("/order/confirm?order=O-1&amount=49.9");
    assertThat(purchase.eventType()).isEqualTo("purchase");
    assertThat(purchase.orderId()).isEqualTo("O-1");
    assertThat(purchase.amount()).isEqualTo(new BigDecimal("49.90"));
    TaggingPlan.Tag click = PLAN.tag("/?utm_campaign=NL-11&eh=" + hash.toUpperCase());
    assertThat(click.eventType()).isEqualTo("email_click");
    assertThat(click.emailSha256()).isEqualTo(hash);
    assertThat(click.campaign()).isEqualTo("NL-11");
    assertThat(PLAN.tag("/c/fashion").category()).isEqualTo("fashion");
    assertThat(PLAN.tag("/static/logo.png").eventType()).isEqualTo("asset");
    assertThat(PLAN.tag("/about").eventType()).isEqualTo("page_view");
  }

  @Test
  void theConsentBannerSignalIsKeptWhenWellFormedAndRejectedOtherwise() {
    TaggingPlan.Tag consent = PLAN.tag("/consent?c=analytics%3A1%2Cads%3A0%2Cdata_sharing%3A0");
    assertThat(consent.eventType()).isEqualTo("consent");
    assertThat(consent.consent()).isEqualTo("analytics:1,ads:0,data_sharing:0");
    String line = "1.2.3.4 - - [01/Nov/2026:10:00:00 +0000] \"GET /consent?c=ads:1,newsletter:1 HTTP/1.1\" 200 5 \"-\" \"" + UA + "\"";
    assertThat(parseWithGuards(COMBINED, line).rejectReason())
        .startsWith("bad consent signal: unknown consent purpose 'newsletter'");
    String twice = line.replace("newsletter:1", "ads:0");
    assertThat(parseWithGuards(COMBINED, twice).rejectReason()).isEqualTo("bad consent signal: consent for ads stated twice");
  }

  @Test
  void purchaseWithABadAmountIsRejected() {
    String line = "1.2.3.4 - - [01/Nov/2026:10:00:00 +0000] \"GET /order/confirm?order=O1&amount=12,5x HTTP/1.1\" 200 5 \"-\" \"" + UA + "\"";
    LineParser.Parsed p = parseWithGuards(COMBINED, line);
    assertThat(p.rejectReason()).isEqualTo("bad number in amount: '12,5x'");
  }

  @Test
  void botsAreFlaggedNotDropped() {
    String line = "66.249.66.1 - - [01/Nov/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)\"";
    assertThat(get(COMBINED.parse(line, "a.log"), "is_bot")).isEqualTo(true);
    String curl = "1.1.1.1 - - [01/Nov/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"curl/8.1\"";
    assertThat(get(COMBINED.parse(curl, "a.log"), "is_bot")).isEqualTo(true);
  }

  @Test
  void collectorEvents() {
    String app = "{\"ts\":\"2026-11-01T10:00:00.123Z\",\"event\":\"page_view\",\"url\":\"/p/home/SKU-9\",\"cookie\":null,\"maid\":\"m-1\",\"login\":\"U1\",\"ip\":\"1.2.3.4\",\"ua\":\"" + UA + "\"}";
    LineParser.Parsed p = COLLECTOR.parse(app, "collector-app.ndjson");
    assertThat(get(p, "maid")).isEqualTo("m-1");
    assertThat(get(p, "login")).isEqualTo("u1");
    assertThat(get(p, "event_type")).isEqualTo("product_view");
    String abandon = "{\"ts\":\"2026-11-01T10:00:00Z\",\"event\":\"cart_abandon\",\"url\":\"/cart/abandon?sku=S7\",\"cookie\":\"c1\",\"ua\":\"" + UA + "\"}";
    assertThat(get(COLLECTOR.parse(abandon, "c.ndjson"), "event_type")).isEqualTo("cart_abandon");
    assertThat(get(COLLECTOR.parse(abandon, "c.ndjson"), "sku")).isEqualTo("S7");
    assertThat(parseWithGuards(COLLECTOR, "{\"ts\":\"2026-11-01T10:00:00Z\",\"event\":").rejectReason()).startsWith("bad JSON");
    assertThat(parseWithGuards(COLLECTOR, "{\"ts\":\"yesterday\",\"event\":\"page_view\",\"url\":\"/\"}").rejectReason())
        .isEqualTo("bad timestamp in ts: 'yesterday'");
    assertThat(parseWithGuards(COLLECTOR, "{\"ts\":\"2026-11-01T10:00:00Z\",\"url\":\"/\"}").rejectReason()).isEqualTo("missing event");
  }

  @Test
  void unreadableLines() {
    assertThat(Masking.unreadable("")).isEqualTo("empty line");
    assertThat(Masking.unreadable("abc\u0000\u0001def")).isEqualTo("binary or control characters");
    assertThat(Masking.unreadable("caf\uFFFD")).isEqualTo("invalid UTF-8 (wrong encoding?)");
    assertThat(Masking.unreadable("ok\tline")).isNull();
  }

  @Test
  void maskingHidesContactData() {
    assertThat(Masking.mask("C1;Jean;Dupont;jean.dupont@free.fr;06 12 34 56 78;x", true))
        .doesNotContain("jean", "Dupont", "free.fr", "12 34")
        .contains("<email>", "<phone>", "C1;J*;D*");
    assertThat(Masking.mask("GET /?email=a@b.fr", false)).isEqualTo("GET /?email=<email>");
  }

  /** Runs a parser the way the ingest engine does: bad fields become reject reasons. */
  static LineParser.Parsed parseWithGuards(LineParser parser, String line) {
    try {
      return parser.parse(line, "file.csv");
    } catch (Fields.BadField e) {
      return LineParser.Parsed.reject(e.getMessage());
    }
  }
}
