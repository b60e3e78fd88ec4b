package org.opendmp.jobs.activate.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.opendmp.common.DmpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SFTP folder, {@code sftp://user@host:port/path} (port 22 when absent; the path is absolute on the server),
 * through the Apache MINA SSHD client.
 *
 * <p>Settings: {@code sftp.password}, or {@code sftp.private_key} (a key file, OpenSSH or PEM) with an optional
 * {@code sftp.private_key_passphrase}; {@code sftp.known_hosts} (a known_hosts file: a server key not in it is
 * refused; without it any server key is accepted and a warning is logged); {@code sftp.timeout_seconds} (connect,
 * authentication, default 30). A password in the URI is refused: URIs end up in logs.
 *
 * <p>Each file is written as {@code name.tmp}, then renamed onto its name, replacing the old one atomically when the
 * server offers {@code posix-rename@openssh.com} (OpenSSH, MINA) or SFTP v5+ overwrite; otherwise the old file is
 * removed first (the delivery carries no {@code _SUCCESS} at that point). A failed operation drops the connection,
 * so that a retry starts on a fresh session.
 */
public final class SftpTarget implements DeliveryTarget {
  private static final Logger LOG = LoggerFactory.getLogger(SftpTarget.class);
  private static final List<String> KEYS =
      List.of(
          "sftp.known_hosts",
          "sftp.password",
          "sftp.private_key",
          "sftp.private_key_passphrase",
          "sftp.timeout_seconds");

  private final String user;
  private final String host;
  private final int port;
  private final String base;
  private final String password;
  private final Path privateKey;
  private final String passphrase;
  private final Duration timeout;
  private final SshClient client;
  private ClientSession session;
  private SftpClient sftp;

  @FunctionalInterface
  private interface Call<T> {
    T run(SftpClient sftp) throws IOException;
  }

  public SftpTarget(URI uri, Map<String, String> settings) {
    String where = "sftp://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + uri.getPath();
    for (String k : settings.keySet()) {
      if (k.startsWith("sftp.") && !KEYS.contains(k)) {
        throw new DmpException(
            "Cannot connect to SFTP: unknown setting " + k + ", known: " + String.join(" ", KEYS) + " (" + where + ")");
      }
    }
    if (uri.getUserInfo() == null || uri.getUserInfo().isEmpty()) {
      throw new DmpException(
          "Cannot connect to SFTP: the URI names no user, write sftp://user@host:port/path (" + where + ")");
    }
    if (uri.getUserInfo().contains(":")) {
      throw new DmpException(
          "Cannot connect to SFTP: put the password in sftp.password, not in the URI (" + where + ")");
    }
    if (uri.getHost() == null) {
      throw new DmpException(
          "Cannot connect to SFTP: the URI names no host ("
              + uri.getRawSchemeSpecificPart().replaceAll(":[^@/]*@", "@")
              + ")");
    }
    this.user = uri.getUserInfo();
    this.host = uri.getHost();
    this.port = uri.getPort() > 0 ? uri.getPort() : 22;
    String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("/+$", "");
    this.base = path.isEmpty() ? "." : path;
    this.password = settings.get("sftp.password");
    this.privateKey = settings.containsKey("sftp.private_key") ? Path.of(settings.get("sftp.private_key")) : null;
    this.passphrase = settings.get("sftp.private_key_passphrase");
    if (password == null && privateKey == null) {
      throw new DmpException("Cannot connect to SFTP: set sftp.password or sftp.private_key (" + describe() + ")");
    }
    try {
      this.timeout = Duration.ofSeconds(Long.parseLong(settings.getOrDefault("sftp.timeout_seconds", "30")));
    } catch (NumberFormatException e) {
      throw new DmpException("Cannot connect to SFTP: sftp.timeout_seconds is not a number (" + describe() + ")", e);
    }
    this.client = SshClient.setUpDefaultClient();
    String knownHosts = settings.get("sftp.known_hosts");
    if (knownHosts != null) {
      client.setServerKeyVerifier(
          new KnownHostsServerKeyVerifier(RejectAllServerKeyVerifier.INSTANCE, Path.of(knownHosts)));
    } else {
      LOG.warn("No sftp.known_hosts: the server key of {} is not checked", describe());
      client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
    }
    client.start();
  }

  @Override
  public String describe() {
    return "sftp://" + user + "@" + host + ":" + port + (base.equals(".") ? "" : base);
  }

  private String dir(String folder) {
    return base + "/" + folder;
  }

  private synchronized <T> T call(Call<T> call) throws IOException {
    try {
      if (sftp == null || !sftp.isOpen()) {
        connect();
      }
      return call.run(sftp);
    } catch (IOException | RuntimeException e) {
      disconnect();
      throw e;
    }
  }

  private void connect() throws IOException {
    disconnect();
    try {
      login();
    } catch (IOException e) {
      // Otherwise the message would name the first file operation, not the login that failed.
      throw new IOException("SFTP connection or login as " + user + " failed: " + e.getMessage(), e);
    }
  }

  private void login() throws IOException {
    session = client.connect(user, host, port).verify(timeout).getSession();
    if (password != null) {
      session.addPasswordIdentity(password);
    }
    if (privateKey != null) {
      try (InputStream in = Files.newInputStream(privateKey)) {
        for (KeyPair kp :
            SecurityUtils.loadKeyPairIdentities(
                session, NamedResource.ofName(privateKey.toString()), in, FilePasswordProvider.of(passphrase))) {
          session.addPublicKeyIdentity(kp);
        }
      } catch (GeneralSecurityException e) {
        throw new DmpException("Cannot read the SFTP private key: " + e + " (" + privateKey + ")", e);
      }
    }
    session.auth().verify(timeout);
    sftp = SftpClientFactory.instance().createSftpClient(session);
  }

  private void disconnect() {
    try {
      if (sftp != null) {
        sftp.close();
      }
      if (session != null) {
        session.close(true);
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("Closing the SFTP session of {} failed", describe(), e);
    } finally {
      sftp = null;
      session = null;
    }
  }

  private static boolean missing(IOException e) {
    return e instanceof SftpException s && s.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE;
  }

  @Override
  public List<String> list(String folder) throws IOException {
    return call(
        s -> {
          List<String> names = new ArrayList<>();
          try {
            for (SftpClient.DirEntry e : s.readDir(dir(folder))) {
              if (e.getAttributes().isRegularFile()) {
                names.add(e.getFilename());
              }
            }
          } catch (IOException e) {
            if (missing(e)) {
              return List.of();
            }
            throw e;
          } catch (java.io.UncheckedIOException e) {
            // readDir's iterable reads lazily and wraps what the server answers
            if (missing(e.getCause())) {
              return List.of();
            }
            throw e.getCause();
          }
          names.sort(null);
          return names;
        });
  }

  @Override
  public void upload(Path source, String folder, String name) throws IOException {
    call(
        s -> {
          mkdirs(s, dir(folder));
          String tmp = dir(folder) + "/" + name + ".tmp";
          String dest = dir(folder) + "/" + name;
          try (OutputStream out = s.write(tmp)) {
            Files.copy(source, out);
          }
          rename(s, tmp, dest);
          return null;
        });
  }

  private static void rename(SftpClient s, String tmp, String dest) throws IOException {
    OpenSSHPosixRenameExtension posix = s.getExtension(OpenSSHPosixRenameExtension.class);
    if (posix != null && posix.isSupported()) {
      posix.posixRename(tmp, dest);
    } else if (s.getVersion() >= SftpConstants.SFTP_V5) {
      s.rename(tmp, dest, SftpClient.CopyMode.Overwrite, SftpClient.CopyMode.Atomic);
    } else {
      // SFTP v3 rename fails on an existing name.
      removeIfPresent(s, dest);
      s.rename(tmp, dest);
    }
  }

  private static void mkdirs(SftpClient s, String dir) throws IOException {
    try {
      if (s.stat(dir).isDirectory()) {
        return;
      }
    } catch (IOException e) {
      if (!missing(e)) {
        throw e;
      }
    }
    int slash = dir.lastIndexOf('/');
    if (slash > 0) {
      mkdirs(s, dir.substring(0, slash));
    }
    s.mkdir(dir);
  }

  private static void removeIfPresent(SftpClient s, String path) throws IOException {
    try {
      s.remove(path);
    } catch (IOException e) {
      if (!missing(e)) {
        throw e;
      }
    }
  }

  @Override
  public void delete(String folder, String name) throws IOException {
    call(
        s -> {
          removeIfPresent(s, dir(folder) + "/" + name);
          return null;
        });
  }

  @Override
  public synchronized void close() throws IOException {
    disconnect();
    client.stop();
  }
}
