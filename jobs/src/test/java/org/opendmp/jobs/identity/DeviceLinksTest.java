package org.opendmp.jobs.identity;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.opendmp.common.testing.DatasetAssert.assertRows;
import static org.opendmp.common.testing.DatasetAssert.rows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opendmp.common.DmpException;

/** Device links on hand-made hits. */
class DeviceLinksTest {
  private static final String WEB = "event_time TIMESTAMP, ip STRING, user_agent STRING, cookie STRING, maid STRING, is_bot BOOLEAN";
  private static final String PREVIOUS =
      "id_type_a STRING, id_value_a STRING, id_type_b STRING, id_value_b STRING, first_seen DATE, last_seen DATE, days_seen INT";
  private static final LocalDate D = LocalDate.parse("2026-11-03");
  private static final DeviceConfig CONF = DeviceConfig.DEFAULTS;

  static final String DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";
  static final String DESKTOP_FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0";
  static final String MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15";
  static final String IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1";
  static final String ANDROID_PHONE = "Mozilla/5.0 (Linux; Android 14; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36";
  static final String IPAD = "Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1";
  static final String ANDROID_TABLET = "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";
  static final String APP = "MaisonApp/4.2.0 (Linux; Android 14; SM-S911B)";
  static final String BOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

  static Object[] hit(String time, String ip, String ua, String cookie) {
    return new Object[] {Timestamp.valueOf(D + " " + time), ip, ua, cookie, null, false};
  }

  static Object[] appHit(String time, String ip, String maid) {
    return new Object[] {Timestamp.valueOf(D + " " + time), ip, APP, null, maid, false};
  }

  static Dataset<Row> links(DeviceConfig conf, Object[]... hits) {
    return DeviceLinks.links(DeviceLinks.hits(rows(WEB, hits)), rows(PREVIOUS), D, conf);
  }

  static Object[] link(String typeA, String a, String typeB, String b, double bits, long n) {
    double p = java.math.BigDecimal.valueOf(1 / (1 + Math.pow(2, -bits))).setScale(9, java.math.RoundingMode.HALF_UP).doubleValue();
    return new Object[] {typeA, a, typeB, b, "device_ip_ua", "device", p, n};
  }

  /** The links without their weights, the probability to 9 decimals. */
  static Dataset<Row> withoutWeights(Dataset<Row> links) {
    return links.drop("match_weights").withColumn("match_probability", org.apache.spark.sql.functions.round(col("match_probability"), 9));
  }

  @Test
  void differentDevicesOnOneLineCloseInTimeAreLinked() {
    Dataset<Row> out = links(CONF,
        hit("20:00:00", "82.1.1.1", DESKTOP, "c-desk"), hit("20:03:00", "82.1.1.1", DESKTOP, "c-desk"),
        hit("20:20:00", "82.1.1.1", IPHONE, "c-phone"),
        hit("23:30:00", "82.1.1.1", IPHONE, "c-phone")); // a later visit alone: no second co-occurrence
    assertRows(withoutWeights(out), link("cookie", "c-desk", "cookie", "c-phone", 2.5, 1));
    Map<String, Double> weights = out.first().getJavaMap(out.first().fieldIndex("match_weights"));
    assertThat(weights).containsExactlyInAnyOrderEntriesOf(
        Map.of("prior", 2.5, "ids_on_ip", 0.0, "co_occurrences", 0.0, "ips", 0.0, "nights", 0.0));
    assertThat(out.first().<Double>getAs("match_probability")).isGreaterThanOrEqualTo(CONF.threshold());
  }

  @Test
  void anAppMaidPairsWithTheDesktopCookieInCanonicalOrder() {
    Dataset<Row> out = links(CONF,
        appHit("08:00:00", "82.1.1.1", "m-1"), hit("08:29:00", "82.1.1.1", MAC, "z-desk"));
    assertRows(withoutWeights(out), link("cookie", "z-desk", "maid", "m-1", 2.5, 1));
  }

  @Test
  void anAddressWithTooManyCookiesMakesNoLink() {
    Object[][] office = {
      hit("10:00:00", "193.51.24.10", DESKTOP, "c1"), hit("10:01:00", "193.51.24.10", IPHONE, "c2"),
      hit("10:02:00", "193.51.24.10", IPAD, "c3"), hit("10:03:00", "193.51.24.10", ANDROID_PHONE, "c4"),
      hit("10:04:00", "193.51.24.10", MAC, "c5"), appHit("10:05:00", "193.51.24.10", "m6")
    };
    assertThat(links(CONF, office).count()).isZero();
    // the same address under a looser guard: it is the guard that kept them apart
    DeviceConfig loose = new DeviceConfig(6, null, null, null);
    assertThat(links(loose, office).count()).isEqualTo(11); // 2 desktops x 3 phones, x 1 tablet, 3 phones x 1 tablet
  }

  @Test
  void theSameDeviceClassMakesNoLink() {
    Dataset<Row> out = links(CONF,
        hit("20:00:00", "82.1.1.1", DESKTOP, "c-chrome"), hit("20:05:00", "82.1.1.1", DESKTOP_FIREFOX, "c-firefox"),
        hit("21:00:00", "82.2.2.2", ANDROID_PHONE, "c-browser"), appHit("21:02:00", "82.2.2.2", "m-app"));
    assertThat(out.count()).isZero();
  }

  @Test
  void visitsFurtherApartThanTheWindowMakeNoLink() {
    Object[][] hits = {hit("08:00:00", "82.1.1.1", DESKTOP, "c-desk"), hit("08:31:00", "82.1.1.1", IPHONE, "c-phone")};
    assertThat(links(CONF, hits).count()).isZero();
    assertThat(links(new DeviceConfig(null, 31, null, null), hits).count()).isEqualTo(1);
  }

  @Test
  void botsAndHitsWithoutIdentifierOrAddressAreIgnored() {
    Dataset<Row> out = links(CONF,
        new Object[] {Timestamp.valueOf(D + " 20:00:00"), "82.1.1.1", DESKTOP, "c-desk", null, true},
        hit("20:01:00", "82.1.1.1", IPHONE, "c-phone"),
        hit("20:02:00", "82.1.1.1", IPAD, null),
        hit("20:03:00", null, IPAD, "c-tablet"),
        hit("20:04:00", "82.1.1.1", BOT, "c-bot"));
    assertThat(out.count()).isZero();
  }

  @Test
  void crowdingRepeatsAndSecondAddressesMoveTheScore() {
    Dataset<Row> out = links(CONF,
        // home: three identifiers (a tablet too), desktop and phone together twice
        hit("08:00:00", "82.1.1.1", DESKTOP, "c-desk"), hit("08:10:00", "82.1.1.1", IPHONE, "c-phone"),
        hit("20:00:00", "82.1.1.1", DESKTOP, "c-desk"), hit("20:10:00", "82.1.1.1", IPHONE, "c-phone"),
        hit("23:00:00", "82.1.1.1", ANDROID_TABLET, "c-tab"),
        // a second quiet address: both again
        hit("13:00:00", "90.9.9.9", DESKTOP, "c-desk"), hit("13:05:00", "90.9.9.9", IPHONE, "c-phone"));
    // ids_on_ip is the least crowded address (2 at 90.9.9.9): 0; 3 co-occurring visit pairs: +2; 2 addresses: +2
    assertRows(withoutWeights(out), link("cookie", "c-desk", "cookie", "c-phone", 2.5 + 2 + 2, 3));
    Dataset<Row> crowded = links(CONF,
        hit("08:00:00", "82.1.1.1", DESKTOP, "c-desk"), hit("08:10:00", "82.1.1.1", IPHONE, "c-phone"),
        hit("09:00:00", "82.1.1.1", ANDROID_TABLET, "c-tab"), hit("09:00:00", "82.1.1.1", ANDROID_PHONE, "c-other"));
    // four identifiers: -2 bits per identifier beyond two; desktop and tablet are an hour apart; two phones never pair
    assertRows(withoutWeights(crowded),
        link("cookie", "c-desk", "cookie", "c-phone", 2.5 - 4, 1),
        link("cookie", "c-other", "cookie", "c-tab", 2.5 - 4, 1));
  }

  @Test
  void otherNightsAddWeightAndARerunCountsTheSame() {
    DeviceConfig withNights = new DeviceConfig(null, null, null, new DeviceConfig.Weights(null, null, null, null, 1.5));
    Object[][] hits = {hit("20:00:00", "82.1.1.1", DESKTOP, "c-desk"), hit("20:20:00", "82.1.1.1", IPHONE, "c-phone")};
    Dataset<Row> firstRun = rows(PREVIOUS, new Object[] {"cookie", "c-desk", "cookie", "c-phone",
        java.sql.Date.valueOf(D.minusDays(5)), java.sql.Date.valueOf(D.minusDays(1)), 2});
    Dataset<Row> rerun = rows(PREVIOUS, new Object[] {"cookie", "c-desk", "cookie", "c-phone",
        java.sql.Date.valueOf(D.minusDays(5)), java.sql.Date.valueOf(D), 3});
    for (Dataset<Row> previous : List.of(firstRun, rerun)) {
      Dataset<Row> out = DeviceLinks.links(DeviceLinks.hits(rows(WEB, hits)), previous, D, withNights);
      assertRows(withoutWeights(out), link("cookie", "c-desk", "cookie", "c-phone", 2.5 + 3, 1));
    }
  }

  @Test
  void deviceClassesFromUserAgents() {
    Dataset<Row> classes = DeviceLinks.hits(rows(WEB,
        hit("10:00:00", "1.1.1.1", DESKTOP, "desktop"), hit("10:00:00", "1.1.1.1", MAC, "mac"),
        hit("10:00:00", "1.1.1.1", IPHONE, "iphone"), hit("10:00:00", "1.1.1.1", ANDROID_PHONE, "android-phone"),
        hit("10:00:00", "1.1.1.1", IPAD, "ipad"), hit("10:00:00", "1.1.1.1", ANDROID_TABLET, "android-tablet"),
        appHit("10:00:00", "1.1.1.1", "app"), hit("10:00:00", "1.1.1.1", "curl/8.4.0", "unknown"),
        hit("10:00:00", "1.1.1.1", null, "none")))
        .select(col("id_value"), col("device_class"));
    assertRows(classes, new Object[] {"desktop", "desktop"}, new Object[] {"mac", "desktop"},
        new Object[] {"iphone", "phone"}, new Object[] {"android-phone", "phone"}, new Object[] {"ipad", "tablet"},
        new Object[] {"android-tablet", "tablet"}, new Object[] {"app", "phone"});
  }

  @Test
  void usableKeepsDeviceLinksAtTheThresholdOnly() {
    Dataset<Row> idLinks = rows("rule STRING, kind STRING, match_probability DOUBLE",
        new Object[] {"cookie_login", "deterministic", 1.0}, new Object[] {"device_ip_ua", "device", 0.85},
        new Object[] {"device_ip_ua", "device", 0.6});
    assertThat(idLinks.where(DeviceLinks.usable(CONF)).count()).isEqualTo(2);
  }

  @Test
  void theDeviceBlockIsOptionalAndValidated(@TempDir Path dir) throws Exception {
    IdentityConfig shipped = IdentityConfig.load(Path.of("..", "conf", "identity.yaml"));
    assertThat(shipped.device()).isEqualTo(DeviceConfig.DEFAULTS);
    String rules = "rules:\n  - {name: cookie_login, source: web, types: [cookie, login]}\n";
    Path absent = Files.writeString(dir.resolve("absent.yaml"), rules);
    assertThat(IdentityConfig.load(absent).device()).isEqualTo(DeviceConfig.DEFAULTS);
    Path partial = Files.writeString(dir.resolve("partial.yaml"), rules + "device:\n  window_minutes: 10\n  weights: {nights: 1.0}\n");
    DeviceConfig device = IdentityConfig.load(partial).device();
    assertThat(device.windowMinutes()).isEqualTo(10);
    assertThat(device.maxCookiesPerIp()).isEqualTo(5);
    assertThat(device.weights().nights()).isEqualTo(1.0);
    assertThat(device.weights().prior()).isEqualTo(2.5);
    Path bad = Files.writeString(dir.resolve("bad.yaml"), rules + "device:\n  threshold: 0.3\n");
    assertThatThrownBy(() -> IdentityConfig.load(bad)).isInstanceOf(DmpException.class)
        .hasMessageContaining("device.threshold").hasMessageContaining("between 0.5 and 1.0");
    Path unknown = Files.writeString(dir.resolve("unknown.yaml"), rules + "device:\n  max_cookies: 3\n");
    assertThatThrownBy(() -> IdentityConfig.load(unknown)).isInstanceOf(DmpException.class)
        .hasMessageContaining("max_cookies");
  }
}
