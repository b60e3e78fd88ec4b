package org.opendmp.jobs.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opendmp.common.DmpException;
import org.opendmp.jobs.profile.TraitsConfig;
import org.opendmp.jobs.profile.TraitsConfig.Output;
import org.opendmp.jobs.segment.KnownNames;

/** conf/scores.yaml: the shipped file, and every way a file is refused, with its position. */
class ScoresConfigTest {
  static final Path CONF = Path.of("..", "conf", "scores.yaml");
  static TraitsConfig traits;

  /** Line numbers below refer to this text. */
  static final String BASE = """
      rfm:
        recency: days_since_last_purchase_90d
        frequency: [purchases_online_90d, store_tickets_90d]
        monetary: [revenue_online_90d, revenue_store_90d]
      plans:
        - name: engagement
          rules:
            - when: trait.product_views_30d >= 5
              points: 10
            - when: trait.email_clicks_30d >= 1 and profile.vip
              points: 5
      pressure:
        contacts: [catalog_mailings, callcenter_appointments]
      propensity:
        label: [purchases_online_7d, store_tickets_7d]
        features: [events_30d, product_views_30d]
        min_positives: 10
      """;

  @TempDir Path tmp;

  @BeforeAll
  static void traits() {
    traits = TraitsConfig.load(Path.of("..", "conf", "traits.yaml"));
  }

  ScoresConfig load(String text) throws Exception {
    Path file = tmp.resolve("s.yaml");
    Files.writeString(file, text);
    return ScoresConfig.load(file, traits);
  }

  @Test
  void theShippedFileLoadsAndReadsOnlyTraitsTheTraitsJobPublishes() {
    ScoresConfig conf = ScoresConfig.load(CONF, traits);
    assertThat(conf.plans()).extracting(ScoresConfig.Plan::name).containsExactly("engagement");
    assertThat(conf.propensity().horizonDays()).isEqualTo(7);
    assertThat(conf.inputKeys(traits.keys())).containsKeys("catalog_mailings_7d", "callcenter_appointments_30d", "days_since_last_purchase_90d",
        "active_days_30d").allSatisfy((k, o) -> assertThat(o).isEqualTo(Output.NUMBER));
    assertThat(conf.profileAttributes(traits.keys())).isEmpty();
    // every score the segment language knows is published under that name
    assertThat(ScoresConfig.BUILT_IN).containsAll(KnownNames.scores().keySet().stream().filter(s -> !s.equals("engagement")).toList());
  }

  @Test
  void defaultsAndWhatAPlanReads() throws Exception {
    ScoresConfig conf = load(BASE);
    assertThat(conf.propensity().historyDays()).isEqualTo(60);
    assertThat(conf.propensity().retrainEveryDays()).isEqualTo(7);
    assertThat(conf.profileAttributes(traits.keys())).containsExactly("vip");
    assertThat(conf.inputKeys(traits.keys())).containsKeys("product_views_30d", "email_clicks_30d");
    assertThat(conf.compiledPlans(traits.keys()).get(0).conditions()).hasSize(2);
  }

  @Test
  void unknownKeysAreRefusedWithTheirLineAndColumn() {
    assertThatThrownBy(() -> load(BASE.replace("        points: 10", "        pionts: 10")))
        .isInstanceOf(DmpException.class)
        .hasMessageContaining("unknown key 'plans[0].rules[0].pionts'")
        .hasMessageContaining("s.yaml, line 9, column 9")
        .hasMessageContaining("expected one of: points, when");
    assertThatThrownBy(() -> load(BASE.replace("  frequency:", "  frequncy:")))
        .hasMessageContaining("unknown key 'rfm.frequncy'").hasMessageContaining("line 3, column 3");
    assertThatThrownBy(() -> load(BASE + "models: {}\n"))
        .hasMessageContaining("unknown key 'models'").hasMessageContaining("line 18, column 1")
        .hasMessageContaining("expected one of: plans, pressure, propensity, rfm");
  }

  @Test
  void badValuesAreRefusedWithTheKeyAndLine() {
    assertThatThrownBy(() -> load(BASE.replace("min_positives: 10", "min_positives: 0")))
        .hasMessageContaining("key 'propensity.min_positives' must be between 1 and").hasMessageContaining("line 17, column 3");
    assertThatThrownBy(() -> load(BASE.replace("[purchases_online_7d, store_tickets_7d]", "[purchases_online_30d]")))
        .hasMessageContaining("key 'propensity.label[0]' must be a trait of the horizon's window (<name>_7d")
        .hasMessageContaining("line 15");
    assertThatThrownBy(() -> load(BASE.replace("min_positives: 10", "min_positives: 10\n  history_days: 10\n  test_days: 7")))
        .hasMessageContaining("key 'propensity.history_days' must be at least test_days + horizon_days (14)")
        .hasMessageContaining("line 18, column 3");
    assertThatThrownBy(() -> load(BASE.replace("points: 10", "points: ten")))
        .hasMessageContaining("key 'plans[0].rules[0].points'").hasMessageContaining("line 9, column 9");
    assertThatThrownBy(() -> load(BASE.replace("name: engagement", "name: rfm_recency")))
        .hasMessageContaining("key 'plans[0].name' 'rfm_recency' is a score the job computes itself").hasMessageContaining("line 6, column 5");
    assertThatThrownBy(() -> load(BASE.replace("propensity:\n", "propensit:\n")))
        .hasMessageContaining("unknown key 'propensit'");
  }

  @Test
  void traitsTheTraitsConfigDoesNotPublishAsNumbersAreRefused() {
    assertThatThrownBy(() -> load(BASE.replace("store_tickets_90d]", "store_ticket_90d]")))
        .hasMessageContaining("key 'rfm.frequency[1]' is not a trait of conf/traits.yaml: 'store_ticket_90d', did you mean 'store_tickets_90d'?")
        .hasMessageContaining("line 3, column 37");
    assertThatThrownBy(() -> load(BASE.replace("[revenue_online_90d, revenue_store_90d]", "[favourite_category_90d]")))
        .hasMessageContaining("key 'rfm.monetary[0]' must be a number trait, but 'favourite_category_90d' is a text trait");
    assertThatThrownBy(() -> load(BASE.replace("[catalog_mailings, callcenter_appointments]", "[catalog_mailings, revenue_online]")))
        .hasMessageContaining("key 'pressure.contacts[1]' names 'revenue_online', which has no 7-night window in conf/traits.yaml")
        .hasMessageContaining("line 13");
    assertThatThrownBy(() -> load(BASE.replace("[events_30d, product_views_30d]", "[events_30d, last_seen_90d]")))
        .hasMessageContaining("key 'propensity.features[1]' must be a number trait, but 'last_seen_90d' is a time trait");
  }

  @Test
  void planConditionsAreCompiledAtLoadAndRefusedWithPlanRuleAndColumn() {
    assertThatThrownBy(() -> load(BASE.replace("trait.product_views_30d >= 5", "trait.product_veiws_30d >= 5")))
        .hasMessage("Cannot load config: key 'plans[0].rules[0].when' of plan 'engagement' does not compile: unknown trait"
            + " 'product_veiws_30d', did you mean 'product_views_30d'? at column 1 of the condition (file " + tmp.resolve("s.yaml")
            + ", line 8, column 9)");
    assertThatThrownBy(() -> load(BASE.replace("and profile.vip", "and profile.vipp")))
        .hasMessageContaining("key 'plans[0].rules[1].when' of plan 'engagement' does not compile: unknown profile attribute 'vipp'")
        .hasMessageContaining("at column 33 of the condition").hasMessageContaining("line 10, column 9");
    assertThatThrownBy(() -> load(BASE.replace("trait.product_views_30d >= 5", "count(event = cart_add, within 7d) >= 1")))
        .hasMessageContaining("count(...) is not available in score plans").hasMessageContaining("line 8");
    assertThatThrownBy(() -> load(BASE.replace("trait.product_views_30d >= 5", "trait.product_views_30d >=")))
        .hasMessageContaining("key 'plans[0].rules[0].when' of plan 'engagement' does not compile:").hasMessageContaining("line 8");
    assertThatThrownBy(() -> load(BASE.replace("trait.product_views_30d >= 5", "score.rfm_recency >= 4")))
        .hasMessageContaining("unknown score 'rfm_recency'");
    assertThatThrownBy(() -> load(BASE.replace("trait.product_views_30d >= 5", "trait.favourite_category_30d >= 5")))
        .hasMessageContaining("favourite_category_30d is a text, it cannot be compared with 5");
  }
}
