package org.opendmp.jobs.activate.delivery;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where deliveries land: a local folder, an s3a bucket prefix, an SFTP folder ({@link Targets#of}). Folders are
 * relative to the target's root ({@code <destination>/dt=YYYY-MM-DD}). Methods throw {@link IOException} for what
 * a retry may cure (the {@link Publisher} retries them) and {@link org.opendmp.common.DmpException} for what it
 * cannot (configuration).
 */
public interface DeliveryTarget extends AutoCloseable {
  /** The target's root as a URI, without secrets: for messages and logs. */
  String describe();

  /** Names of the files directly in {@code folder}; empty when the folder does not exist. */
  List<String> list(String folder) throws IOException;

  /**
   * Puts {@code source} at {@code folder/name}, creating folders and replacing an existing file, such that a
   * reader never sees a partial file under {@code name}: written as {@code name.tmp}, then renamed.
   */
  void upload(Path source, String folder, String name) throws IOException;

  /** Removes {@code folder/name}; nothing happens when it is absent. */
  void delete(String folder, String name) throws IOException;

  @Override
  void close() throws IOException;
}
