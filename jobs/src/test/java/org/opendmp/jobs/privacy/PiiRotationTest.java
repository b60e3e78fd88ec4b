package org.opendmp.jobs.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opendmp.common.DmpException;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;
import org.opendmp.common.testing.SharedSpark;
import org.opendmp.jobs.cli.Dmp;
import org.opendmp.jobs.run.JobRunner;

/** Key rotation of silver.customers_pii: same clear content, the old key no longer decrypts, a wrong key changes nothing. */
class PiiRotationTest {
  static final StructType CLEAR = StructType.fromDDL(
      "pii_key STRING, source STRING, first_name STRING, last_name STRING, email STRING, phone STRING, street STRING,"
          + " postcode STRING, city STRING, birth_date DATE, updated_at TIMESTAMP, extract_date DATE, deleted BOOLEAN");
  static final LocalDate D = LocalDate.parse("2026-11-02");

  @TempDir Path dir;

  static Lake lakeWith(PiiKey key) {
    Lake lake = SharedSpark.freshLake();
    Timestamp t = Timestamp.valueOf("2026-11-02 10:00:00");
    Dataset<Row> clear = SharedSpark.spark().createDataFrame(List.of(
        RowFactory.create("C1", "crm", "Marie", "Dupont", "marie@free.fr", "+33612345678", "1 rue X", "75011", "Paris",
            java.sql.Date.valueOf("1980-11-10"), t, java.sql.Date.valueOf(D), false),
        RowFactory.create("C2", "crm", null, null, null, null, null, null, null, null, t, java.sql.Date.valueOf(D), true),
        RowFactory.create("W1", "wifi", null, null, "jean@orange.fr", null, null, null, null, null, t, java.sql.Date.valueOf(D), false)),
        CLEAR);
    lake.overwrite(Tables.CUSTOMERS_PII, PiiCipher.encrypt(clear, key));
    return lake;
  }

  static List<String> clearRows(Lake lake, PiiKey key) {
    return PiiCipher.decrypt(lake.read(Tables.CUSTOMERS_PII), key).toJSON().collectAsList().stream().sorted().toList();
  }

  static long version(Lake lake) {
    return lake.delta(Tables.CUSTOMERS_PII).history().agg(org.apache.spark.sql.functions.max("version")).first().getLong(0);
  }

  @Test
  void rotatedRowsDecryptIdenticallyAndOnlyWithTheNewKey() {
    PiiKey old = PiiKey.generate();
    PiiKey next = PiiKey.generate();
    Lake lake = lakeWith(old);
    List<String> before = clearRows(lake, old);
    List<String> emailsBefore = lake.read(Tables.CUSTOMERS_PII).select("email").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    long v = version(lake);

    PiiRotation.Result r = PiiRotation.rotate(lake, old, next);

    assertThat(r).isEqualTo(new PiiRotation.Result(3, old.id(), next.id()));
    assertThat(version(lake)).as("one Delta commit").isEqualTo(v + 1);
    assertThat(clearRows(lake, next)).isEqualTo(before).anyMatch(j -> j.contains("marie@free.fr"));
    assertThat(lake.read(Tables.CUSTOMERS_PII).select("email").as(org.apache.spark.sql.Encoders.STRING()).collectAsList())
        .doesNotContainAnyElementsOf(emailsBefore.stream().filter(e -> e != null).toList())
        .allMatch(e -> e == null || e.startsWith("v1:" + next.id() + ":"));
    assertThatThrownBy(() -> clearRows(lake, old))
        .satisfies(e -> assertThat(JobRunner.oneLine(e)).contains("encrypted with PII key " + next.id() + ", the key given is " + old.id()));
  }

  @Test
  void aWrongCurrentKeyFailsAndChangesNothing() {
    PiiKey old = PiiKey.generate();
    PiiKey next = PiiKey.generate();
    Lake lake = lakeWith(old);
    PiiRotation.rotate(lake, old, next);
    List<String> stored = lake.read(Tables.CUSTOMERS_PII).toJSON().collectAsList().stream().sorted().toList();
    long v = version(lake);

    assertThatThrownBy(() -> PiiRotation.rotate(lake, old, PiiKey.generate()))
        .isInstanceOf(DmpException.class)
        .hasMessage("Cannot rotate the PII key: silver.customers_pii holds values encrypted with key(s) " + next.id()
            + ", not with the current key " + old.id() + " (is DMP_PII_KEY / DMP_PII_KEY_FILE / pii_key_file the key in use?);"
            + " nothing changed");
    assertThatThrownBy(() -> PiiRotation.rotate(lake, next, next)).hasMessageContaining("the new key is the current key");
    assertThat(version(lake)).isEqualTo(v);
    assertThat(lake.read(Tables.CUSTOMERS_PII).toJSON().collectAsList().stream().sorted().toList()).isEqualTo(stored);
  }

  @Test
  void theCommandCreatesTheNewKeyRotatesAndSaysWhatToDoNext() throws Exception {
    System.setProperty("dmp.home", Path.of("..").toAbsolutePath().normalize().toString());
    Path oldFile = dir.resolve("old.key");
    PiiKey old = PiiKey.createFile(oldFile);
    Lake lake = lakeWith(old);
    List<String> before = clearRows(lake, old);
    Path newFile = dir.resolve("keys/new.key");
    String[] env = {"--set", "lake_root=" + lake.env().lakeRoot(), "--set", "landing_root=" + lake.env().landingRoot(),
        "--set", "export_root=" + lake.env().exportRoot()};

    String[] ok = dmp(concat(new String[] {"rotate-pii-key", "--new-key-file", newFile.toString(), "--set", "pii_key_file=" + oldFile}, env));
    assertThat(ok[0]).isEqualTo("0");
    PiiKey next = PiiKey.fromFile(newFile);
    assertThat(Files.getPosixFilePermissions(newFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(ok[1]).contains("Created the new key file " + newFile, "3 rows re-encrypted from key " + old.id() + " to key " + next.id(),
        "DMP_PII_KEY_FILE=" + newFile, "pii_key_file: " + newFile);
    assertThat(ok[1] + ok[2]).doesNotContain(Files.readString(newFile).strip(), Files.readString(oldFile).strip());
    assertThat(clearRows(lake, next)).isEqualTo(before);

    String[] again = dmp(concat(new String[] {"rotate-pii-key", "--new-key-file", dir.resolve("third.key").toString(), "--set", "pii_key_file=" + oldFile}, env));
    assertThat(again[0]).isEqualTo("1");
    assertThat(again[2].strip()).startsWith("error: Cannot rotate the PII key: silver.customers_pii holds values encrypted with key(s) " + next.id())
        .doesNotContain("\n");
    assertThat(dir.resolve("third.key")).as("no key file made by a failed rotation").doesNotExist();
    assertThat(clearRows(lake, next)).isEqualTo(before);
  }

  static String[] dmp(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Dmp.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    return new String[] {String.valueOf(code), out.toString(), err.toString()};
  }

  static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
