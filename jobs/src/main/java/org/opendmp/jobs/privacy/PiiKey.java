package org.opendmp.jobs.privacy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import org.opendmp.common.DmpException;
import org.opendmp.common.config.EnvConfig;

/**
 * The AES-256 key of the encrypted columns of silver.customers_pii. It comes from the environment variable
 * {@code DMP_PII_KEY} (base64 of 32 bytes), else from the file named by {@code DMP_PII_KEY_FILE}, else from the
 * file named by the env file's {@code pii_key_file}: never from conf or the repository. Its {@link #id} (a
 * digest, not the key) is written beside every ciphertext so that a value says which key encrypted it. The key
 * bytes are never logged nor printed: {@link #toString} shows the id only.
 */
public final class PiiKey {
  public static final String ENV_KEY = "DMP_PII_KEY";
  public static final String ENV_KEY_FILE = "DMP_PII_KEY_FILE";
  static final int BYTES = 32;

  private final byte[] bytes;
  private final String id;

  private PiiKey(byte[] bytes) {
    this.bytes = bytes.clone();
    this.id = idOf(bytes);
  }

  /** The key's id: 8 hex digits of a SHA-256 of the key (tells keys apart, reveals nothing usable). */
  public String id() {
    return id;
  }

  /** A copy of the key bytes, for the closures of the cipher's Spark functions. */
  byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public String toString() {
    return "PiiKey[" + id + "]";
  }

  /**
   * The key for a job or command, from the process environment and the env file; without one, throws
   * "Cannot {@code doing}: no PII key (...)". Called first, before anything is read or written.
   */
  public static PiiKey require(EnvConfig env, String doing) {
    return resolve(System.getenv(), env.piiKeyFile(), doing);
  }

  /** {@link #require} over a given environment (tests). */
  static PiiKey resolve(Map<String, String> environment, String envFileKeyFile, String doing) {
    String inline = environment.get(ENV_KEY);
    if (inline != null && !inline.isBlank()) {
      return parse(inline, "environment variable " + ENV_KEY);
    }
    String file = environment.get(ENV_KEY_FILE);
    if (file != null && !file.isBlank()) {
      return fromFile(Path.of(file));
    }
    if (envFileKeyFile != null && !envFileKeyFile.isBlank()) {
      return fromFile(Path.of(envFileKeyFile));
    }
    throw new DmpException(
        "Cannot " + doing + ": no PII key (set " + ENV_KEY + " or " + ENV_KEY_FILE + ", or pii_key_file in the env file)");
  }

  /** The key held by a file: one line, base64 of 32 bytes. */
  public static PiiKey fromFile(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new DmpException("Cannot read the PII key: " + e.getClass().getSimpleName() + " " + e.getMessage() + " (file " + file + ")");
    }
    return parse(text, "file " + file);
  }

  private static PiiKey parse(String base64, String where) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      throw new DmpException("Cannot read the PII key: not base64 (expected base64 of " + BYTES + " bytes) (" + where + ")");
    }
    if (key.length != BYTES) {
      throw new DmpException("Cannot read the PII key: " + key.length + " bytes, expected " + BYTES + " (base64 of a 256-bit key) (" + where + ")");
    }
    return new PiiKey(key);
  }

  /** A fresh random key (the demo's first run, key rotation, tests). */
  public static PiiKey generate() {
    byte[] key = new byte[BYTES];
    new SecureRandom().nextBytes(key);
    return new PiiKey(key);
  }

  /**
   * Writes a fresh key to a new file, readable by its owner only (mode 600 where the file system has POSIX
   * permissions), and returns it. An existing file is an error: a key is never overwritten.
   */
  public static PiiKey createFile(Path file) {
    PiiKey key = generate();
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else {
        Files.createFile(file);
      }
      Files.writeString(file, Base64.getEncoder().encodeToString(key.bytes) + "\n", StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new DmpException("Cannot create the PII key file: " + e.getClass().getSimpleName() + " " + e.getMessage() + " (file " + file + ")");
    }
    return key;
  }

  private static String idOf(byte[] key) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update("opendmp-pii-key-id:".getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(sha.digest(key), 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
