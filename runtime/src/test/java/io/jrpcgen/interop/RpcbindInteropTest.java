package io.jrpcgen.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.client.RpcClientFactory;
import io.jrpcgen.portmap.BroadcastCall;
import io.jrpcgen.portmap.PortmapProtocol;
import io.jrpcgen.portmap.PortmapRegistrar;
import io.jrpcgen.portmap.PortmapperClient;
import io.jrpcgen.portmap.RpcbindClient;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.rpc.RpcMismatchException;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.rpc.RpcTimeoutException;
import io.jrpcgen.server.Procedure;
import io.jrpcgen.server.ProgramDefinition;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.testsupport.NativeTools;
import io.jrpcgen.testsupport.NativeTools.ProcessRun;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.xdr.XdrCodec;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Finding services through the real rpcbind: Java servers register with it, and rpcinfo and a C
 * client made with rpcgen and {@code clnt_create} find them; the Java {@code clnt_create} finds a
 * server rpcgen made. rpcbind is started here ({@code rpcbind -f}, as root) and stopped after,
 * unless one already runs, which is used and left running.
 */
class RpcbindInteropTest {
  static final String HOST = "127.0.0.1";
  static final int SQUARE_PROG = 0x3123_0000;
  static final String PROG_DECIMAL = Integer.toUnsignedString(SQUARE_PROG);
  static final int SQUAREPROC = 1;
  static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir static Path dir;
  private static CPeers peers;
  private static PortmapperOn111.Rpcbind rpcbind;

  @BeforeAll
  static void buildPeersAndStartRpcbind() throws Exception {
    if (NativeTools.missingTools("rpcinfo", "rpcbind") == null) {
      peers = CPeers.buildRpcbindPeers(dir);
      rpcbind = PortmapperOn111.Rpcbind.useOrStart(dir, false);
    }
  }

  @BeforeEach
  void requirePeers() {
    NativeTools.assumeToolsPresent("rpcinfo", "rpcbind");
  }

  @AfterAll
  static void stopRpcbind() throws InterruptedException {
    if (rpcbind != null) {
      rpcbind.close();
    }
  }

  /** The square program in Java, version 1. */
  static ProgramDefinition square() {
    return ProgramDefinition.builder(SQUARE_PROG, 1)
        .procedure(
            Procedure.of(SQUAREPROC, "SQUAREPROC", XdrCodec.INT, XdrCodec.INT, (call, n) -> n * n))
        .build();
  }

  /** A Java square server on 127.0.0.1 that registers with the local portmapper. */
  static RpcServer registeredJavaServer() {
    return RpcServer.builder()
        .program(square())
        .bindAddress(InetAddress.getLoopbackAddress())
        .port(0)
        .registrar(PortmapRegistrar.local())
        .start();
  }

  static int getPort(boolean tcp) {
    try (PortmapperClient client = PortmapperOn111.client(tcp)) {
      return client.getPort(
          SQUARE_PROG, 1, tcp ? PortmapProtocol.IPPROTO_TCP : PortmapProtocol.IPPROTO_UDP);
    }
  }

  static int squareVia(String protocol, int n) {
    try (RpcClient client = RpcClientFactory.create(HOST, SQUARE_PROG, 1, protocol)) {
      return client.call(SQUAREPROC, XdrCodec.INT, n, XdrCodec.INT);
    }
  }

  @Test
  void rpcinfoSeesAndCallsARegisteredJavaServer() throws Exception {
    int port;
    try (RpcServer server = registeredJavaServer()) {
      port = server.tcpPort();
      ProcessRun list = peers.rpcinfo("-p", HOST);
      assertThat(list.exitCode()).as(list.output()).isZero();
      assertThat(list.output())
          .containsPattern("(?m)^\\s+" + PROG_DECIMAL + "\\s+1\\s+tcp\\s+" + port + "\\s*$")
          .containsPattern("(?m)^\\s+" + PROG_DECIMAL + "\\s+1\\s+udp\\s+" + port + "\\s*$");
      for (String transport : new String[] {"-t", "-u"}) {
        ProcessRun ping = peers.rpcinfo(transport, HOST, PROG_DECIMAL, "1");
        assertThat(ping.output())
            .isEqualTo("program " + PROG_DECIMAL + " version 1 ready and waiting\n");
        assertThat(ping.exitCode()).isZero();
        ProcessRun mismatch = peers.rpcinfo(transport, HOST, PROG_DECIMAL, "2");
        assertThat(mismatch.output())
            .contains(
                "rpcinfo: RPC: Program/version mismatch; low version = 1, high version = 1",
                "program " + PROG_DECIMAL + " version 2 is not available");
        assertThat(mismatch.exitCode()).isEqualTo(1);
      }
      // rpcbind's own list, with netids and universal addresses.
      ProcessRun dump = peers.rpcinfo(HOST);
      assertThat(dump.output())
          .containsPattern(
              "(?m)^\\s+"
                  + PROG_DECIMAL
                  + "\\s+1\\s+tcp\\s+127\\.0\\.0\\.1\\."
                  + (port >> 8)
                  + "\\."
                  + (port & 255)
                  + "\\s");
    }
    ProcessRun after = peers.rpcinfo("-p", HOST);
    assertThat(after.output()).doesNotContain(PROG_DECIMAL);
    assertThat(getPort(true)).isZero();
    assertThat(getPort(false)).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "udp"})
  void aClntCreateClientFindsTheJavaServer(String transport) throws Exception {
    assertClntCreateClientFindsTheJavaServer(peers, transport);
  }

  /**
   * The C client finds a registered Java server, hears the versions it has from the first call
   * (libtirpc 1.3's clnt_create does not check them), and no longer finds it once it closed.
   */
  static void assertClntCreateClientFindsTheJavaServer(CPeers peers, String transport)
      throws Exception {
    try (RpcServer server = registeredJavaServer()) {
      ProcessRun run = peers.runCreateClient(HOST, transport, "5");
      assertThat(run.output()).isEqualTo("result: 25\n");
      assertThat(run.exitCode()).isZero();
      run = peers.runCreateClient(HOST, transport, "5", "2");
      assertThat(run.output())
          .isEqualTo(
              "call: "
                  + HOST
                  + ": RPC: Program/version mismatch; low version = 1, high version = 1\n");
      assertThat(run.exitCode()).isEqualTo(1);
    }
    ProcessRun gone = peers.runCreateClient(HOST, transport, "5");
    assertThat(gone.output()).isEqualTo("create: " + HOST + ": RPC: Program not registered\n");
    assertThat(gone.exitCode()).isEqualTo(1);
  }

  @Test
  void javaClntCreateFindsAnRpcgenServerAndAJavaServerReplacesItsStaleRegistration()
      throws Exception {
    try (NativeTools.CServer cServer = peers.startRegisteredServer()) {
      await(() -> getPort(true) * getPort(false), "the C server registers with rpcbind");
      assertThat(squareVia("tcp", 5)).isEqualTo(25);
      assertThat(squareVia("udp", -7)).isEqualTo(49);
      assertThatThrownBy(() -> RpcClientFactory.create(HOST, SQUARE_PROG, 2, "tcp"))
          .isInstanceOf(RpcMismatchException.class)
          .hasMessage(HOST + ": RPC: Program/version mismatch; low version = 1, high version = 1");
      assertThatThrownBy(() -> RpcClientFactory.create(HOST, SQUARE_PROG + 1, 1, "udp"))
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> assertThat(e.status()).isEqualTo(RpcStatus.PROG_NOT_REGISTERED))
          .hasMessage(HOST + ": RPC: Program not registered");
      // It answers: a Java server of the same program version may not take its place.
      assertThatThrownBy(RpcbindInteropTest::registeredJavaServer)
          .isInstanceOfSatisfying(
              RpcException.class, e -> assertThat(e.status()).isEqualTo(RpcStatus.PMAP_FAILURE))
          .hasMessageContaining(PROG_DECIMAL + " version 1 over ");
      assertThat(squareVia("udp", 3)).isEqualTo(9);
      assertThat(cServer.isAlive()).isTrue();
    }
    // Killed, the C server could not unregister, and rpcbind never forgets on its own.
    int stale = getPort(true);
    assertThat(stale).isNotZero();
    try (RpcServer server = registeredJavaServer()) {
      assertThat(getPort(true)).isEqualTo(server.tcpPort());
      assertThat(getPort(false)).isEqualTo(server.udpPort());
      assertThat(squareVia("tcp", 9)).isEqualTo(81);
    }
    assertThat(getPort(true)).isZero();
  }

  @Test
  void aLiveRegistrationIsNotStolenUnlessTheServerAsks() {
    try (RpcServer first = registeredJavaServer()) {
      assertThatThrownBy(RpcbindInteropTest::registeredJavaServer)
          .isInstanceOfSatisfying(
              RpcException.class, e -> assertThat(e.status()).isEqualTo(RpcStatus.PMAP_FAILURE))
          .hasMessageContaining(
              PROG_DECIMAL
                  + " version 1 over tcp is registered to a server"
                  + " that answers (127.0.0.1."
                  + (first.tcpPort() >> 8)
                  + "."
                  + (first.tcpPort() & 255)
                  + ")");
      assertThat(getPort(true)).isEqualTo(first.tcpPort());
      assertThat(getPort(false)).isEqualTo(first.udpPort());
      try (RpcServer second =
          RpcServer.builder()
              .program(square())
              .bindAddress(InetAddress.getLoopbackAddress())
              .port(0)
              .registrar(PortmapRegistrar.local().replacingLive())
              .start()) {
        assertThat(getPort(true)).isEqualTo(second.tcpPort());
        first.close();
        // Closing, the first server leaves the second's registration alone.
        assertThat(getPort(true)).isEqualTo(second.tcpPort());
        assertThat(getPort(false)).isEqualTo(second.udpPort());
        assertThat(squareVia("tcp", 6)).isEqualTo(36);
      }
    }
    assertThat(getPort(true)).isZero();
    assertThat(getPort(false)).isZero();
  }

  @Test
  void withoutRemoteCallsRpcbindIgnoresCallit() {
    Assumptions.assumeTrue(
        rpcbind.startedHere(),
        "rpcbind was running already: whether it forwards remote calls is not known");
    AtomicInteger calls = new AtomicInteger();
    ProgramDefinition counted =
        ProgramDefinition.builder(SQUARE_PROG, 1)
            .procedure(
                Procedure.of(
                    SQUAREPROC,
                    "SQUAREPROC",
                    XdrCodec.INT,
                    XdrCodec.INT,
                    (call, n) -> {
                      calls.incrementAndGet();
                      return n * n;
                    }))
            .build();
    try (RpcServer server =
        RpcServer.builder()
            .program(counted)
            .bindAddress(InetAddress.getLoopbackAddress())
            .port(0)
            .registrar(PortmapRegistrar.local())
            .start()) {
      // What the embedded portmapper does by default too: no reply, nothing forwarded.
      assertThat(
              BroadcastCall.to(List.of(PortmapperOn111.ADDRESS))
                  .withTimeLimit(Duration.ofSeconds(2))
                  .call(SQUARE_PROG, 1, SQUAREPROC, XdrCodec.INT, 3, XdrCodec.INT))
          .isEmpty();
      try (RpcbindClient client =
          RpcbindClient.create(
              RpcChannel.udp(PortmapperOn111.ADDRESS),
              4,
              PortmapperOn111.SHORT.withTimeout(Duration.ofSeconds(1)))) {
        assertThatThrownBy(
                () -> client.callIt(SQUARE_PROG, 1, SQUAREPROC, XdrCodec.INT, 3, XdrCodec.INT))
            .isInstanceOf(RpcTimeoutException.class);
      }
      assertThat(calls).hasValue(0);
    }
  }

  static void await(IntSupplier nonZero, String what) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (nonZero.getAsInt() == 0) {
      if (System.nanoTime() - deadline > 0) {
        fail("not within " + WAIT.toSeconds() + " s: " + what);
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }
}
