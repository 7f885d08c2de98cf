package io.jrpcgen.interop;

import static io.jrpcgen.interop.RpcbindInteropTest.HOST;
import static io.jrpcgen.interop.RpcbindInteropTest.PROG_DECIMAL;
import static io.jrpcgen.interop.RpcbindInteropTest.SQUAREPROC;
import static io.jrpcgen.interop.RpcbindInteropTest.SQUARE_PROG;
import static io.jrpcgen.interop.RpcbindInteropTest.await;
import static io.jrpcgen.interop.RpcbindInteropTest.getPort;
import static io.jrpcgen.interop.RpcbindInteropTest.registeredJavaServer;
import static io.jrpcgen.interop.RpcbindInteropTest.squareVia;
import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.portmap.BroadcastCall;
import io.jrpcgen.portmap.EmbeddedPortmapper;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.testsupport.NativeTools;
import io.jrpcgen.testsupport.NativeTools.ProcessRun;
import io.jrpcgen.xdr.XdrCodec;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The embedded portmapper where rpcbind would be, on port 111 of every interface, with the real
 * tools: rpcinfo lists and calls through it, libtirpc's servers register with it and its clients
 * find servers through it, clnt_broadcast reaches servers through its CALLIT. Needs port 111:
 * skipped, loudly, unless it is free and the tests may bind it (root).
 */
class EmbeddedPortmapperInteropTest {
  @TempDir static Path dir;
  private static CPeers peers;
  private static EmbeddedPortmapper portmapper;
  private static String skipped;

  @BeforeAll
  static void buildPeersAndStartPortmapper() throws Exception {
    if (NativeTools.missingTools("rpcinfo") != null) {
      return;
    }
    peers = CPeers.buildRpcbindPeers(dir);
    if (PortmapperOn111.answers()) {
      skipped =
          "SKIPPED: embedded portmapper interop tests: port 111 is taken (by a running"
              + " rpcbind?)";
      return;
    }
    try {
      // As rpcbind -r: every interface, and remote calls, so that broadcasts reach it.
      portmapper =
          EmbeddedPortmapper.builder()
              .port(111)
              .remoteCalls(true)
              .probeTimeout(Duration.ofMillis(500))
              .start();
    } catch (UncheckedIOException e) {
      skipped =
          "SKIPPED: embedded portmapper interop tests: cannot bind port 111 (not root?): "
              + e.getCause();
    }
  }

  @BeforeEach
  void requirePortmapper() {
    NativeTools.assumeToolsPresent("rpcinfo");
    if (skipped != null) {
      NativeTools.skipLoudly(skipped);
    }
  }

  @AfterAll
  static void stopPortmapper() {
    if (portmapper != null) {
      portmapper.close();
    }
  }

  @Test
  void rpcinfoListsAndCallsThroughTheEmbeddedPortmapper() throws Exception {
    try (RpcServer server = registeredJavaServer()) {
      int port = server.tcpPort();
      ProcessRun list = peers.rpcinfo("-p", HOST);
      assertThat(list.exitCode()).as(list.output()).isZero();
      assertThat(list.output())
          .startsWith("   program vers proto   port  service\n")
          .containsPattern("(?m)^\\s+100000\\s+2\\s+tcp\\s+111\\s+portmapper$")
          .containsPattern("(?m)^\\s+100000\\s+4\\s+udp\\s+111\\s+portmapper$")
          .containsPattern("(?m)^\\s+" + PROG_DECIMAL + "\\s+1\\s+tcp\\s+" + port + "\\s*$")
          .containsPattern("(?m)^\\s+" + PROG_DECIMAL + "\\s+1\\s+udp\\s+" + port + "\\s*$");
      ProcessRun dump = peers.rpcinfo(HOST);
      assertThat(dump.output())
          .containsPattern("(?m)^\\s+100000\\s+4\\s+tcp\\s+0\\.0\\.0\\.0\\.0\\.111\\s+portmapper")
          .containsPattern("(?m)^\\s+" + PROG_DECIMAL + "\\s+1\\s+udp\\s+127\\.0\\.0\\.1\\.");
      for (String transport : new String[] {"-t", "-u"}) {
        ProcessRun ping = peers.rpcinfo(transport, HOST, PROG_DECIMAL, "1");
        assertThat(ping.output())
            .isEqualTo("program " + PROG_DECIMAL + " version 1 ready and waiting\n");
        ProcessRun self = peers.rpcinfo(transport, HOST, "100000", "2");
        assertThat(self.output()).isEqualTo("program 100000 version 2 ready and waiting\n");
      }
    }
    assertThat(peers.rpcinfo("-p", HOST).output()).doesNotContain(PROG_DECIMAL);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "udp"})
  void aClntCreateClientFindsTheJavaServer(String transport) throws Exception {
    RpcbindInteropTest.assertClntCreateClientFindsTheJavaServer(peers, transport);
  }

  @Test
  void anRpcgenServerRegistersAndIsForgottenWhenItDies() throws Exception {
    try (NativeTools.CServer cServer = peers.startRegisteredServer()) {
      // libtirpc finds no rpcbind socket and registers over loopback TCP/UDP instead.
      await(() -> getPort(true) * getPort(false), "the C server registers");
      assertThat(squareVia("tcp", 4)).isEqualTo(16);
      assertThat(squareVia("udp", 5)).isEqualTo(25);
      assertThat(peers.rpcinfo("-u", HOST, PROG_DECIMAL, "1").output())
          .isEqualTo("program " + PROG_DECIMAL + " version 1 ready and waiting\n");
      assertThat(cServer.isAlive()).isTrue();
    }
    // Killed without unregistering: the next lookup probes it and drops it.
    assertThat(getPort(true)).isZero();
    assertThat(getPort(false)).isZero();
    assertThat(portmapper.registrations()).noneMatch(r -> r.program() == SQUARE_PROG);
  }

  @Test
  void clntBroadcastReachesTheJavaServerThroughCallit() throws Exception {
    Assumptions.assumeTrue(
        BroadcastCall.toLocalNetworks().targets().stream()
            .noneMatch(t -> t.getAddress().getHostAddress().equals("255.255.255.255")),
        "no interface with a broadcast address");
    try (RpcServer server = registeredJavaServer()) {
      ProcessRun run = peers.runBroadcast(8);
      assertThat(run.output())
          .containsPattern("(?m)^reply from [0-9.]+: result 64$")
          .endsWith("status: RPC: Success\n");
      assertThat(run.exitCode()).isZero();

      List<BroadcastCall.Reply<Integer>> replies =
          BroadcastCall.toLocalNetworks()
              .withTimeLimit(Duration.ofSeconds(2))
              .call(SQUARE_PROG, 1, SQUAREPROC, XdrCodec.INT, 9, XdrCodec.INT);
      assertThat(replies)
          .isNotEmpty()
          .allSatisfy(
              reply -> {
                assertThat(reply.value()).isEqualTo(81);
                assertThat(reply.server().getPort()).isEqualTo(server.udpPort());
              });
    }
  }
}
