package org.opendmp.jobs.activate.delivery;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import org.opendmp.common.DmpException;

/** Picks the {@link DeliveryTarget} of an export root by its scheme. */
public final class Targets {
  private Targets() {}

  /**
   * {@code file:/path} or a plain path: {@link LocalTarget}; {@code s3a://bucket/prefix}: {@link S3Target} (the
   * {@code fs.*} settings go to Hadoop); {@code sftp://user@host:port/path}: {@link SftpTarget} (the {@code sftp.*}
   * settings).
   */
  public static DeliveryTarget of(String root, Map<String, String> settings) {
    if (root == null || root.isBlank()) {
      throw new DmpException("Cannot open a delivery target: export_root is empty (export_root)");
    }
    if (!root.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*") || root.matches("^[A-Za-z]:[\\\\/].*")) {
      return new LocalTarget(Path.of(root)); // a plain path (a Windows drive letter is no scheme)
    }
    URI uri;
    try {
      uri = new URI(root);
    } catch (URISyntaxException e) {
      throw new DmpException("Cannot open a delivery target: " + e.getMessage() + " (export_root)", e);
    }
    switch (uri.getScheme().toLowerCase(java.util.Locale.ROOT)) {
      case "file":
        return new LocalTarget(Path.of(uri));
      case "s3a":
        if (uri.getHost() == null) {
          throw new DmpException("Cannot open a delivery target: no bucket, write s3a://bucket/prefix (" + root + ")");
        }
        try {
          return new S3Target(uri, settings);
        } catch (IOException e) {
          throw new DmpException("Cannot open a delivery target: " + Publisher.oneLine(e) + " (" + root + ")", e);
        }
      case "sftp":
        return new SftpTarget(uri, settings);
      default:
        throw new DmpException(
            "Cannot open a delivery target: unknown scheme "
                + uri.getScheme()
                + ", known: file, s3a, sftp, or a plain path ("
                + root.replaceAll(":[^@/]*@", "@")
                + ")");
    }
  }
}
