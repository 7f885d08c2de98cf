package io.jrpcgen.server;

import static io.jrpcgen.server.RawWire.call;
import static io.jrpcgen.server.RawWire.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.management.UnixOperatingSystemMXBean;
import io.jrpcgen.internal.rpc.CallHeader;
import io.jrpcgen.internal.rpc.Reply;
import io.jrpcgen.observe.RpcListener;
import io.jrpcgen.rpc.AuthFlavor;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.testsupport.NativeTools;
import io.jrpcgen.xdr.XdrDecoder;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The builder's limits: their defaults, their checks, and the connection limit at work. */
class ServerLimitsTest {
  private static final byte[] NULL_CALL =
      record(call(0x5151, TestProgram.PROGRAM, TestProgram.V2, 0));

  private final TestProgram prog = new TestProgram();

  @Test
  void connectionsBeyondTheLimitAreClosedAndTheOthersServed() throws Exception {
    try (RpcServer server = prog.server().tcp(0).maxConnections(2).start();
        Socket a = RawWire.connect(server);
        Socket b = RawWire.connect(server)) {
      assertThat(server.maxConnections()).isEqualTo(2);
      RawWire.awaitTrue("two connections", () -> server.connectionCount() == 2);
      try (Socket c = RawWire.connect(server)) {
        assertThat(RawWire.readOrTimeout(c.getInputStream()))
            .as("the third, refused")
            .isEqualTo(-1);
      }
      for (Socket s : List.of(a, b)) {
        s.getOutputStream().write(NULL_CALL);
        RawWire.assertReply(RawWire.readRecord(s), new Reply.Success(0x5151, OpaqueAuth.NONE));
      }
      a.close();
      RawWire.awaitTrue("one connection", () -> server.connectionCount() == 1);
      try (Socket c = RawWire.connect(server)) {
        c.getOutputStream().write(NULL_CALL);
        RawWire.assertReply(RawWire.readRecord(c), new Reply.Success(0x5151, OpaqueAuth.NONE));
      }
    }
  }

  @Test
  void theDefaultLimitKeepsAnEighthOfTheDescriptorsAndBoundsTheHeap() {
    long unbounded = Long.MAX_VALUE;
    assertThat(RpcServer.maxConnections(1_024, unbounded)).isEqualTo(896);
    assertThat(RpcServer.maxConnections(20_000, unbounded)).isEqualTo(17_500);
    assertThat(RpcServer.maxConnections(256, unbounded))
        .as("a reserve of 64 at least")
        .isEqualTo(192);
    assertThat(RpcServer.maxConnections(511, unbounded)).isEqualTo(447);
    assertThat(RpcServer.maxConnections(20_000, 512L << 20))
        .as("32 KiB of heap each")
        .isEqualTo(16_384);
    assertThat(RpcServer.maxConnections(10, unbounded)).as("at least one").isEqualTo(1);
    assertThat(RpcServer.maxConnections(unbounded, unbounded)).isEqualTo(Integer.MAX_VALUE);
    assertThat(RpcServer.defaultMaxConnections())
        .isEqualTo(
            RpcServer.maxConnections(
                ((UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getMaxFileDescriptorCount(),
                Runtime.getRuntime().maxMemory()));
    try (RpcServer server = prog.server().tcp(0).start()) {
      assertThat(server.maxConnections()).isEqualTo(RpcServer.defaultMaxConnections());
    }
  }

  @Test
  void theWatchdogLooksFourTimesPerRecordTimeoutBetweenEveryTenMillisecondsAndEverySecond() {
    assertThat(RpcServer.watchdogPeriodMillis(Duration.ofMillis(300))).isEqualTo(75);
    assertThat(RpcServer.watchdogPeriodMillis(Duration.ofMillis(20))).isEqualTo(10);
    assertThat(RpcServer.watchdogPeriodMillis(Duration.ofMinutes(2))).isEqualTo(1_000);
  }

  @Test
  void theBuilderRefusesLimitsThatMakeNoSense() {
    RpcServer.Builder b = RpcServer.builder();
    assertThatThrownBy(() -> b.maxConnections(0)).hasMessage("maxConnections <= 0: 0");
    assertThatThrownBy(() -> b.backlog(0)).hasMessage("backlog <= 0: 0");
    assertThatThrownBy(() -> b.maxRecordSize(0)).hasMessage("maxRecordSize <= 0: 0");
    assertThatThrownBy(() -> b.duplicateRequestCache(0)).hasMessage("entries <= 0: 0");
    assertThatThrownBy(() -> b.maxPendingCalls(0)).hasMessage("maxPendingCalls <= 0: 0");
    assertThatThrownBy(() -> b.recordTimeout(Duration.ZERO)).hasMessage("recordTimeout <= 0: PT0S");
    assertThatThrownBy(() -> b.idleTimeout(Duration.ofSeconds(-1)))
        .hasMessage("idleTimeout <= 0: PT-1S");
    assertThatThrownBy(() -> b.idleTimeout(null)).hasMessage("idleTimeout <= 0: null");
    assertThatThrownBy(() -> b.closeGrace(Duration.ofSeconds(-1)))
        .hasMessage("closeGrace < 0: PT-1S");
    assertThatThrownBy(() -> b.closeGrace(null)).hasMessage("closeGrace < 0: null");
    assertThatThrownBy(() -> b.tcp(65_536)).hasMessage("port out of range: 65536");
    assertThatThrownBy(() -> b.udp(-1)).hasMessage("port out of range: -1");
    assertThat(b.maxConnections(1)).isSameAs(b);
    assertThat(b.backlog(1)).isSameAs(b);
    assertThat(b.maxRecordSize(1)).isSameAs(b);
    assertThat(b.duplicateRequestCache(1)).isSameAs(b);
    assertThat(b.maxPendingCalls(1)).isSameAs(b);
    assertThat(b.closeGrace(Duration.ZERO)).isSameAs(b);
    assertThat(b.shutdownOnSignal()).isSameAs(b);
    assertThat(b.tcp(65_535)).isSameAs(b);
  }

  @Test
  void theBuilderRefusesMissingCollaborators() {
    RpcServer.Builder b = RpcServer.builder();
    assertThatThrownBy(() -> b.listener(null)).hasMessage("listener is null");
    assertThatThrownBy(() -> b.tls(null)).hasMessage("tls is null");
    assertThatThrownBy(() -> b.security(null)).hasMessage("security is null");
    assertThat(b.listener(new RpcListener() {})).isSameAs(b);
    assertThat(
            b.security(
                new CallAuthenticator() {
                  @Override
                  public int flavor() {
                    return AuthFlavor.RPCSEC_GSS.value();
                  }

                  @Override
                  public Verdict verify(
                      CallHeader header, byte[] message, int credentialEnd, XdrDecoder body) {
                    return new Drop("never called");
                  }
                }))
        .isSameAs(b);
  }

  @Test
  void theBacklogIsTheListenersQueue() throws Exception {
    try (RpcServer server = prog.server().tcp(0).backlog(1_000).start()) {
      // ss shows a listener's backlog as its Send-Q.
      assertThat(listenerBacklog(server.tcpPort())).isEqualTo(1_000);
    }
    try (RpcServer server = prog.server().tcp(0).start()) {
      assertThat(listenerBacklog(server.tcpPort())).isEqualTo(Math.min(4_096, somaxconn()));
    }
  }

  private static int somaxconn() throws IOException {
    return Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/core/somaxconn")).get(0));
  }

  private static int listenerBacklog(int port) throws IOException, InterruptedException {
    Path ss = NativeTools.findTool("ss");
    if (ss == null) {
      NativeTools.skipLoudly("ss (iproute2) is not installed: test skipped");
    }
    Process p =
        new ProcessBuilder(ss.toString(), "-Hltn", "sport", "= :" + port)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    p.waitFor();
    // State, Recv-Q, Send-Q (the backlog of a listener), local and peer address.
    String[] fields = out.split("\\s+");
    return Integer.parseInt(fields[2]);
  }
}
