package org.opendmp.jobs.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.opendmp.common.config.EnvConfig;
import org.opendmp.common.spark.Sessions;
import org.opendmp.common.table.Lake;
import org.opendmp.jobs.privacy.PiiKey;
import org.opendmp.jobs.privacy.PiiRotation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dmp rotate-pii-key --new-key-file F}: re-encrypt silver.customers_pii with a new key. */
@Command(
    name = "rotate-pii-key",
    mixinStandardHelpOptions = true,
    description = {
      "Re-encrypt every encrypted value of silver.customers_pii with a new key, in one Delta commit, and verify",
      "that the table decrypts with it to the same content. The current key comes from DMP_PII_KEY,",
      "DMP_PII_KEY_FILE or the env file's pii_key_file. Run it between two nights (no job writing the table)."
    })
final class RotatePiiKeyCommand implements java.util.concurrent.Callable<Integer> {
  @Option(
      names = "--new-key-file",
      required = true,
      paramLabel = "FILE",
      description = "The new key: base64 of 32 bytes. When the file does not exist it is created with a fresh random"
          + " key, readable by its owner only.")
  Path newKeyFile;

  @Mixin Options.Env env;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    EnvConfig e = env.load();
    PiiKey current = PiiKey.require(e, "rotate the PII key");
    Path file = newKeyFile.toAbsolutePath().normalize();
    Lake lake = new Lake(Sessions.open("rotate-pii-key", e), e);
    PiiRotation.requireCurrent(lake, current); // before creating a key file: a wrong current key leaves nothing behind
    boolean created = !Files.exists(file);
    PiiKey next = created ? PiiKey.createFile(file) : PiiKey.fromFile(file);
    PiiRotation.Result r = PiiRotation.rotate(lake, current, next);
    PrintWriter out = spec.commandLine().getOut();
    out.printf("%s %s%n", created ? "Created the new key file" : "New key file", file);
    out.printf("silver.customers_pii: %,d rows re-encrypted from key %s to key %s, verified (every value decrypts"
        + " with the new key to the same content).%n", r.rows(), r.oldKeyId(), r.newKeyId());
    out.printf("Now point the jobs at the new key: DMP_PII_KEY_FILE=%s (or pii_key_file: %s in the env file; unset"
        + " DMP_PII_KEY). Keep the old key until maintenance has vacuumed the files of the former table versions.%n", file, file);
    out.flush();
    return 0;
  }
}
