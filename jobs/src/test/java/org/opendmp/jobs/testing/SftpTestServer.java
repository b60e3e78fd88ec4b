package org.opendmp.jobs.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * A real SFTP server (Apache MINA SSHD) on 127.0.0.1 and a free port, serving {@code dir/root} to user {@link #USER}
 * with password {@link #PASSWORD} (and a public key when given). {@code onWrite} runs before each write a client
 * makes: throwing from it is a connection dying mid-upload.
 */
public final class SftpTestServer implements AutoCloseable {
  public static final String USER = "dmp";
  public static final String PASSWORD = "s3cret";

  /** Called before each write; an IOException fails that write. */
  public interface OnWrite {
    void writing() throws IOException;
  }

  private final SshServer sshd;

  private SftpTestServer(SshServer sshd) {
    this.sshd = sshd;
  }

  public static SftpTestServer start(Path dir, OnWrite onWrite, PublickeyAuthenticator keys) throws IOException {
    SftpSubsystemFactory sftp = new SftpSubsystemFactory();
    sftp.addSftpEventListener(new SftpEventListener() {
      @Override
      public void writing(ServerSession session, String remoteHandle, FileHandle localHandle, long offset, byte[] data, int dataOffset,
          int dataLen) throws IOException {
        onWrite.writing();
      }
    });
    Files.createDirectories(dir.resolve("root"));
    SshServer sshd = SshServer.setUpDefaultServer();
    sshd.setHost("127.0.0.1");
    sshd.setPort(0);
    sshd.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(dir.resolve("hostkey.ser")));
    sshd.setPasswordAuthenticator((user, password, session) -> USER.equals(user) && PASSWORD.equals(password));
    if (keys != null) {
      sshd.setPublickeyAuthenticator(keys);
    }
    sshd.setSubsystemFactories(List.of(sftp));
    sshd.setFileSystemFactory(new VirtualFileSystemFactory(dir.resolve("root")));
    sshd.start();
    return new SftpTestServer(sshd);
  }

  /** The server's host key, for a client's known_hosts. */
  public java.security.PublicKey hostKey() throws IOException, java.security.GeneralSecurityException {
    return sshd.getKeyPairProvider().loadKeys(null).iterator().next().getPublic();
  }

  public int port() {
    return sshd.getPort();
  }

  @Override
  public void close() throws IOException {
    sshd.stop(true);
  }
}
