package org.opendmp.jobs.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.opendmp.common.testing.DatasetAssert.assertRows;
import static org.opendmp.common.testing.DatasetAssert.rows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.opendmp.jobs.segment.SegmentsConfig.Segment;

/** Look-alike audiences in segment rules: lookalike.<model>.<percentile|rank|score>, checked and evaluated. */
class LookalikeRulesTest {
  private static final Catalog CATALOG = new Catalog(Map.of(), Map.of(), Map.of("is_customer", ValueType.BOOLEAN), Set.of(), Set.of(),
      Set.of("purchase"), Map.of()).withLookalikeModels(Set.of("lal"));

  private static CompiledSegments compile(String... idRule) {
    List<Segment> segments = new java.util.ArrayList<>();
    for (int i = 0; i < idRule.length; i += 2) {
      segments.add(new Segment(idRule[i], "test", idRule[i + 1], null, null, null));
    }
    return SegmentRules.compile(new SegmentsConfig(30, segments), CATALOG, "segments.yaml");
  }

  @Test
  void aLookalikeRefParsesToItsModelAndFieldAndPrintsBack() {
    Ast.Expr e = RuleParser.parse("lookalike.lal.percentile >= 95 and lookalike.lal.rank <= 10000");
    assertThat(Ast.text(e)).isEqualTo("(lookalike.lal.percentile >= 95 and lookalike.lal.rank <= 10000)");
    assertThat(compile("top", "lookalike.lal.percentile >= 95").inputColumns()).containsOnlyKeys("lookalike__lal__percentile");
  }

  @Test
  void unknownModelsFieldsAndAMissingFieldAreRefusedAtTheirColumn() {
    assertThatThrownBy(() -> compile("top", "lookalike.lal_x.percentile >= 95"))
        .hasMessageContaining("unknown look-alike model 'lal_x'").hasMessageContaining("lal").hasMessageContaining("column 1");
    assertThatThrownBy(() -> RuleParser.parse("lookalike.lal.percent >= 95"))
        .hasMessageContaining("unknown look-alike field 'percent' (expected score, percentile, rank)");
    assertThatThrownBy(() -> RuleParser.parse("lookalike.lal >= 95"))
        .hasMessageContaining("'.' and a field after 'lookalike.lal'");
  }

  @Test
  void theShippedSegmentsCompileWithTheShippedLookalikeModel() {
    CompiledSegments c = SegmentRules.load(Path.of("../conf/segments.yaml"), KnownNames.catalog());
    assertThat(c.inputColumns()).containsKey("lookalike__lal_purchasers__percentile");
  }

  @Test
  void topPercentAndReachSelectScoredPersonsOnlyAndTheUnscoredSeedIsInNoAudience() {
    CompiledSegments segments = compile(
        "top5", "lookalike.lal.percentile >= 95",
        "reach2", "lookalike.lal.rank <= 2 and not profile.is_customer",
        "not_top", "not lookalike.lal.percentile >= 95");
    Dataset<Row> profiles = rows("person_id STRING, is_customer BOOLEAN",
        new Object[] {"a", false}, new Object[] {"b", true}, new Object[] {"c", false}, new Object[] {"d", false},
        new Object[] {"seed", false});
    Dataset<Row> lookalike = rows("person_id STRING, model_id STRING, score DOUBLE, percentile DOUBLE, rank BIGINT",
        new Object[] {"a", "lal", 0.9, 100.0, 1L},
        new Object[] {"b", "lal", 0.8, 96.0, 2L},
        new Object[] {"c", "lal", 0.7, 50.0, 3L},
        new Object[] {"d", "lal", 0.1, 0.0, 4L},
        new Object[] {"a", "other", 0.0, 0.0, 9L});
    Dataset<Row> input = SegmentFrames.input(profiles, rows("person_id STRING, numbers MAP<STRING,DOUBLE>"),
        rows("person_id STRING, score STRING, value DOUBLE"), lookalike, rows("person_id STRING"), segments);
    SegmentFrames.checkInput(input.schema(), segments);
    // the seed (not scored: excluded) is in no look-alike audience; a condition on a missing value is false, so
    // its negation holds, as everywhere in the language
    assertRows(SegmentFrames.qualify(input, segments).select("segment_id", "person_id"),
        new Object[] {"top5", "a"},
        new Object[] {"top5", "b"},
        new Object[] {"reach2", "a"},
        new Object[] {"not_top", "c"},
        new Object[] {"not_top", "d"},
        new Object[] {"not_top", "seed"});
  }
}
