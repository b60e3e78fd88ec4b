package org.opendmp.jobs.privacy;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.opendmp.common.DmpException;
import org.opendmp.common.table.Lake;
import org.opendmp.common.table.Tables;

/**
 * The erasure suppression list (ops.erasure_suppressions): the identifiers of erased persons as salted SHA-256 of
 * {@code salt|id_type|id_value}, so that the list itself does not hold the plain SHA-256 of an email, which anyone
 * can compute from the email. The salt is 32 random bytes in {@code lake_root/_privacy/suppression.salt}, created by
 * the first erase; conform drops the night's records whose identifiers are on the list.
 */
public final class Suppressions {
  static final String SALT_FILE = "_privacy/suppression.salt";

  private Suppressions() {}

  /** The salted key of an identifier: hex SHA-256 of {@code salt|id_type|id_value}. */
  public static Column key(String salt, Column idType, Column idValue) {
    return sha2(concat_ws("|", lit(salt), idType, idValue), 256);
  }

  /** The salt of the lake, or null when no erase ever ran. */
  public static String salt(Lake lake) {
    Path p = saltPath(lake);
    try {
      FileSystem fs = p.getFileSystem(lake.spark().sparkContext().hadoopConfiguration());
      if (!fs.exists(p)) {
        return null;
      }
      try (InputStream in = fs.open(p)) {
        return new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
      }
    } catch (IOException e) {
      throw new DmpException("Cannot read the erasure suppression salt: " + e.getMessage() + " (" + p + ")", e);
    }
  }

  /** The salt, created once (the only randomness of the job: the keys must not be computable without it). */
  public static String saltCreatingIt(Lake lake) {
    String salt = salt(lake);
    if (salt != null) {
      return salt;
    }
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    salt = HexFormat.of().formatHex(bytes);
    Path p = saltPath(lake);
    try {
      FileSystem fs = p.getFileSystem(lake.spark().sparkContext().hadoopConfiguration());
      Path tmp = new Path(p.getParent(), p.getName() + ".tmp");
      try (OutputStream out = fs.create(tmp, true)) {
        out.write(salt.getBytes(StandardCharsets.US_ASCII));
      }
      if (!fs.rename(tmp, p)) {
        throw new IOException("rename of " + tmp + " failed");
      }
    } catch (IOException e) {
      throw new DmpException("Cannot write the erasure suppression salt: " + e.getMessage() + " (" + p + ")", e);
    }
    return salt;
  }

  /** The suppressed keys (column {@code id_key}) and the salt they were made with. */
  public record Loaded(Dataset<Row> keys, String salt) {
    /** {@link Suppressions#without} with these keys. */
    public Dataset<Row> without(Dataset<Row> rows, Column[]... pairs) {
      return Suppressions.without(rows, keys, salt, pairs);
    }
  }

  /**
   * The suppressed keys (one column {@code id_key}), or null when nothing was ever erased: conform then reads
   * nothing more. A list without its salt cannot be applied and stops the night.
   */
  public static Loaded load(Lake lake) {
    if (!Subjects.exists(lake, Tables.ERASURE_SUPPRESSIONS)) {
      return null;
    }
    Dataset<Row> keys = lake.read(Tables.ERASURE_SUPPRESSIONS).select("id_key").distinct();
    if (keys.isEmpty()) {
      return null;
    }
    String salt = salt(lake);
    if (salt == null) {
      throw new DmpException("Cannot apply the erasure suppressions: " + Tables.ERASURE_SUPPRESSIONS.fullName()
          + " has rows but the salt file is missing (" + saltPath(lake) + ")");
    }
    return new Loaded(keys, salt);
  }

  /**
   * The rows none of whose identifiers ({@code id_type, id_value} column pairs) is suppressed. Input: any frame with
   * those columns; output: the same columns and rows minus the suppressed ones; null identifiers never match.
   */
  public static Dataset<Row> without(Dataset<Row> rows, Dataset<Row> keys, String salt, Column[]... pairs) {
    Dataset<Row> out = rows;
    for (Column[] pair : pairs) {
      Column k = key(salt, pair[0], pair[1]);
      out = out.join(org.apache.spark.sql.functions.broadcast(keys), k.equalTo(col("id_key")), "left_anti");
    }
    return out;
  }

  private static Path saltPath(Lake lake) {
    String root = lake.env().lakeRoot().endsWith("/") ? lake.env().lakeRoot() : lake.env().lakeRoot() + "/";
    return new Path(root + SALT_FILE);
  }
}
