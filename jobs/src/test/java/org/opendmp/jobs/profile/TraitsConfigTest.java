package org.opendmp.jobs.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opendmp.common.DmpException;
import org.opendmp.jobs.profile.TraitsConfig.Output;
import org.opendmp.jobs.segment.KnownNames;
import org.opendmp.jobs.segment.ValueType;

/** conf/traits.yaml: the shipped file, and every way a file is refused, with its position. */
class TraitsConfigTest {
  static final Path CONF = Path.of("..", "conf", "traits.yaml");

  @TempDir Path tmp;

  @Test
  void theShippedFileLoadsAndUsesEveryAggregation() {
    TraitsConfig conf = TraitsConfig.load(CONF);
    Set<Aggregation> used = conf.traits().stream().map(TraitsConfig.Trait::kind).collect(Collectors.toSet());
    assertThat(used).isEqualTo(EnumSet.allOf(Aggregation.class));
    assertThat(conf.maxWindow()).isEqualTo(90);
    assertThat(conf.allWindows()).containsExactly(1, 7, 30, 90);
    assertThat(conf.keys()).containsEntry("product_views_30d", Output.NUMBER).containsEntry("favourite_category_90d", Output.TEXT)
        .containsEntry("last_seen_90d", Output.TIME).containsEntry("last_order_amount_online_90d", Output.NUMBER)
        .containsEntry("days_since_last_purchase_90d", Output.NUMBER).containsEntry("last_callcenter_reason_90d", Output.TEXT);
  }

  /** The segment language checks trait names against KnownNames: every one of them must be produced, with its type. */
  @Test
  void everyTraitSegmentRulesMayUseIsProducedWithItsType() {
    Map<String, Output> produced = TraitsConfig.load(CONF).keys();
    for (Map.Entry<String, ValueType> e : KnownNames.traits().entrySet()) {
      Output want = switch (e.getValue()) {
        case NUMBER -> Output.NUMBER;
        case TEXT -> Output.TEXT;
        case TIMESTAMP -> Output.TIME;
        default -> throw new AssertionError(e);
      };
      assertThat(produced).as(e.getKey()).containsEntry(e.getKey(), want);
    }
  }

  @Test
  void definitionsIgnoreWindowsAndDescriptionsButTheVersionDoesNot() throws Exception {
    TraitsConfig a = load("traits:\n  - {name: views, aggregation: count, where: {event_type: product_view}, windows: [7]}\n");
    TraitsConfig b = load("traits:\n  - {name: views, description: x, aggregation: count, where: {event_type: [product_view]}, windows: [7, 30]}\n");
    TraitsConfig c = load("traits:\n  - {name: views, aggregation: count, where: {event_type: page_view}, windows: [7]}\n");
    assertThat(a.traits().get(0).definition()).isEqualTo(b.traits().get(0).definition()).isNotEqualTo(c.traits().get(0).definition());
    assertThat(a.version()).isNotEqualTo(b.version());
    assertThat(b.traits().get(0).windows()).containsExactly(7, 30);
  }

  @Test
  void unknownKeysAreRefusedWithTheirLineAndColumn() throws Exception {
    String text = """
        traits:
          - name: views
            aggregation: count
            windows: [7]
          - name: clicks
            aggregaton: count
            windows: [7]
        """;
    assertThatThrownBy(() -> load(text))
        .isInstanceOf(DmpException.class)
        .hasMessageContaining("unknown key 'traits[1].aggregaton'")
        .hasMessageContaining("line 6, column 5")
        .hasMessageContaining("t.yaml");
    assertThatThrownBy(() -> load("trait:\n  - {name: x}\n")).hasMessageContaining("unknown key 'trait'").hasMessageContaining("line 1, column 1");
  }

  @Test
  void unknownEventFieldsAndValuesAreRefusedWhereTheyAre() throws Exception {
    String text = """
        traits:
          - name: views
            aggregation: count
            where: {event_type: product_view}
            windows: [7]
          - name: web_views
            aggregation: count
            where:
              event_type: product_view
              chanel: web
            windows: [7]
        """;
    assertThatThrownBy(() -> load(text))
        .hasMessageContaining("key 'traits[1].where.chanel' is not a field of silver.events: 'chanel'")
        .hasMessageContaining("line 10, column 7");
    assertThatThrownBy(() -> load(text.replace("chanel: web", "channel: [web, appp]")))
        .hasMessageContaining("key 'traits[1].where.channel[1]' has an unknown channel 'appp'")
        .hasMessageContaining("line 10, column 22");
    assertThatThrownBy(() -> load(text.replace("{event_type: product_view}", "{event_type: product_veiw}").replace("chanel", "channel")))
        .hasMessageContaining("key 'traits[0].where.event_type' has an unknown event_type 'product_veiw'")
        .hasMessageContaining("line 4, column 13");
    assertThatThrownBy(() -> load("traits:\n  - {name: x, aggregation: last_value, field: skuu, windows: [7]}\n"))
        .hasMessageContaining("key 'traits[0].field' is not a field of silver.events: 'skuu'")
        .hasMessageContaining("line 2, column 40");
    assertThat(load("traits:\n  - {name: x, aggregation: last_value, field: attributes.reason, windows: [7]}\n").traits()).hasSize(1);
  }

  @Test
  void badWindowsAreRefused() throws Exception {
    String base = "traits:\n  - name: views\n    aggregation: count\n    windows: %s\n";
    assertThatThrownBy(() -> load(base.formatted("[7, 0]")))
        .hasMessageContaining("key 'traits[0].windows[1]' must be a number of days between 1 and 366, got 0")
        .hasMessageContaining("line 4, column 18");
    assertThatThrownBy(() -> load(base.formatted("[7, 400]"))).hasMessageContaining("got 400");
    assertThatThrownBy(() -> load(base.formatted("[7, 30, 7]"))).hasMessageContaining("key 'traits[0].windows[2]' repeats the window 7");
    assertThatThrownBy(() -> load(base.formatted("[]"))).hasMessageContaining("key 'traits[0].windows' must list at least one window");
    assertThatThrownBy(() -> load(base.formatted("[7d]"))).hasMessageContaining("traits[0].windows[0]").hasMessageContaining("an integer");
    assertThatThrownBy(() -> load("traits:\n  - name: views\n    aggregation: count\n"))
        .hasMessageContaining("key 'traits[0].windows' is required but missing").hasMessageContaining("line 2, column 5");
  }

  @Test
  void duplicateAndInvalidNamesAreRefused() throws Exception {
    String text = """
        traits:
          - {name: views, aggregation: count, windows: [7]}
          - {name: clicks, aggregation: count, windows: [7]}
          - {name: views, aggregation: count, windows: [30]}
        """;
    assertThatThrownBy(() -> load(text))
        .hasMessageContaining("key 'traits[2].name' 'views' is declared twice (first as traits[0])")
        .hasMessageContaining("line 4, column 6");
    assertThatThrownBy(() -> load("traits:\n  - {name: Views, aggregation: count, windows: [7]}\n"))
        .hasMessageContaining("key 'traits[0].name' must be lower snake_case");
    assertThatThrownBy(() -> load("traits:\n  - {name: views_7d, aggregation: count, windows: [7]}\n"))
        .hasMessageContaining("must not end with a window such as _7d");
    assertThatThrownBy(() -> load("traits: []\n")).hasMessageContaining("key 'traits' must declare at least one trait");
  }

  @Test
  void aggregationsAndTheirFieldsMustFit() throws Exception {
    assertThatThrownBy(() -> load("traits:\n  - {name: x, aggregation: median, windows: [7]}\n"))
        .hasMessageContaining("key 'traits[0].aggregation' must be one of count, sum, min, max, first_value, last_value")
        .hasMessageContaining("got 'median'");
    assertThatThrownBy(() -> load("traits:\n  - {name: x, aggregation: sum, field: category, windows: [7]}\n"))
        .hasMessageContaining("key 'traits[0].field' must be a numeric field for sum (e.g. amount), got 'category'");
    assertThatThrownBy(() -> load("traits:\n  - {name: x, aggregation: most_frequent, windows: [7]}\n"))
        .hasMessageContaining("key 'traits[0].field' is required but missing");
    assertThatThrownBy(() -> load("traits:\n  - {name: x, aggregation: count, where: {category: []}, windows: [7]}\n"))
        .hasMessageContaining("key 'traits[0].where.category' must list at least one value");
    assertThatThrownBy(() -> load("traits:\n  - {name: x, aggregation: count, where: {category: {a: b}}, windows: [7]}\n"))
        .hasMessageContaining("key 'traits[0].where.category' must be a value or a list of values");
  }

  @Test
  void yamlSyntaxErrorsAndDuplicateKeysNameTheLine() throws Exception {
    assertThatThrownBy(() -> load("traits:\n  - {name: x, aggregation: count, windows: [7]\n"))
        .hasMessageContaining("not valid YAML").hasMessageContaining("line");
    assertThatThrownBy(() -> load("traits:\n  - name: x\n    name: y\n    aggregation: count\n    windows: [7]\n"))
        .hasMessageContaining("name").hasMessageContaining("line 3");
  }

  TraitsConfig load(String text) throws Exception {
    Path p = tmp.resolve("t.yaml");
    Files.writeString(p, text);
    return TraitsConfig.load(p);
  }

  static String[] names(TraitsConfig c) {
    return c.traits().stream().map(TraitsConfig.Trait::name).toArray(String[]::new);
  }

  static String all() {
    return Arrays.toString(Aggregation.values());
  }
}
