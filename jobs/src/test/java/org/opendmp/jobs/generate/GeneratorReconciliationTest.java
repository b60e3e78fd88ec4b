package org.opendmp.jobs.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The identity stage is measured against this: 20-35% of CRM customers have a cookie in the evidence group of
 * their crm_id (logged-in visits, email click-throughs), in a short world and a slightly longer one.
 */
class GeneratorReconciliationTest {
  @TempDir Path tmp;

  @Test
  void aQuarterOfCustomersAreReconcilableIn1500PeopleTwoDays() throws Exception {
    TestWorlds.generate(tmp, 1500, 2, 7);
    assertThat(TestWorlds.reconciliationShare(tmp)).isBetween(0.20, 0.35);
  }

  @Test
  void aQuarterOfCustomersAreReconcilableIn2000PeopleThreeDays() throws Exception {
    TestWorlds.generate(tmp, 2000, 3, 7);
    assertThat(TestWorlds.reconciliationShare(tmp)).isBetween(0.20, 0.35);
  }

  @Test
  void customersAreFortyToFiftyPercentOfPeople() throws Exception {
    GeneratorReport report = TestWorlds.generate(tmp, 2000, 1, 11);
    assertThat((double) report.customers() / 2000).isBetween(0.40, 0.50);
  }
}
