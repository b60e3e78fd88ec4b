package org.opendmp.jobs.activate.delivery;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * A folder of the local (or a mounted) file system. Each file is copied to {@code name.tmp}, forced to disk, then
 * moved onto its name with an atomic rename: a reader sees the old file or the new one, never part of one.
 */
public final class LocalTarget implements DeliveryTarget {
  private final Path root;

  public LocalTarget(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  @Override
  public String describe() {
    return root.toUri().toString().replaceAll("/$", "");
  }

  @Override
  public List<String> list(String folder) throws IOException {
    Path dir = root.resolve(folder);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Override
  public void upload(Path source, String folder, String name) throws IOException {
    Path dir = Files.createDirectories(root.resolve(folder));
    Path tmp = dir.resolve(name + ".tmp");
    Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
    // Without the force, a crash after the rename could leave the name pointing at an unwritten file.
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void delete(String folder, String name) throws IOException {
    try {
      Files.delete(root.resolve(folder).resolve(name));
    } catch (NoSuchFileException e) {
      // already gone: what was asked
    }
  }

  @Override
  public void close() {}
}
