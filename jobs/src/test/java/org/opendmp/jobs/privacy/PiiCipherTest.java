package org.opendmp.jobs.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Date;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opendmp.common.DmpException;
import org.opendmp.common.testing.SharedSpark;
import org.opendmp.jobs.run.JobRunner;

class PiiCipherTest {
  static final StructType CLEAR = StructType.fromDDL(
      "pii_key STRING, first_name STRING, last_name STRING, email STRING, phone STRING, street STRING, postcode STRING,"
          + " birth_date DATE");

  static Dataset<Row> clear(Object[]... rows) {
    return SharedSpark.spark().createDataFrame(List.of(rows).stream().map(RowFactory::create).toList(), CLEAR);
  }

  static final Object[] MARIE = {"C1", "Marie", "Dupont", "marie.dupont@free.fr", "+33612345678", "1 rue X", "75011", Date.valueOf("1980-11-10")};

  @Test
  void encryptedRowsHoldNoClearValueAndDecryptToTheSameRows() {
    PiiKey key = PiiKey.generate();
    Dataset<Row> stored = PiiCipher.encrypt(clear(MARIE, new Object[] {"W1", null, " ", "x@y.fr", null, null, null, null}), key)
        .localCheckpoint();
    Row c1 = stored.where("pii_key = 'C1'").first();
    for (String c : PiiCipher.ENCRYPTED_COLUMNS) {
      assertThat(c1.<String>getAs(c)).startsWith("v1:" + key.id() + ":");
    }
    assertThat(stored.columns()).contains("birth_date_enc", "pii_fingerprint").doesNotContain("birth_date");
    assertThat(c1.toString()).doesNotContain("Marie", "Dupont", "marie.dupont", "612345678", "rue", "1980");
    assertThat(c1.<String>getAs("postcode")).isEqualTo("75011"); // a blocking key, stays clear
    Row w1 = stored.where("pii_key = 'W1'").first();
    assertThat(w1.<String>getAs("first_name")).isNull();
    assertThat(w1.<String>getAs("last_name")).as("blank is stored as null").isNull();

    Dataset<Row> back = PiiCipher.decrypt(stored, key);
    assertThat(back.columns()).contains("birth_date").doesNotContain("birth_date_enc", "pii_fingerprint");
    Row m = back.where("pii_key = 'C1'").first();
    assertThat(List.of(m.getAs("first_name"), m.getAs("last_name"), m.getAs("email"), m.getAs("phone"), m.getAs("street"), m.getAs("birth_date")))
        .containsExactly("Marie", "Dupont", "marie.dupont@free.fr", "+33612345678", "1 rue X", java.time.LocalDate.parse("1980-11-10"));
    assertThat(back.where("pii_key = 'W1'").first().<String>getAs("email")).isEqualTo("x@y.fr");
  }

  @Test
  void ciphertextIsFreshEachTimeButTheFingerprintFollowsTheClearValues() {
    PiiKey key = PiiKey.generate();
    Object[] moved = MARIE.clone();
    moved[5] = "2 rue Y";
    Row a = PiiCipher.encrypt(clear(MARIE), key).first();
    Row b = PiiCipher.encrypt(clear(MARIE), key).first();
    Row c = PiiCipher.encrypt(clear(moved), key).first();
    Row other = PiiCipher.encrypt(clear(MARIE), PiiKey.generate()).first();
    assertThat(a.<String>getAs("email")).isNotEqualTo(b.getAs("email"));
    assertThat(a.<String>getAs("pii_fingerprint")).hasSize(64).isEqualTo(b.getAs("pii_fingerprint"));
    assertThat(c.<String>getAs("pii_fingerprint")).isNotEqualTo(a.getAs("pii_fingerprint"));
    assertThat(other.<String>getAs("pii_fingerprint")).as("keyed: not a guessable hash").isNotEqualTo(a.getAs("pii_fingerprint"));
  }

  @Test
  void anotherKeyOrAnotherColumnDoesNotDecrypt() {
    PiiKey key = PiiKey.generate();
    PiiKey other = PiiKey.generate();
    Dataset<Row> stored = PiiCipher.encrypt(clear(MARIE), key).localCheckpoint();
    assertThatThrownBy(() -> PiiCipher.decrypt(stored, other).collectAsList())
        .satisfies(e -> assertThat(JobRunner.oneLine(e)).startsWith("Cannot decrypt silver.customers_pii.")
            .contains("encrypted with PII key " + key.id() + ", the key given is " + other.id()));
    String email = stored.first().getAs("email");
    byte[] k = key.bytes();
    assertThat(PiiCipher.decryptValue(k, key.id(), "email", email)).isEqualTo("marie.dupont@free.fr");
    assertThatThrownBy(() -> PiiCipher.decryptValue(k, key.id(), "phone", email))
        .hasMessage("Cannot decrypt silver.customers_pii.phone: authentication failed (the value was altered, or moved from another column)");
    assertThatThrownBy(() -> PiiCipher.decryptValue(k, key.id(), "email", "marie.dupont@free.fr"))
        .hasMessageStartingWith("Cannot decrypt silver.customers_pii.email: a value is not a v1 ciphertext");
    assertThat(PiiCipher.keyIds(stored).collectAsList()).extracting(r -> r.getString(0)).containsExactly(key.id());
  }

  @Test
  void theKeyComesFromTheEnvironmentThenItsFileThenTheEnvFile(@TempDir Path dir) throws Exception {
    PiiKey a = PiiKey.createFile(dir.resolve("a.key"));
    PiiKey b = PiiKey.createFile(dir.resolve("b.key"));
    String inline = Files.readString(dir.resolve("a.key")).strip();
    assertThat(PiiKey.resolve(Map.of("DMP_PII_KEY", inline, "DMP_PII_KEY_FILE", dir.resolve("b.key").toString()), null, "x").id())
        .isEqualTo(a.id());
    assertThat(PiiKey.resolve(Map.of("DMP_PII_KEY_FILE", dir.resolve("b.key").toString()), dir.resolve("a.key").toString(), "x").id())
        .isEqualTo(b.id());
    assertThat(PiiKey.resolve(Map.of(), dir.resolve("a.key").toString(), "x").id()).isEqualTo(a.id());
    assertThat(a.id()).isNotEqualTo(b.id()).hasSize(8);
    assertThat(a.toString()).isEqualTo("PiiKey[" + a.id() + "]");
    assertThat(Files.getPosixFilePermissions(dir.resolve("a.key"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThatThrownBy(() -> PiiKey.createFile(dir.resolve("a.key"))).isInstanceOf(DmpException.class)
        .hasMessageContaining("Cannot create the PII key file").hasMessageContaining("a.key");
  }

  @Test
  void noKeyOrABadKeyFileIsOneLineSayingWhatToDo(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> PiiKey.resolve(Map.of(), null, "run identity"))
        .hasMessage("Cannot run identity: no PII key (set DMP_PII_KEY or DMP_PII_KEY_FILE, or pii_key_file in the env file)");
    Path shortKey = Files.writeString(dir.resolve("short.key"), Base64.getEncoder().encodeToString(new byte[16]));
    assertThatThrownBy(() -> PiiKey.resolve(Map.of(), shortKey.toString(), "x"))
        .hasMessage("Cannot read the PII key: 16 bytes, expected 32 (base64 of a 256-bit key) (file " + shortKey + ")");
    Path junk = Files.writeString(dir.resolve("junk.key"), "not a key!");
    assertThatThrownBy(() -> PiiKey.resolve(Map.of(), junk.toString(), "x"))
        .hasMessage("Cannot read the PII key: not base64 (expected base64 of 32 bytes) (file " + junk + ")");
    assertThatThrownBy(() -> PiiKey.resolve(Map.of("DMP_PII_KEY_FILE", dir.resolve("absent.key").toString()), null, "x"))
        .hasMessageStartingWith("Cannot read the PII key: NoSuchFileException").hasMessageEndingWith("absent.key)");
  }
}
