package org.opendmp.jobs.privacy;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.opendmp.common.DmpException;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;

/**
 * Key rotation of silver.customers_pii: every encrypted value re-encrypted with a new key in one Delta commit
 * (an overwrite of the table), after checking that every value was encrypted with the current key, and verified
 * after the commit: the table decrypts with the new key to exactly the clear content it had. Run it when no
 * job writes the table (between two nights).
 */
public final class PiiRotation {
  private PiiRotation() {}

  /** What a rotation did: the rows rewritten and the ids of the old and new keys. */
  public record Result(long rows, String oldKeyId, String newKeyId) {}

  /**
   * Re-encrypts the table from {@code current} to {@code next}. Throws, changing nothing, when the table holds a
   * value of another key than {@code current} (a wrong current key, or a rotation half done by hand) or when a
   * value does not decrypt.
   */
  public static Result rotate(Lake lake, PiiKey current, PiiKey next) {
    if (current.id().equals(next.id())) {
      throw new DmpException("Cannot rotate the PII key: the new key is the current key (key " + current.id() + ")");
    }
    Dataset<Row> stored = lake.read(Tables.CUSTOMERS_PII).localCheckpoint();
    requireCurrent(stored, current);
    long before = contentChecksum(PiiCipher.decrypt(stored, current));
    // Materialised before the write: a value that does not decrypt fails here, with nothing written.
    Dataset<Row> rotated = PiiCipher.reencrypt(stored, current, next).localCheckpoint();
    long rows = rotated.count();
    if (contentChecksum(PiiCipher.decrypt(rotated, next)) != before) {
      throw new DmpException("Cannot rotate the PII key: the re-encrypted rows do not decrypt to the same content; nothing changed");
    }
    lake.overwrite(Tables.CUSTOMERS_PII, rotated);
    Dataset<Row> written = lake.read(Tables.CUSTOMERS_PII);
    List<String> ids = PiiCipher.keyIds(written).as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    if (contentChecksum(PiiCipher.decrypt(written, next)) != before || ids.stream().anyMatch(id -> !id.equals(next.id()))) {
      throw new DmpException("Cannot verify the PII key rotation: silver.customers_pii does not decrypt with the new key"
          + " to its former content (key ids now " + ids + "); restore the previous version with RESTORE TABLE");
    }
    return new Result(rows, current.id(), next.id());
  }

  /** Throws, naming the key ids found, unless every encrypted value of the table is of {@code current}. */
  public static void requireCurrent(Lake lake, PiiKey current) {
    requireCurrent(lake.read(Tables.CUSTOMERS_PII), current);
  }

  private static void requireCurrent(Dataset<Row> stored, PiiKey current) {
    List<String> others = PiiCipher.keyIds(stored).where(col("key_id").notEqual(lit(current.id())))
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    if (!others.isEmpty()) {
      throw new DmpException("Cannot rotate the PII key: silver.customers_pii holds values encrypted with key(s) "
          + String.join(", ", others.stream().sorted().toList()) + ", not with the current key " + current.id()
          + " (is DMP_PII_KEY / DMP_PII_KEY_FILE / pii_key_file the key in use?); nothing changed");
    }
  }

  /**
   * An order-free checksum of the clear rows (every column, every value decrypted: each one is evaluated). Equal
   * checksums mean the same content with overwhelming likelihood.
   */
  static long contentChecksum(Dataset<Row> clear) {
    Column[] all = Arrays.stream(clear.columns()).sorted().map(c -> col(c)).toArray(Column[]::new);
    Row r = clear.agg(sum(xxhash64(all).cast("decimal(38,0)"))).first();
    return r.isNullAt(0) ? 0L : r.getDecimal(0).longValue();
  }
}
