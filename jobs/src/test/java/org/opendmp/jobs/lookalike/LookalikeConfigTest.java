package org.opendmp.jobs.lookalike;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opendmp.common.DmpException;
import org.opendmp.jobs.lookalike.LookalikeConfig.Model;
import org.opendmp.jobs.profile.TraitsConfig;
import org.opendmp.jobs.segment.SegmentsConfig;

/** conf/lookalike.yaml: the shipped file, and every way a file is refused, with its position. */
class LookalikeConfigTest {
  static final Path CONF = Path.of("..", "conf");
  static TraitsConfig traits;
  static SegmentsConfig segments;

  /** Line numbers below refer to this text. */
  static final String BASE = """
      sources:
        partner_segments: [no_modelling]
      models:
        - id: lal_test
          seed_segment: recent_purchasers
          features: [traits, profile]
          exclude_features: [trait.purchases_online, profile.is_customer]
          min_seed_size: 10
      """;

  @TempDir Path tmp;

  @BeforeAll
  static void upstream() {
    traits = TraitsConfig.load(CONF.resolve("traits.yaml"));
    segments = SegmentsConfig.load(CONF.resolve("segments.yaml"));
  }

  LookalikeConfig load(String text) throws Exception {
    Path file = tmp.resolve("l.yaml");
    Files.writeString(file, text);
    return LookalikeConfig.load(file, traits, segments);
  }

  @Test
  void theShippedFileLoadsAndItsPurchasersModelReadsNoPurchaseFeature() {
    LookalikeConfig conf = LookalikeConfig.load(CONF.resolve("lookalike.yaml"), traits, segments);
    Model m = conf.models().get(0);
    assertThat(m.id()).isEqualTo("lal_purchasers");
    assertThat(m.seedSegment()).isEqualTo("recent_purchasers");
    assertThat(m.populationKind()).isEqualTo(LookalikeConfig.Population.PROSPECTS);
    assertThat(conf.sources().partnerSegments()).containsExactly("no_modelling");
    java.util.List<String> features = LookalikeConfig.knownFeatures(m, traits);
    assertThat(features).contains("trait.product_views_30d", "trait.cart_adds_7d", "profile.age")
        .noneMatch(f -> f.contains("purchase") || f.contains("revenue") || f.contains("order") || f.startsWith("score.rfm")
            || f.equals("score.engagement") // the engagement plan gives points for a purchase
            || f.startsWith("score.propensity") || f.equals("profile.is_customer"));
  }

  @Test
  void defaultsAreFilledAndAWindowlessTraitExclusionLeavesOutEveryWindow() throws Exception {
    Model m = load(BASE).models().get(0);
    assertThat(m.algorithmKind()).isEqualTo(LookalikeConfig.Algorithm.LOGISTIC_REGRESSION);
    assertThat(m.excludeSeed()).isTrue();
    assertThat(m.lookbackDays()).isEqualTo(90);
    assertThat(m.holdoutShare()).isEqualTo(0.2);
    assertThat(LookalikeConfig.knownFeatures(m, traits)).contains("trait.cart_adds_30d", "profile.age", "profile.vip")
        .doesNotContain("trait.purchases_online_7d", "trait.purchases_online_30d", "trait.purchases_online_90d", "profile.is_customer");
  }

  @Test
  void anUnknownKeyIsRefusedAtItsPosition() {
    assertThatThrownBy(() -> load(BASE.replace("min_seed_size: 10", "min_seed: 10")))
        .isInstanceOf(DmpException.class)
        .hasMessageStartingWith("Cannot load config: unknown key 'models[0].min_seed'")
        .hasMessageContaining("line 8, column 5");
  }

  @Test
  void anUnknownSeedSegmentIsRefusedWithASuggestion() {
    assertThatThrownBy(() -> load(BASE.replace("seed_segment: recent_purchasers", "seed_segment: recent_purchaser")))
        .hasMessageStartingWith("Cannot load config: key 'models[0].seed_segment' names 'recent_purchaser', which is not a segment")
        .hasMessageContaining("recent_purchasers")
        .hasMessageContaining("line 5, column 5");
  }

  @Test
  void anUnknownExcludedFeatureOrSourceIsRefused() {
    assertThatThrownBy(() -> load(BASE.replace("profile.is_customer]", "profile.shoe_size]")))
        .hasMessageStartingWith("Cannot load config: key 'models[0].exclude_features[1]' names 'profile.shoe_size', which is not a feature")
        .hasMessageContaining("line 7");
    assertThatThrownBy(() -> load(BASE.replace("features: [traits, profile]", "features: [traits, weather]")))
        .hasMessageContaining("'models[0].features[1]'").hasMessageContaining("'weather'").hasMessageContaining("line 6");
    assertThatThrownBy(() -> load(BASE.replace("[no_modelling]", "[secret]")))
        .hasMessageContaining("'sources.partner_segments[0]'").hasMessageContaining("not a known label").hasMessageContaining("line 2");
  }

  @Test
  void badNumbersAndChoicesAreRefusedAtTheirKey() {
    assertThatThrownBy(() -> load(BASE + "    holdout_share: 0.9\n"))
        .hasMessageContaining("models[0].holdout_share").hasMessageContaining("between 0.05 and 0.5").hasMessageContaining("line 9");
    assertThatThrownBy(() -> load(BASE + "    algorithm: random_forest\n"))
        .hasMessageContaining("models[0].algorithm").hasMessageContaining("logistic_regression, gbt").hasMessageContaining("line 9");
    assertThatThrownBy(() -> load(BASE + "    population: everyone\n"))
        .hasMessageContaining("models[0].population").hasMessageContaining("prospects, active");
    assertThatThrownBy(() -> load(BASE + "    reach_targets: [1000, 0]\n"))
        .hasMessageContaining("models[0].reach_targets[1]");
    assertThatThrownBy(() -> load(BASE.replace("min_seed_size: 10", "min_seed_size: ten")))
        .hasMessageContaining("min_seed_size").hasMessageContaining("line 8");
  }

  @Test
  void governanceRefusesASourceLabelledNoModelling() {
    assertThatThrownBy(() -> load(BASE.replace("features: [traits, profile]", "features: [traits, partner_segments]")))
        .hasMessageStartingWith("Cannot load config: key 'models[0].features[1]' names source 'partner_segments', labelled no_modelling")
        .hasMessageContaining("governance").hasMessageContaining("line 6");
  }

  @Test
  void governanceRefusesASeedThatIsALookalikeAudienceEvenThroughAnotherSegment() throws Exception {
    Path segs = tmp.resolve("segments.yaml");
    Files.writeString(segs, """
        segments:
          - id: buyers
            description: buyers
            rule: count(event = purchase, within 30d) >= 1
          - id: alike
            description: look-alikes of buyers
            rule: lookalike.lal_test.percentile >= 95
          - id: alike_adults
            description: adult look-alikes
            rule: segment.alike and profile.age >= 18
        """);
    SegmentsConfig custom = SegmentsConfig.load(segs);
    Path file = tmp.resolve("l.yaml");
    Files.writeString(file, BASE.replace("recent_purchasers", "buyers"));
    assertThat(LookalikeConfig.load(file, traits, custom).models()).hasSize(1);
    for (String seed : new String[] {"alike", "alike_adults"}) {
      Files.writeString(file, BASE.replace("recent_purchasers", seed));
      assertThatThrownBy(() -> LookalikeConfig.load(file, traits, custom))
          .hasMessageStartingWith("Cannot load config: key 'models[0].seed_segment' names '" + seed + "', a look-alike audience")
          .hasMessageContaining("lookalike.lal_test.percentile").hasMessageContaining("line 5");
    }
  }
}
