package org.opendmp.jobs.privacy;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.opendmp.common.DmpException;

/**
 * Encryption of the sensitive columns of silver.customers_pii: AES-256-GCM, a fresh random 12-byte IV per value,
 * the column name as associated data (a value copied into another column does not decrypt). A value is stored
 * as {@code v1:<key id>:<base64 of iv + ciphertext + tag>}, so that a reader and key rotation know which key
 * encrypted it. Null and blank values stay null: there is nothing to protect, and readers keep testing presence
 * (profiles only ask whether a street exists) without the key.
 *
 * <p>The key travels to executors inside the closures of the Spark functions built here, never in a table, a
 * conf or a log. Because the IV is fresh, the same clear value encrypts differently each time: writers compare
 * rows on {@link #FINGERPRINT} (an HMAC-SHA256 of the clear values under a key derived from the PII key, not
 * guessable without it, unlike a plain hash of a phone number) so that a re-run rewrites no unchanged row.
 */
public final class PiiCipher {
  /** Clear string columns stored encrypted under the same name. */
  public static final List<String> STRING_COLUMNS = List.of("first_name", "last_name", "email", "phone", "street");
  /** The clear birth_date (DATE) is stored encrypted in this STRING column (a DATE column cannot hold ciphertext). */
  public static final String BIRTH_DATE_ENC = "birth_date_enc";
  public static final String FINGERPRINT = "pii_fingerprint";
  /** Every column holding ciphertext. */
  public static final List<String> ENCRYPTED_COLUMNS =
      List.of("first_name", "last_name", "email", "phone", "street", BIRTH_DATE_ENC);

  static final String VERSION = "v1";
  private static final String TABLE = "silver.customers_pii";
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private PiiCipher() {}

  /**
   * Encrypts clear rows into the stored shape. Input: any columns, among them {@link #STRING_COLUMNS} (clear,
   * blank means null) and {@code birth_date} (DATE). Output: the same columns with those five holding
   * ciphertext, {@code birth_date} replaced by {@link #BIRTH_DATE_ENC}, plus {@link #FINGERPRINT} (null when
   * every sensitive value is null). Grain unchanged.
   */
  public static Dataset<Row> encrypt(Dataset<Row> clear, PiiKey key) {
    Dataset<Row> d = clear;
    for (String c : STRING_COLUMNS) {
      Column v = col(c).cast("string");
      d = d.withColumn(c, when(trim(v).equalTo(""), lit(null).cast("string")).otherwise(v));
    }
    d = d.withColumn(BIRTH_DATE_ENC, date_format(col("birth_date").cast("date"), "yyyy-MM-dd")).drop("birth_date");
    d = d.withColumn(FINGERPRINT, fingerprint(key));
    for (String c : ENCRYPTED_COLUMNS) {
      d = d.withColumn(c, encryptFunction(key, c).apply(col(c)));
    }
    return d;
  }

  /**
   * Decrypts the stored shape. Input: silver.customers_pii rows (any other columns pass through). Output: the
   * same rows with {@link #STRING_COLUMNS} clear, {@code birth_date} (DATE) instead of {@link #BIRTH_DATE_ENC},
   * without {@link #FINGERPRINT}. A value encrypted with another key fails the Spark job naming the column and
   * both key ids.
   */
  public static Dataset<Row> decrypt(Dataset<Row> stored, PiiKey key) {
    Dataset<Row> d = stored;
    for (String c : ENCRYPTED_COLUMNS) {
      d = d.withColumn(c, decryptFunction(key, c).apply(col(c)));
    }
    return d.withColumn("birth_date", to_date(col(BIRTH_DATE_ENC), "yyyy-MM-dd")).drop(BIRTH_DATE_ENC, FINGERPRINT);
  }

  /** The stored rows re-encrypted from one key to another (key rotation); other columns unchanged. */
  public static Dataset<Row> reencrypt(Dataset<Row> stored, PiiKey from, PiiKey to) {
    return encrypt(decrypt(stored, from), to);
  }

  /** The distinct ids of the keys that encrypted the values of the stored rows (one column {@code key_id}). */
  public static Dataset<Row> keyIds(Dataset<Row> stored) {
    Dataset<Row> ids = null;
    for (String c : ENCRYPTED_COLUMNS) {
      Dataset<Row> one = stored.where(col(c).isNotNull())
          .select(org.apache.spark.sql.functions.split(col(c), ":").getItem(1).as("key_id"));
      ids = ids == null ? one : ids.union(one);
    }
    return ids.distinct();
  }

  private static Column fingerprint(PiiKey key) {
    List<Column> clear = new ArrayList<>();
    STRING_COLUMNS.forEach(c -> clear.add(col(c)));
    clear.add(col(BIRTH_DATE_ENC));
    byte[] macKey = macKey(key);
    UserDefinedFunction hmac =
        org.apache.spark.sql.functions.udf((UDF1<String, String>) json -> hmacHex(macKey, json), DataTypes.StringType);
    Column anyValue = lit(false);
    for (Column c : clear) {
      anyValue = anyValue.or(c.isNotNull());
    }
    // to_json leaves null fields out and names the others: two rows have one fingerprint only if equal.
    return when(anyValue, hmac.apply(to_json(struct(clear.toArray(Column[]::new)))));
  }

  private static UserDefinedFunction encryptFunction(PiiKey key, String column) {
    byte[] k = key.bytes();
    String id = key.id();
    // Nondeterministic (a fresh IV): Spark must evaluate it once per row, not re-run or fold it.
    return org.apache.spark.sql.functions.udf(
            (UDF1<String, String>) v -> encryptValue(k, id, column, v), DataTypes.StringType)
        .asNondeterministic();
  }

  private static UserDefinedFunction decryptFunction(PiiKey key, String column) {
    byte[] k = key.bytes();
    String id = key.id();
    return org.apache.spark.sql.functions.udf(
        (UDF1<String, String>) v -> decryptValue(k, id, column, v), DataTypes.StringType);
  }

  /** One value encrypted: {@code v1:<key id>:<base64 iv+ciphertext+tag>}; null stays null. */
  static String encryptValue(byte[] key, String keyId, String column, String clear) {
    if (clear == null) {
      return null;
    }
    byte[] iv = new byte[IV_BYTES];
    RANDOM.nextBytes(iv);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, iv));
      cipher.updateAAD(column.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(clear.getBytes(StandardCharsets.UTF_8));
      byte[] out = ByteBuffer.allocate(IV_BYTES + sealed.length).put(iv).put(sealed).array();
      return VERSION + ":" + keyId + ":" + Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new DmpException("Cannot encrypt " + TABLE + "." + column + ": " + e.getMessage(), e);
    }
  }

  /** One value decrypted; null stays null; a value of another key or format is an error naming the column. */
  static String decryptValue(byte[] key, String keyId, String column, String stored) {
    if (stored == null) {
      return null;
    }
    String[] parts = stored.split(":", 3);
    if (parts.length != 3 || !parts[0].equals(VERSION)) {
      throw new DmpException("Cannot decrypt " + TABLE + "." + column
          + ": a value is not a " + VERSION + " ciphertext (written before encryption, or altered)");
    }
    if (!parts[1].equals(keyId)) {
      throw new DmpException("Cannot decrypt " + TABLE + "." + column + ": a value was encrypted with PII key " + parts[1]
          + ", the key given is " + keyId + " (point DMP_PII_KEY_FILE or pii_key_file at the key in use)");
    }
    try {
      byte[] in = Base64.getDecoder().decode(parts[2]);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, in, 0, IV_BYTES));
      cipher.updateAAD(column.getBytes(StandardCharsets.UTF_8));
      return new String(cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES), StandardCharsets.UTF_8);
    } catch (AEADBadTagException e) {
      throw new DmpException("Cannot decrypt " + TABLE + "." + column
          + ": authentication failed (the value was altered, or moved from another column)");
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new DmpException("Cannot decrypt " + TABLE + "." + column + ": " + e.getMessage(), e);
    }
  }

  private static byte[] macKey(PiiKey key) {
    return hmac(key.bytes(), "opendmp-pii-fingerprint".getBytes(StandardCharsets.US_ASCII));
  }

  static String hmacHex(byte[] macKey, String text) {
    return text == null ? null : HexFormat.of().formatHex(hmac(macKey, text.getBytes(StandardCharsets.UTF_8)));
  }

  private static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
