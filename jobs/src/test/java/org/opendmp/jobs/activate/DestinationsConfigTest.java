package org.opendmp.jobs.activate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opendmp.common.DmpException;
import org.opendmp.common.config.EnvConfig;
import org.opendmp.jobs.activate.DestinationsConfig.Destination;
import org.opendmp.jobs.activate.DestinationsConfig.Format;
import org.opendmp.jobs.activate.DestinationsConfig.Mode;

/** conf/destinations.yaml: the shipped file, and every way a file is refused, with its position. */
class DestinationsConfigTest {
  static final Path CONF = Path.of("..", "conf");
  static final Set<String> SEGMENTS = Set.of("car_intenders", "existing_customers", "vip");
  static final Map<String, String> RULES = Map.of(
      "car_intenders", "count(event = product_view, within 30d) >= 1 and partner.age_band is not null",
      "existing_customers", "profile.is_customer",
      "vip", "profile.vip or (score.rfm_monetary >= 5 and not segment.car_intenders)");

  static final String BASE = """
      destinations:
        - id: sms
          partner: SMS partner
          id_types: [phone_sha256, crm_id]
          segments:
            car_intenders: CAR
          purpose: sms
          format: csv
      """;

  @TempDir Path tmp;

  @Test
  void theShippedFileLoadsAgainstTheShippedSegments() {
    DestinationsConfig conf = DestinationsConfig.load(CONF.resolve("destinations.yaml"), CONF.resolve("segments.yaml"),
        DestinationsConfig.segmentIds(CONF.resolve("segments.yaml")));
    assertThat(conf.destinations()).extracting(Destination::id)
        .containsExactly("sms_partner", "postal_partner", "dsp_retargeting", "social_acquisition", "crm_feedback");
    Destination sms = conf.destination("sms_partner");
    assertThat(sms.segments()).containsOnlyKeys("car_intenders", "cart_abandoners_store_visit");
    assertThat(sms.purpose()).isEqualTo("sms");
    assertThat(sms.modeKind()).isEqualTo(Mode.INCREMENTAL);
    Destination dsp = conf.destination("dsp_retargeting");
    assertThat(dsp.suppress()).containsExactly("cart_abandoners_store_visit", "recent_purchasers");
    assertThat(dsp.formatKind()).isEqualTo(Format.AAM);
    assertThat(dsp.deterministicOnly()).isFalse();
    assertThat(sms.deterministicOnly()).isTrue();
    assertThat(dsp.spec(LocalDate.parse("2026-11-02")).fileName(1)).isEqualTo("dsp_retargeting_incremental_20261102_001.txt.gz");
    assertThat(conf.destination("social_acquisition").suppress()).containsExactly("existing_customers");
    assertThat(conf.destination("postal_partner").idTypes()).containsExactly("crm_id");
    assertThat(conf.pressure().maxContacts7d()).isEqualTo(3);
    assertThat(conf.priorityOrder())
        .containsExactly("sms_partner", "postal_partner", "social_acquisition", "dsp_retargeting", "crm_feedback");
    assertThat(conf.sourceLabels()).containsEntry("partner", java.util.List.of("no_offsite_targeting"));
    assertThat(dsp.refuseLabels()).containsExactly("no_offsite_targeting");
    assertThat(conf.destination("postal_partner").fallbackFor()).isEqualTo("sms_partner");
    assertThat(conf.destination("postal_partner").spec(LocalDate.parse("2026-11-02")).header())
        .isEqualTo("id_type,id,codes,removed_codes,nearest_agency");
    assertThat(sms.columns()).containsOnlyKeys("abandoned_product", "offer");
    Destination crm = conf.destination("crm_feedback");
    assertThat(crm.formatKind()).isEqualTo(Format.CRM);
    assertThat(crm.spec(LocalDate.parse("2026-11-02")).header()).isEqualTo("crm_id,segments,removed_segments,engagement,"
        + "rfm_recency,rfm_frequency,rfm_monetary,propensity,propensity_percentile,vip,pages_since_contact,recommended_product");
    assertThat(crm.spec(LocalDate.parse("2026-11-02")).fileName(1)).isEqualTo("crm_feedback_incremental_20261102_001.csv");
    // what dmp nightly calls before the first job writes
    new Activate().check(new EnvConfig("lake", "landing", "exports", CONF.toString(), null, null, null));
  }

  /** Clear contact data goes only to a destination that says it is a PII destination. */
  @Test
  void aContactColumnNeedsAPiiDestination() {
    String email = BASE + "    columns:\n      email: profile.email\n";
    assertThatThrownBy(() -> load(email))
        .isInstanceOf(DmpException.class)
        .hasMessageContaining("key 'destinations[0].columns.email' would send clear contact data ('email: profile.email'):"
            + " only a destination with pii: true may receive it")
        .hasMessageContaining("destinations.yaml, line 10");
    assertThatThrownBy(() -> load(BASE + "    columns:\n      contact: profile.phone\n"))
        .hasMessageContaining("columns.contact' would send clear contact data ('contact: profile.phone')");
    assertThatThrownBy(() -> load(BASE + "    columns:\n      last_name: \"'X'\"\n"))
        .hasMessageContaining("columns.last_name' would send clear contact data");
    // pii: true lifts the guard; the column must still exist in gold.profiles (none holds contact data today)
    assertThatThrownBy(() -> load(email + "    pii: true\n"))
        .hasMessageContaining("'email' is not a column of gold.profiles");
    Destination d = load(BASE + "    pii: true\n    columns:\n      phone: \"'0800 000 000'\"\n").destinations().get(0);
    assertThat(d.pii()).isTrue();
    assertThat(load(BASE).destinations().get(0).pii()).isFalse();
  }

  @Test
  void defaultsAndTargets() {
    Destination d = load(BASE).destinations().get(0);
    assertThat(d.mode()).isEqualTo("full");
    assertThat(d.splitRows()).isEqualTo(1_000_000);
    assertThat(d.gzip()).isFalse();
    assertThat(d.suppress()).isEmpty();
    assertThat(d.identity()).isEqualTo("deterministic");
    assertThat(load(BASE + "    identity: probabilistic\n").destinations().get(0).deterministicOnly()).isFalse();
    assertThatThrownBy(() -> load(BASE + "    identity: fuzzy\n"))
        .hasMessageContaining("key 'destinations[0].identity' must be one of deterministic, probabilistic, got 'fuzzy'")
        .hasMessageContaining("line 9, column 5");
    assertThat(d.spec(LocalDate.parse("2026-11-02")).fileName(2)).isEqualTo("sms_full_20261102_002.csv");
    assertThat(d.spec(LocalDate.parse("2026-11-02")).header()).isEqualTo("id_type,id,codes,removed_codes");
    assertThat(d.targetRoot("/x/exports")).isEqualTo("/x/exports");
    Destination t = load(BASE + "    target: partners/sms\n").destinations().get(0);
    assertThat(t.targetRoot("/x/exports/")).isEqualTo("/x/exports/partners/sms");
    Destination s = load(BASE + "    target: sftp://dmp@127.0.0.1:2222/in\n").destinations().get(0);
    assertThat(s.targetRoot("/x/exports")).isEqualTo("sftp://dmp@127.0.0.1:2222/in");
  }

  @Test
  void anUnknownKeyIsRefusedWithItsPosition() {
    assertThatThrownBy(() -> load(BASE + "    purpose_typo: sms\n"))
        .isInstanceOf(DmpException.class)
        .hasMessageContaining("unknown key 'destinations[0].purpose_typo'")
        .hasMessageContaining("destinations.yaml, line 9, column 5")
        .hasMessageContaining("expected one of: also_requires, columns, crm, fallback_for, file_template, format");
    assertThatThrownBy(() -> load("colour: blue\n" + BASE))
        .hasMessageContaining("unknown key 'colour'").hasMessageContaining("line 1, column 1");
  }

  static final String CRM = BASE.replace("id: sms", "id: crm_feedback").replace("[phone_sha256, crm_id]", "[crm_id]")
      .replace("format: csv", "format: crm");

  @Test
  void theCrmFormatIsCheckedAtLoad() {
    Destination d = load(CRM + "    crm:\n      scores: [engagement]\n").destinations().get(0);
    assertThat(d.crm().windowDays()).isEqualTo(30);
    assertThat(d.crm().maxPages()).isEqualTo(10);
    assertThat(d.extraColumns()).containsExactly("engagement", "vip", "pages_since_contact", "recommended_product");
    assertThat(load(CRM).destinations().get(0).crm().scores()).isEmpty();
    assertThatThrownBy(() -> load(CRM + "    crm:\n      window_dayz: 7\n"))
        .hasMessageContaining("unknown key 'destinations[0].crm.window_dayz'")
        .hasMessageContaining("destinations.yaml, line 10, column 7")
        .hasMessageContaining("expected one of: max_pages, scores, window_days");
    assertThatThrownBy(() -> load(CRM + "    crm:\n      window_days: 400\n"))
        .hasMessageContaining("key 'destinations[0].crm.window_days'").hasMessageContaining("400")
        .hasMessageContaining("line 10");
    assertThatThrownBy(() -> load(CRM + "    crm:\n      scores: [engagement, Bad-Score]\n"))
        .hasMessageContaining("key 'destinations[0].crm.scores[1]' must be a score name of gold.scores")
        .hasMessageContaining("line 10");
    assertThatThrownBy(() -> load(CRM.replace("[crm_id]", "[crm_id, email_sha256]")))
        .hasMessageContaining("key 'destinations[0].id_types' must be [crm_id] for format crm")
        .hasMessageContaining("line 4");
    assertThatThrownBy(() -> load(BASE + "    crm:\n      scores: [engagement]\n"))
        .hasMessageContaining("key 'destinations[0].crm' needs format crm").hasMessageContaining("line 9");
  }

  @Test
  void anUnknownSegmentNamesBothFiles() {
    assertThatThrownBy(() -> load(BASE.replace("car_intenders: CAR", "car_intender: CAR")))
        .isInstanceOf(DmpException.class)
        .hasMessageContaining("key 'destinations[0].segments.car_intender' names segment 'car_intender'")
        .hasMessageContaining("segments.yaml does not define")
        .hasMessageContaining("destinations.yaml, line 6, column 7")
        .hasMessageContaining("known segments: car_intenders, existing_customers, vip");
    assertThatThrownBy(() -> load(BASE + "    suppress: [existing_customers, customers]\n"))
        .hasMessageContaining("key 'destinations[0].suppress[1]' names segment 'customers'")
        .hasMessageContaining("line 9");
  }

  @Test
  void aMissingOrUnknownPurposeIsRefused() {
    assertThatThrownBy(() -> load(BASE.replace("    purpose: sms\n", "")))
        .isInstanceOf(DmpException.class)
        .hasMessageContaining("key 'destinations[0].purpose' is required but missing")
        .hasMessageContaining("destinations.yaml, line 2");
    assertThatThrownBy(() -> load(BASE.replace("purpose: sms", "purpose: fax")))
        .hasMessageContaining("key 'destinations[0].purpose' must be one of email, sms, postal, ads, got 'fax'")
        .hasMessageContaining("line 7, column 5");
  }

  @Test
  void furtherConsentsAreCheckedPurposes() {
    assertThat(load(BASE.replace("    purpose: sms\n", "    purpose: sms\n    also_requires: [data_sharing, analytics]\n"))
        .destinations().get(0).alsoRequires()).containsExactly("data_sharing", "analytics");
    assertThat(load(BASE).destinations().get(0).alsoRequires()).isEmpty();
    assertThatThrownBy(() -> load(BASE.replace("    purpose: sms\n", "    purpose: sms\n    also_requires: [sharing]\n")))
        .hasMessageContaining("key 'destinations[0].also_requires[0]' must be one of email, sms, postal, ads, analytics, data_sharing,"
            + " got 'sharing'")
        .hasMessageContaining("line 8");
    assertThatThrownBy(() -> load(BASE.replace("    purpose: sms\n", "    purpose: sms\n    also_requires: [sms]\n")))
        .hasMessageContaining("key 'destinations[0].also_requires[0]' repeats the purpose 'sms'");
  }

  @Test
  void badValuesAreRefusedWithTheirKey() {
    assertThatThrownBy(() -> load(BASE.replace("[phone_sha256, crm_id]", "[phone_sha256, phone]")))
        .hasMessageContaining("key 'destinations[0].id_types[1]' is not an identifier type: 'phone'")
        .hasMessageContaining("line 4");
    assertThatThrownBy(() -> load(BASE.replace("format: csv", "format: xml")))
        .hasMessageContaining("key 'destinations[0].format' must be one of aam, csv, crm, got 'xml'");
    assertThatThrownBy(() -> load(BASE + "    mode: delta\n"))
        .hasMessageContaining("key 'destinations[0].mode' must be one of full, incremental, got 'delta'");
    assertThatThrownBy(() -> load(BASE + "    file_template: sms.csv\n"))
        .hasMessageContaining("key 'destinations[0].file_template'").hasMessageContaining("{split}");
    assertThatThrownBy(() -> load(BASE + "    split_rows: 0\n"))
        .hasMessageContaining("key 'destinations[0].split_rows' must be between 1 and 100000000, got 0");
    assertThatThrownBy(() -> load(BASE + "    suppress: [car_intenders]\n"))
        .hasMessageContaining("key 'destinations[0].suppress[0]' 'car_intenders' is also a segment sent");
    assertThatThrownBy(() -> load(BASE + BASE.substring(BASE.indexOf("  - id"))))
        .hasMessageContaining("key 'destinations[1].id' 'sms' is declared twice (first as destinations[0])");
  }

  @Test
  void thePressureCapIsCheckedAgainstTheDestinations() {
    String two = BASE + BASE.substring(BASE.indexOf("  - id")).replace("id: sms", "id: post");
    DestinationsConfig conf = load("pressure:\n  max_contacts_7d: 2\n  priority: [post]\n" + two);
    assertThat(conf.pressure().maxContacts7d()).isEqualTo(2);
    assertThat(conf.priorityOrder()).as("unlisted destinations after, in file order").containsExactly("post", "sms");
    assertThat(load(BASE).pressure()).isNull();
    assertThatThrownBy(() -> load("pressure:\n  max_contacts_7d: 2\n  priority: [post, fax]\n" + two))
        .isInstanceOf(DmpException.class)
        .hasMessageContaining("key 'pressure.priority[1]' 'fax' is not a destination of this file (destinations: post, sms)")
        .hasMessageContaining("line 3");
    assertThatThrownBy(() -> load("pressure:\n  max_contacts_7d: 0\n" + two))
        .hasMessageContaining("key 'pressure.max_contacts_7d' must be between 1 and 1000, got 0").hasMessageContaining("line 2");
    assertThatThrownBy(() -> load("pressure:\n  priority: [sms]\n" + two))
        .hasMessageContaining("key 'pressure.max_contacts_7d' is required but missing");
    assertThatThrownBy(() -> load("pressure:\n  max_contacts_7d: 2\n  per_week: 3\n" + two))
        .hasMessageContaining("unknown key 'pressure.per_week'").hasMessageContaining("line 3, column 3");
    assertThatThrownBy(() -> load("pressure:\n  max_contacts_7d: 2\n  priority: [sms, post, sms]\n" + two))
        .hasMessageContaining("key 'pressure.priority[2]' repeats the destination 'sms'");
  }

  @Test
  void aDestinationRefusingALabelOfASourceFeedingItsSegmentIsRefused() {
    String labels = "source_labels:\n  partner: [no_offsite_targeting, no_pii_combination]\n  event: []\n";
    String refusing = "    refuse_labels: [no_offsite_targeting]\n";
    assertThatThrownBy(() -> load(labels + BASE + refusing))
        .isInstanceOf(DmpException.class)
        .hasMessageContaining("destination 'sms' maps segment 'car_intenders', fed by source 'partner' (read by car_intenders in")
        .hasMessageContaining("labelled 'no_offsite_targeting', a label the destination refuses")
        .hasMessageContaining("key 'destinations[0].segments.car_intenders'")
        .hasMessageContaining("line 9, column 7");
    // through a segment reference
    assertThatThrownBy(() -> load(labels + BASE.replace("car_intenders: CAR", "vip: VIP") + refusing))
        .hasMessageContaining("destination 'sms' maps segment 'vip', fed by source 'partner' (read by vip -> segment.car_intenders in");
    // a segment no labelled source feeds, or a label nobody carries, loads
    assertThat(load(labels + BASE.replace("car_intenders: CAR", "existing_customers: CUST") + refusing).destinations()).hasSize(1);
    assertThat(load(labels + BASE + "    refuse_labels: [no_modelling]\n").destinations().get(0).refuseLabels())
        .containsExactly("no_modelling");
    assertThat(load(BASE + refusing).sourceLabels()).isEmpty();
    assertThatThrownBy(() -> load("source_labels:\n  crm: [no_pii_combination]\n" + BASE))
        .hasMessageContaining("key 'source_labels.crm' is not a source segments read (expected one of partner, trait, score,")
        .hasMessageContaining("line 2");
    assertThatThrownBy(() -> load(BASE + "    refuse_labels: [No Offsite]\n"))
        .hasMessageContaining("key 'destinations[0].refuse_labels[0]' must be a lower snake_case label, got 'No Offsite'");
  }

  @Test
  void aFallbackNamesAnotherDestinationSendingItsSegments() {
    String post = BASE.substring(BASE.indexOf("  - id")).replace("id: sms", "id: post").replace("purpose: sms", "purpose: postal");
    DestinationsConfig conf = load(BASE + post + "    fallback_for: sms\n");
    assertThat(conf.destination("post").fallbackFor()).isEqualTo("sms");
    assertThat(conf.destination("sms").fallbackFor()).isNull();
    assertThatThrownBy(() -> load(BASE + post + "    fallback_for: fax\n"))
        .isInstanceOf(DmpException.class)
        .hasMessageContaining("key 'destinations[1].fallback_for' 'fax' is not another destination of this file")
        .hasMessageContaining("line 16");
    assertThatThrownBy(() -> load(BASE + post.replace("car_intenders: CAR", "vip: VIP") + "    fallback_for: sms\n"))
        .hasMessageContaining("key 'destinations[1].fallback_for' segment 'vip' of 'post' is not sent to 'sms'");
    assertThatThrownBy(() -> load(BASE + "    fallback_for: post\n" + post + "    fallback_for: sms\n"))
        .hasMessageContaining("key 'destinations[0].fallback_for' 'post' is itself a fallback (of 'sms'): chains are not supported");
  }

  @Test
  void extraColumnsAreChecked() {
    Destination d = load(BASE + "    columns:\n      agency: profile.nearest_agency\n      offer: \"'CART10'\"\n").destinations().get(0);
    assertThat(d.columns()).containsExactly(Map.entry("agency", "profile.nearest_agency"), Map.entry("offer", "'CART10'"));
    assertThatThrownBy(() -> load(BASE + "    columns:\n      agency: profile.agency\n"))
        .hasMessageContaining("key 'destinations[0].columns.agency' 'agency' is not a column of gold.profiles")
        .hasMessageContaining("line 10");
    assertThatThrownBy(() -> load(BASE + "    columns:\n      product: trait.last_sku\n"))
        .hasMessageContaining("key 'destinations[0].columns.product' must be profile.<column>, trait.<trait>_<N>d or a quoted");
    DestinationsConfig unknownTrait = load(BASE + "    columns:\n      product: trait.last_sku_7d\n");
    assertThatThrownBy(() -> DestinationsConfig.requireTraits(unknownTrait, tmp.resolve("destinations.yaml"), Set.of("last_abandoned_sku_7d")))
        .hasMessageContaining("key 'destinations[0].columns.product' reads trait 'last_sku_7d', which conf/traits.yaml does not publish")
        .hasMessageContaining("line 10");
    assertThatThrownBy(() -> load(BASE + "    columns:\n      codes: \"'X'\"\n"))
        .hasMessageContaining("key 'destinations[0].columns.codes' must be a lower snake_case column name other than id_type");
    assertThatThrownBy(() -> load(BASE.replace("format: csv", "format: aam") + "    columns:\n      offer: \"'X'\"\n"))
        .hasMessageContaining("key 'destinations[0].columns' extra columns need format csv");
  }

  private DestinationsConfig load(String yaml) {
    try {
      Path file = tmp.resolve("destinations.yaml");
      Files.writeString(file, yaml);
      return DestinationsConfig.load(file, tmp.resolve("segments.yaml"), SEGMENTS, RULES);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
