package org.opendmp.jobs.activate.delivery;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * An {@code s3a://bucket/prefix} through Hadoop's S3A file system (hadoop-aws, provided like Spark). Settings whose
 * keys start with {@code fs.} (endpoint, credentials provider, path-style access, ...) go to the Hadoop
 * configuration as they are.
 *
 * <p>The guarantee, exactly: S3 has no rename; S3A's rename is a server-side COPY then a DELETE. Each object
 * appears whole or not at all (a PUT, a multipart upload and a COPY are each atomic for their object), and an
 * upload that fails half-way leaves at most a {@code name.tmp} key, never a partial object under the final name.
 * There is no atomicity across objects: a listing during a delivery can show some data files and not others, and
 * during a re-delivery old and new files side by side. What makes the delivery as a whole safe is the order of
 * {@link Publisher}: {@code _SUCCESS} removed first, data files, stale files removed, {@code manifest.json}, then
 * {@code _SUCCESS} last. S3 is strongly consistent (read-after-write, list-after-write), so once {@code _SUCCESS}
 * is visible the files the manifest lists are too. Readers must wait for {@code _SUCCESS}.
 */
public final class S3Target implements DeliveryTarget {
  private final URI root;
  private final FileSystem fs;

  public S3Target(URI root, Map<String, String> settings) throws IOException {
    this.root = URI.create(root.toString().replaceAll("/+$", ""));
    Configuration conf = new Configuration();
    settings.forEach(
        (k, v) -> {
          if (k.startsWith("fs.")) {
            conf.set(k, v);
          }
        });
    // Our own instance, closed with the target: the shared cache would hand it to (and let it be closed by) others.
    this.fs = FileSystem.newInstance(this.root, conf);
  }

  @Override
  public String describe() {
    return root.toString();
  }

  private Path path(String folder) {
    return new Path(root.toString() + "/" + folder);
  }

  @Override
  public List<String> list(String folder) throws IOException {
    List<String> names = new ArrayList<>();
    try {
      for (FileStatus s : fs.listStatus(path(folder))) {
        if (s.isFile()) {
          names.add(s.getPath().getName());
        }
      }
    } catch (FileNotFoundException e) {
      return List.of();
    }
    names.sort(null);
    return names;
  }

  @Override
  public void upload(java.nio.file.Path source, String folder, String name) throws IOException {
    Path dir = path(folder);
    Path tmp = new Path(dir, name + ".tmp");
    Path dest = new Path(dir, name);
    fs.copyFromLocalFile(false, true, new Path(source.toAbsolutePath().toUri()), tmp);
    // Hadoop's rename refuses an existing destination; the old object goes first (the delivery has no _SUCCESS
    // at this point, so nobody should be reading it).
    fs.delete(dest, false);
    if (!fs.rename(tmp, dest)) {
      throw new IOException("rename of " + tmp + " to " + dest + " returned false");
    }
  }

  @Override
  public void delete(String folder, String name) throws IOException {
    fs.delete(new Path(path(folder), name), false);
  }

  @Override
  public void close() throws IOException {
    fs.close();
  }
}
