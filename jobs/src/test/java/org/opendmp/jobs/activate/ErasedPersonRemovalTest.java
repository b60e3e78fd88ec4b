package org.opendmp.jobs.activate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.common.testing.SharedSpark;
import org.opendmp.jobs.JobContext;
import org.opendmp.jobs.activate.DestinationsConfig.Destination;
import org.opendmp.jobs.privacy.Erasure;
import org.opendmp.jobs.privacy.PrivacyRequests.Request;
import org.opendmp.jobs.privacy.Subjects;
import org.opendmp.jobs.testing.TableRows;

/**
 * A person erased after a delivery: the erase removes their activation.audience rows, yet the next incremental
 * delivery still tells the partner to forget them (activation.pending_removals), a rerun of that night sends the
 * same file, and the night after the removal is neither sent again nor kept.
 */
class ErasedPersonRemovalTest {
  static final LocalDate D1 = LocalDate.parse("2026-11-02");
  static final LocalDate D2 = D1.plusDays(1);
  static final LocalDate D3 = D1.plusDays(2);
  static final DestinationsConfig CONF = new DestinationsConfig(List.of(
      new Destination("sms", "SMS partner", List.of("phone_sha256", "crm_id"), ActivateJobTest.ordered("cars", "CAR"),
          "sms", null, "csv", "incremental", null, null, null, null)));
  static Lake lake;
  static String secondNight;
  static String secondNightAgain;

  @BeforeAll
  static void nights() throws Exception {
    lake = SharedSpark.freshLake();
    lake.overwrite(Tables.ID_GRAPH, TableRows.of(Tables.ID_GRAPH, ActivateJobTest.id("phone_sha256", "ph1", "P1"),
        ActivateJobTest.id("phone_sha256", "ph2", "P2")));
    for (LocalDate night : List.of(D1, D2, D3)) {
      ActivateJobTest.stats(lake, night);
      ActivateJobTest.optOut(lake, night);
      lake.replaceDate(Tables.PROFILES, night, TableRows.of(Tables.PROFILES, ActivateJobTest.profile("P1", "sms"),
          ActivateJobTest.profile("P2", "sms")));
    }
    lake.replaceDate(Tables.SEGMENT_MEMBERSHIP, D1, TableRows.of(Tables.SEGMENT_MEMBERSHIP,
        ActivateJobTest.member("P1", "cars", false), ActivateJobTest.member("P2", "cars", false)));
    run(D1);
    // the privacy job of D2 erases P1 (everything but the vacuum, which this test does not need)
    Request r = new Request(2, "r1", "erase", "phone", null, "phone_sha256", "ph1", Set.of("ph1"));
    Erasure.erase(lake, D2, Subjects.resolve(lake, List.of(r)), false);
    for (LocalDate night : List.of(D2, D3)) {
      lake.replaceDate(Tables.SEGMENT_MEMBERSHIP, night, TableRows.of(Tables.SEGMENT_MEMBERSHIP, ActivateJobTest.member("P2", "cars", false)));
    }
    run(D2);
    secondNight = file(D2);
    run(D2);
    secondNightAgain = file(D2);
    run(D3);
  }

  @Test
  void theNextIncrementalDeliveryCarriesTheRemoval() throws Exception {
    assertThat(file(D1)).isEqualTo("id_type,id,codes,removed_codes\nphone_sha256,ph1,CAR,\nphone_sha256,ph2,CAR,\n");
    assertThat(secondNight).isEqualTo("id_type,id,codes,removed_codes\nphone_sha256,ph1,,CAR\n");
    Row log = lake.readDate(Tables.EXPORTS, D2).first();
    assertThat(List.of(log.<Long>getAs("rows"), log.<Long>getAs("adds"), log.<Long>getAs("removals"))).containsExactly(1L, 0L, 1L);
    assertThat(lake.read(Tables.AUDIENCE).where("person_id = 'P1'").count()).isZero();
  }

  @Test
  void aRerunOfThatNightSendsItAgainAndTheNightAfterNeitherSendsNorKeepsIt() throws Exception {
    assertThat(secondNightAgain).isEqualTo(secondNight);
    assertThat(file(D3)).isEqualTo("id_type,id,codes,removed_codes\n");
    List<Row> pending = lake.read(Tables.PENDING_REMOVALS).collectAsList();
    assertThat(pending).isEmpty();
  }

  static void run(LocalDate night) {
    Activate.run(new JobContext("activate", lake, night), CONF, ActivateJobTest.ONCE);
  }

  static String file(LocalDate night) throws Exception {
    Path file = Path.of(lake.env().exportRoot(), "sms", "dt=" + night, "sms_incremental_" + night.toString().replace("-", "") + "_001.csv");
    assertThat(file).exists();
    return Files.readString(file);
  }
}
