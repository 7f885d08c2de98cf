package io.jrpcgen.gss;

import io.jrpcgen.server.CallAuthenticator;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.transport.TcpChannel;
import io.jrpcgen.transport.UdpChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** Test classes that share one throwaway realm and Java server per class. */
abstract class GssRealmTest {
  @TempDir static Path dir;
  static GssFixture realm;

  @BeforeAll
  static void startRealm() throws Exception {
    realm = GssFixture.start(dir);
  }

  @AfterAll
  static void stopRealm() throws Exception {
    GssFixture.closeIfStarted(realm);
    realm = null;
  }

  /** Makes a context for alice with the realm's service on {@code channel}. */
  static RpcSecGssClient establish(RpcChannel channel, GssService service) {
    return RpcSecGssClient.establish(
        channel,
        GssSquare.PROGRAM,
        GssSquare.VERSION,
        GssSettings.of(TestKdc.SERVICE, realm.alice, service));
  }

  /** Starts a server of the realm's square program on TCP and UDP, checked by {@code security}. */
  static RpcServer serve(CallAuthenticator security) {
    return RpcServer.builder()
        .bindAddress(InetAddress.getLoopbackAddress())
        .security(security)
        .program(realm.square.definition())
        .tcp(0)
        .udp(0)
        .start();
  }

  /** A TCP channel to {@code server}. */
  static TcpChannel tcp(RpcServer server) {
    return RpcChannel.tcp(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), server.tcpPort()));
  }

  /** A UDP channel to {@code server}. */
  static UdpChannel udp(RpcServer server) {
    return RpcChannel.udp(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), server.udpPort()));
  }

  /**
   * A test's authenticator around a server of the realm's service key, which decides in the end.
   */
  abstract static class AroundGssServer implements CallAuthenticator {
    final RpcSecGssServer gss = RpcSecGssServer.create(GssLogin.acceptor(realm.kdc.serverKeytab()));

    @Override
    public int flavor() {
      return gss.flavor();
    }
  }
}
