package io.jrpcgen.gss;

import io.jrpcgen.server.RpcServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * A test realm with a Java server of {@link GssSquare} that accepts RPCSEC_GSS on TCP and UDP, and
 * alice's login; closing stops the server, then the KDC.
 */
final class GssFixture implements AutoCloseable {
  final TestKdc kdc;
  final GssSquare square;
  final RpcSecGssServer gss;
  final RpcServer server;
  final GssLogin alice;

  private GssFixture(
      TestKdc kdc, GssSquare square, RpcSecGssServer gss, RpcServer server, GssLogin alice) {
    this.kdc = kdc;
    this.square = square;
    this.gss = gss;
    this.server = server;
    this.alice = alice;
  }

  /** Starts the realm in {@code dir} and the server. */
  static GssFixture start(Path dir) throws IOException, InterruptedException {
    TestKdc kdc = TestKdc.start(dir);
    try {
      GssSquare square = new GssSquare();
      RpcSecGssServer gss = RpcSecGssServer.create(GssLogin.acceptor(kdc.serverKeytab()));
      GssLogin alice = GssLogin.keytab(TestKdc.CLIENT_PRINCIPAL, kdc.clientKeytab());
      RpcServer server =
          RpcServer.builder()
              .bindAddress(InetAddress.getLoopbackAddress())
              .security(gss)
              .program(square.definition())
              .tcp(0)
              .udp(0)
              .start();
      return new GssFixture(kdc, square, gss, server, alice);
    } catch (RuntimeException | Error e) {
      kdc.close();
      throw e;
    }
  }

  InetSocketAddress tcp() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.tcpPort());
  }

  InetSocketAddress udp() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.udpPort());
  }

  /** Stops the server, then the KDC. */
  @Override
  public void close() throws InterruptedException {
    try {
      server.close();
    } finally {
      kdc.close();
    }
  }

  /** Closes {@code fixture} if it was started. */
  static void closeIfStarted(GssFixture fixture) throws InterruptedException {
    if (fixture != null) {
      fixture.close();
    }
  }
}
