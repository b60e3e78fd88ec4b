package org.opendmp.common.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.opendmp.common.DmpException;

/**
 * The behaviour configs bundled on the classpath under {@code conf/} (the cluster jar carries the repository's
 * conf/*.yaml): the defaults when {@code conf_dir} is not a folder, e.g. on a cluster node without the checkout.
 * Files inside a jar are returned as paths of the jar's zip file system, so that every loader reading a
 * {@link Path} (and its error messages with lines) works unchanged.
 */
final class BundledConf {
  private BundledConf() {}

  /** {@code conf/<fileName>} from the loader's classpath, or empty when it is not there. */
  static synchronized Optional<Path> path(ClassLoader loader, String fileName) {
    URL url = loader.getResource("conf/" + fileName);
    if (url == null) {
      return Optional.empty();
    }
    try {
      URI uri = url.toURI();
      if ("jar".equals(uri.getScheme())) {
        try {
          FileSystems.newFileSystem(uri, Map.of());
        } catch (FileSystemAlreadyExistsException alreadyOpen) {
          // opened by an earlier config of this JVM: Path.of(uri) finds it
        }
      }
      return Optional.of(Path.of(uri));
    } catch (URISyntaxException | IOException e) {
      throw new DmpException("Cannot read the bundled config conf/" + fileName + ": " + e.getMessage() + " (" + url + ")", e);
    }
  }
}
