package io.jrpcgen.interop.oncrpc4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.server.CallContext;
import io.jrpcgen.server.Procedure;
import io.jrpcgen.server.ProgramDefinition;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.server.ServerTls;
import io.jrpcgen.server.TlsPeer;
import io.jrpcgen.testsupport.TestCertificates;
import io.jrpcgen.testsupport.TestCertificates.Identity;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.transport.TlsContexts;
import io.jrpcgen.transport.TlsSettings;
import io.jrpcgen.xdr.XdrCodec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.dcache.oncrpc4j.rpc.OncRpcClient;
import org.dcache.oncrpc4j.rpc.OncRpcProgram;
import org.dcache.oncrpc4j.rpc.OncRpcSvc;
import org.dcache.oncrpc4j.rpc.OncRpcSvcBuilder;
import org.dcache.oncrpc4j.rpc.RpcAuthTypeNone;
import org.dcache.oncrpc4j.rpc.RpcCall;
import org.dcache.oncrpc4j.rpc.RpcDispatchable;
import org.dcache.oncrpc4j.rpc.RpcTransport;
import org.dcache.oncrpc4j.rpc.net.IpProtocolType;
import org.dcache.oncrpc4j.xdr.XdrInt;
import org.dcache.oncrpc4j.xdr.XdrVoid;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RPC-with-TLS (RFC 9289) against dCache oncrpc4j, the one other Java implementation: the jrpcgen
 * client with oncrpc4j's STARTTLS server, and oncrpc4j's client with the jrpcgen server, each with
 * and without a client certificate. Certificates are made by the test; loopback only.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Oncrpc4jTlsInteropTest {
  private static final int SQUARE_PROG = 0x31230000;
  private static final int VERSION = 1;
  private static final int SQUAREPROC = 1;
  private static final XdrCodec<Integer> INT = XdrCodec.INT;

  @TempDir static Path dir;
  private static Identity serverId;
  private static Identity clientId;

  @BeforeAll
  static void certificates() throws Exception {
    serverId = TestCertificates.create(dir, "server", "ip:127.0.0.1,dns:localhost", null, 2);
    clientId = TestCertificates.create(dir, "client", "dns:client.example", null, 2);
  }

  @ParameterizedTest(name = "client certificate: {0}")
  @ValueSource(booleans = {false, true})
  void jrpcgenClientWithOncrpc4jTlsServer(boolean mutual) throws Exception {
    AtomicBoolean overTls = new AtomicBoolean();
    RpcDispatchable square =
        call -> {
          if (call.getProcedure() == 0) {
            call.reply(XdrVoid.XDR_VOID);
          } else {
            XdrInt in = new XdrInt();
            call.retrieveCall(in);
            overTls.set(call.getTransport().isTLS());
            call.reply(new XdrInt(in.intValue() * in.intValue()));
          }
        };
    SSLParameters parameters = new SSLParameters();
    parameters.setNeedClientAuth(mutual);
    OncRpcSvc svc =
        new OncRpcSvcBuilder()
            .withTCP()
            .withoutAutoPublish()
            .withBindAddress("127.0.0.1")
            .withPort(0)
            .withServiceName("interop-tls-server")
            .withSSLContext(serverId.contextTrusting(clientId))
            .withSSLParameters(parameters)
            .withStartTLS()
            .withRpcService(new OncRpcProgram(SQUARE_PROG, VERSION), square)
            .build();
    svc.start();
    try {
      InetSocketAddress address =
          new InetSocketAddress(
              InetAddress.getByName("127.0.0.1"),
              svc.getInetSocketAddress(IpProtocolType.TCP).getPort());
      SSLContext context = mutual ? clientId.contextTrusting(serverId) : trusting(serverId);
      // oncrpc4j's server selects no ALPN protocol, even when its SSLParameters name one.
      assertThatThrownBy(() -> RpcChannel.tls(address, TlsSettings.require(context)))
          .hasMessageContaining("did not negotiate ALPN \"sunrpc\"");
      try (RpcClient client =
          RpcClient.create(
                  RpcChannel.tls(address, TlsSettings.require(context).withoutAlpnCheck()),
                  SQUARE_PROG,
                  VERSION)
              .withTimeout(Duration.ofSeconds(30))) {
        assertThat(client.call(SQUAREPROC, INT, 12, INT)).isEqualTo(144);
        assertThat(overTls).isTrue();
      }
      if (mutual) {
        assertThatThrownBy(
                () -> {
                  try (RpcClient anonymous =
                      RpcClient.create(
                              RpcChannel.tls(
                                  address,
                                  TlsSettings.require(trusting(serverId)).withoutAlpnCheck()),
                              SQUARE_PROG,
                              VERSION)
                          .withTimeout(Duration.ofSeconds(10))) {
                    anonymous.call(SQUAREPROC, INT, 2, INT);
                  }
                })
            .isInstanceOf(RpcException.class);
      }
    } finally {
      svc.stop();
    }
  }

  @ParameterizedTest(name = "client certificate: {0}")
  @ValueSource(booleans = {false, true})
  void oncrpc4jTlsClientWithJrpcgenServer(boolean mutual) throws Exception {
    AtomicReference<CallContext> seen = new AtomicReference<>();
    ProgramDefinition program =
        ProgramDefinition.builder(SQUARE_PROG, VERSION)
            .procedure(
                Procedure.of(
                    SQUAREPROC,
                    "SQUAREPROC",
                    INT,
                    INT,
                    (call, n) -> {
                      seen.set(call);
                      return n * n;
                    }))
            .build();
    ServerTls tls =
        ServerTls.of(serverId.contextTrusting(clientId))
            .withClientAuth(mutual ? ServerTls.ClientAuth.NEED : ServerTls.ClientAuth.NONE)
            .requireTlsFor(SQUARE_PROG);
    try (RpcServer server =
        RpcServer.builder()
            .bindAddress(InetAddress.getByName("127.0.0.1"))
            .program(program)
            .tcp(0)
            .tls(tls)
            .start()) {
      SSLContext context = mutual ? clientId.contextTrusting(serverId) : trusting(serverId);
      OncRpcClient client =
          OncRpcClient.newBuilder()
              .withTCP()
              .withSSLContext(context)
              .withStartTLS()
              .withServiceName("interop-tls-client")
              .build(InetAddress.getByName("127.0.0.1"), server.tcpPort());
      try {
        RpcTransport transport = client.connect(30, TimeUnit.SECONDS);
        RpcCall call = new RpcCall(SQUARE_PROG, VERSION, new RpcAuthTypeNone(), transport);
        call.startTLS();
        XdrInt result = new XdrInt();
        call.call(SQUAREPROC, new XdrInt(9), result, 30, TimeUnit.SECONDS);
        assertThat(result.intValue()).isEqualTo(81);
        TlsPeer peer = seen.get().tlsPeer().orElseThrow();
        assertThat(peer.protocol()).isEqualTo("TLSv1.3");
        if (mutual) {
          assertThat(peer.subject().orElseThrow().getName()).isEqualTo("CN=client");
          assertThat(peer.subjectAlternativeNames()).containsExactly("client.example");
        } else {
          assertThat(peer.certificates()).isEmpty();
        }
      } finally {
        client.close();
      }
    }
  }

  private static SSLContext trusting(Identity identity) {
    return TlsContexts.of(null, null, TestCertificates.trustStore(identity));
  }
}
