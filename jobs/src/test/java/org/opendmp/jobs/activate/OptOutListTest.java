package org.opendmp.jobs.activate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opendmp.common.DmpException;
import org.opendmp.common.testing.SharedSpark;
import org.opendmp.jobs.testing.TableRows;
import org.opendmp.common.table.Tables;

/** The global opt-out list: which file a night reads, every refusal with its position, and who it opts out. */
class OptOutListTest {
  static final LocalDate D = LocalDate.parse("2026-11-10");
  static final String EM = "a".repeat(64);
  static final Configuration HADOOP = new Configuration();

  @TempDir Path landing;

  @Test
  void aNightReadsTheLatestListOnOrBeforeItsDate() throws IOException {
    write("2026-11-01", "crm_id,C1");
    write("2026-11-10", "crm_id,C2");
    write("2026-11-12", "crm_id,C3");
    assertThat(latest(D).toString()).endsWith("opt_out/dt=2026-11-10/opt_out.csv");
    assertThat(latest(D.minusDays(1)).toString()).endsWith("opt_out/dt=2026-11-01/opt_out.csv");
    assertThatThrownBy(() -> latest(LocalDate.parse("2026-10-31")))
        .isInstanceOf(DmpException.class)
        .hasMessageContaining("Cannot read the global opt-out list: none on or before 2026-10-31")
        .hasMessageContaining("opt_out/dt=YYYY-MM-DD/opt_out.csv");
  }

  @Test
  void noListAtAllIsAnErrorNotAnEmptyList() {
    assertThatThrownBy(() -> latest(D)).isInstanceOf(DmpException.class).hasMessageContaining("none on or before 2026-11-10");
  }

  @Test
  void aHeaderOnlyFileIsTheEmptyList() throws IOException {
    write("2026-11-10");
    assertThat(OptOutList.parse(latest(D), HADOOP)).isEmpty();
  }

  @Test
  void linesAreParsed() throws IOException {
    write("2026-11-10", "email_sha256," + EM, "", "crm_id, C9 ", "phone_sha256," + "b".repeat(64));
    assertThat(OptOutList.parse(latest(D), HADOOP)).extracting(Row::toString)
        .containsExactly("[email_sha256," + EM + "]", "[crm_id,C9]", "[phone_sha256," + "b".repeat(64) + "]");
  }

  @Test
  void malformedListsAreRefusedWithFileLineAndColumn() throws IOException {
    refused(List.of("crm_id"), "the header must be 'id_type,id_value', got 'id_type,id_value,x' (file", "line 1, column 1",
        "id_type,id_value,x");
    refused(List.of("crm_id,C1", "cookie,abc"), "id_type 'cookie' is not one of email_sha256, phone_sha256, crm_id",
        "line 3, column 1");
    refused(List.of("email_sha256,john@example.com"), "id_value of email_sha256 must be the SHA-256 hex", "line 2, column 14");
    refused(List.of("crm_id,"), "id_value is empty", "line 2, column 8");
    refused(List.of("crm_id,C1,C2"), "expected 2 fields (id_type,id_value), got 3", "line 2, column 1");
  }

  @Test
  void oneListedIdentifierOptsTheWholePersonOut() {
    var graph = TableRows.of(Tables.ID_GRAPH, ActivateJobTest.id("crm_id", "C1", "P1"), ActivateJobTest.id("phone_sha256", "ph1", "P1"),
        ActivateJobTest.id("email_sha256", EM, "P2"), ActivateJobTest.id("crm_id", "C3", "P3"));
    var list = SharedSpark.spark().createDataFrame(List.of(
        org.apache.spark.sql.RowFactory.create("crm_id", "C1"), org.apache.spark.sql.RowFactory.create("email_sha256", EM),
        org.apache.spark.sql.RowFactory.create("crm_id", "C404"), org.apache.spark.sql.RowFactory.create("crm_id", EM)),
        OptOutList.SCHEMA);
    assertThat(ActivationFrames.optedOut(list, graph).collectAsList()).extracting(r -> r.getString(0))
        .containsExactlyInAnyOrder("P1", "P2");
  }

  private void refused(List<String> lines, String message, String position, String... header) throws IOException {
    Path dir = landing.resolve("opt_out/dt=2026-11-10");
    Files.createDirectories(dir);
    String head = header.length > 0 ? header[0] : OptOutList.HEADER;
    Files.writeString(dir.resolve("opt_out.csv"), head + "\n" + String.join("\n", lines) + "\n");
    assertThatThrownBy(() -> OptOutList.parse(latest(D), HADOOP))
        .isInstanceOf(DmpException.class)
        .hasMessageStartingWith("Cannot read the global opt-out list: ")
        .hasMessageContaining(message)
        .hasMessageContaining(position)
        .hasMessageContaining("opt_out.csv");
  }

  private org.apache.hadoop.fs.Path latest(LocalDate date) {
    return OptOutList.latest(landing.toString(), date, HADOOP);
  }

  private void write(String dt, String... lines) throws IOException {
    Path dir = landing.resolve("opt_out/dt=" + dt);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("opt_out.csv"), OptOutList.HEADER + "\n" + String.join("\n", lines) + (lines.length > 0 ? "\n" : ""));
  }
}
