package org.opendmp.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opendmp.jobs.ingest.WebParsersTest.parseWithGuards;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opendmp.common.ids.IdNormalizer;
import org.opendmp.common.ids.Identifiers;

class FeedParsersTest {
  static final IdNormalizer IDS = new IdNormalizer(List.of("guest"), "^x+$", "FR");
  static final String CRM_FULL = "customers_full_20261102.csv";
  static final String CRM_DELTA = "customers_delta_20261103.csv.gz";

  @Test
  void crmFullAndDelta() {
    String full =
        "C0001;Élodie ;MARTIN;Elodie.Martin@Free.fr ;06 12 34 56 78;1980-02-03;\"3 rue de la Paix; Bât B\";75002;Paris;L-77;EMartin;2019-01-01;1;Y;N;;Y;2026-11-02 08:00:00";
    LineParser.Parsed p = FeedParsers.crm(IDS).parse(full, CRM_FULL);
    assertThat(p.rejectReason()).isNull();
    Object[] v = p.values();
    assertThat(v[0]).isEqualTo("full");
    assertThat(v[1]).isEqualTo(LocalDate.parse("2026-11-02"));
    assertThat(v[2]).isEqualTo("F");
    assertThat(v[3]).isEqualTo("C0001");
    assertThat(v[4]).isEqualTo(Identifiers.sha256Hex("elodie.martin@free.fr"));
    assertThat(v[5]).isEqualTo(Identifiers.sha256Hex("+33612345678"));
    assertThat(v[6]).isEqualTo("emartin");
    assertThat(v[7]).isEqualTo("L-77");
    assertThat(v[12]).isEqualTo(true);
    assertThat(v[13]).isEqualTo(true);
    assertThat(v[14]).isEqualTo(false);
    assertThat(v[15]).isNull();
    assertThat(v[17]).isEqualTo(Instant.parse("2026-11-02T08:00:00Z"));
    // side columns: the clear values, for silver.customers_pii only
    assertThat(java.util.Arrays.asList(v).subList(18, 23)).containsExactly("Élodie", "MARTIN", "Elodie.Martin@Free.fr", "06 12 34 56 78", "3 rue de la Paix; Bât B");
    String delta = "D;C0002;;;;;;;;;;;;;;;;;2026-11-03 09:00:00";
    assertThat(FeedParsers.crm(IDS).parse(delta, CRM_DELTA).values()[2]).isEqualTo("D");
  }

  @Test
  void crmGarbage() {
    LineParser crm = FeedParsers.crm(IDS);
    assertThat(parse(crm, "C1;a;b", CRM_FULL)).isEqualTo("wrong column count: expected 18, found 3");
    assertThat(parse(crm, "X;C1;;;;;;;;;;;;;;;;;2026-11-03 09:00:00", CRM_DELTA)).isEqualTo("bad op: 'X' (expected I, U or D)");
    assertThat(parse(crm, "C1;a;b;c;d;1980-13-45;s;p;c;l;g;2019-01-01;1;Y;N;Y;Y;2026-11-02 08:00:00", CRM_FULL))
        .isEqualTo("bad date in birth_date: '1980-13-45'");
    assertThat(parse(crm, "C1;a;b;c;d;1980-01-01;s;p;c;l;g;2019-01-01;maybe;Y;N;Y;Y;2026-11-02 08:00:00", CRM_FULL))
        .isEqualTo("bad flag in vip: 'maybe' (expected 1 or 0)");
    assertThat(parse(crm, "null;a;b;c;d;1980-01-01;s;p;c;l;g;2019-01-01;1;Y;N;Y;Y;2026-11-02 08:00:00", CRM_FULL))
        .isEqualTo("missing crm_id");
    assertThat(parse(crm, "C1;\"a;b;c", CRM_FULL)).isEqualTo("unclosed quote (truncated line?)");
  }

  @Test
  void storeFeeds() {
    Object[] card = FeedParsers.pos(IDS).parse("T1,S01,2026-11-02T15:00:00Z,L-77,,,,SKU-1,home,2,19.99", "pos_transactions.csv").values();
    assertThat(card[3]).isEqualTo("L-77");
    assertThat(card[5]).isEqualTo(false);
    assertThat(card[9]).isEqualTo(new BigDecimal("19.99"));
    Object[] named = FeedParsers.pos(IDS).parse("T2,S01,2026-11-02T15:00:00Z,,Jean,Dupont,75002,SKU-1,home,1,5", "pos.csv").values();
    assertThat(named[3]).isNull();
    assertThat(named[5]).isEqualTo(true);
    assertThat(named[10]).isEqualTo("Jean");
    assertThat(parse(FeedParsers.pos(IDS), "T3,S01,2026-11-02T15:00:00Z,,,,,SKU,home,1,abc", "pos.csv")).isEqualTo("bad number in amount: 'abc'");
    Object[] wifi = FeedParsers.wifi(IDS).parse("2026-11-04T10:00:00Z,S01,,+33 6 12 34 56 78,m-9", "wifi_logins.csv").values();
    assertThat(wifi[2]).isNull();
    assertThat(wifi[3]).isEqualTo(Identifiers.sha256Hex("+33612345678"));
    assertThat(wifi[4]).isEqualTo("m-9");
  }

  @Test
  void otherFeeds() {
    Object[] ad = FeedParsers.adEvents(WebParsersTest.BOTS, IDS).parse("2026-11-01T10:00:00Z,ad-1,CMP1,CR1,PL1,news.fr,1.2.3.4,\"Mozilla/5.0 (X11, Linux)\"", "clicks.csv.gz").values();
    assertThat(ad[1]).isEqualTo("click");
    assertThat(ad[8]).isEqualTo("Mozilla/5.0 (X11, Linux)");
    Object[] sync = FeedParsers.idSync(IDS).parse("2026-11-01 10:00:00,dataprovider_a,guest,c-1", "idsync.csv").values();
    assertThat(sync[2]).as("site junk list").isNull();
    assertThat(sync[3]).isEqualTo("c-1");
    assertThat(parse(FeedParsers.idSync(IDS), "2026-11-01T25:00:00Z,p,u,c", "idsync.csv")).startsWith("bad timestamp in sync_time");
    assertThat(FeedParsers.appointments(IDS).parse("A1,C0001,2026-11-05T09:30:00Z,loan,AG7", "appointments.csv").values()[1]).isEqualTo("C0001");
    assertThat(parse(FeedParsers.mailings(IDS), "M1,C1,CAT-W,2026/11/01", "mailings.csv")).isEqualTo("bad date in mailing_date: '2026/11/01'");
    Object[] seg = FeedParsers.partnerSegments("dataprovider_b", IDS).parse("u-1\tauto_intender, age_35_44", "segments.tsv").values();
    assertThat(seg[0]).isEqualTo("dataprovider_b");
    assertThat(scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<?>) seg[2])).isEqualTo(List.of("auto_intender", "age_35_44"));
    assertThat(parse(FeedParsers.partnerSegments("p", IDS), "u-1 auto", "segments.tsv")).isEqualTo("wrong column count: expected 2, found 1");
    assertThat(parse(FeedParsers.idSync(IDS), "2026-11-01T10:00:00Z,p,xxxx,c", "idsync.csv")).isNull();
  }

  private static String parse(LineParser parser, String line, String file) {
    try {
      return parser.parse(line, file).rejectReason();
    } catch (Fields.BadField e) {
      return e.getMessage();
    }
  }

  @Test
  void guardsHelper() {
    assertThat(parseWithGuards(FeedParsers.idSync(IDS), "a,b").rejectReason()).isEqualTo("wrong column count: expected 4, found 2");
  }
}
