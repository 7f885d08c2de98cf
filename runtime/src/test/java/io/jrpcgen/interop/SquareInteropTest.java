package io.jrpcgen.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.rpc.AuthFlavor;
import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.rpc.RpcMismatchException;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.server.CallContext;
import io.jrpcgen.server.Procedure;
import io.jrpcgen.server.ProgramDefinition;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.testsupport.NativeTools;
import io.jrpcgen.testsupport.NativeTools.CServer;
import io.jrpcgen.testsupport.NativeTools.ProcessRun;
import io.jrpcgen.transport.ChannelOptions;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.transport.TcpChannel;
import io.jrpcgen.xdr.XdrCodec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Calls between jrpcgen and rpcgen/libtirpc peers of Stevens' square program, both ways. */
class SquareInteropTest {
  private static final String HOST = "127.0.0.1";
  private static final int SQUARE_PROG = 0x31230000;
  private static final int SQUARE_VERS = 1;
  private static final int SQUAREPROC = 1;
  // Only the Java server has it, and it always fails: the C client then sees SYSTEM_ERR.
  private static final int FAILPROC = 3;
  // Short enough that a broken peer fails a test quickly instead of after rpcgen's 25 s.
  private static final CallOptions OPTIONS =
      CallOptions.DEFAULTS
          .withTimeout(Duration.ofSeconds(5))
          .withRetryInterval(Duration.ofMillis(500));
  // 46341² and 65536² overflow 32 bits; so do the squares of the extremes.
  private static final int[] VALUES = {
    5, 0, 1, -1, -7, 12_345, 46_341, 65_536, Integer.MAX_VALUE, Integer.MIN_VALUE
  };

  /** {@code struct square_in { long arg1; }}: rpcgen's long is an XDR int. */
  record SquareIn(int arg1) {
    static final XdrCodec<SquareIn> CODEC =
        XdrCodec.of((out, v) -> out.writeInt(v.arg1()), in -> new SquareIn(in.readInt()));
  }

  /** {@code struct square_out { long res1; }}. */
  record SquareOut(int res1) {
    static final XdrCodec<SquareOut> CODEC =
        XdrCodec.of((out, v) -> out.writeInt(v.res1()), in -> new SquareOut(in.readInt()));
  }

  @TempDir static Path dir;
  private static CPeers peers;
  private static CServer cServer;

  @BeforeAll
  static void buildAndStartCServer() throws Exception {
    // Without the tools every test skips itself, so that each one shows as skipped.
    if (NativeTools.missingTools() == null) {
      peers = CPeers.build(dir);
      cServer = peers.startServer();
    }
  }

  @BeforeEach
  void requireCPeers() {
    NativeTools.assumeToolsPresent();
  }

  @AfterAll
  static void stopCServer() {
    if (cServer != null) {
      cServer.close();
    }
  }

  // Java client -> C server

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "udp"})
  void javaClientSquaresOnCServer(String transport) {
    try (RpcClient client = clientOfCServer(transport)) {
      client.ping();
      assertThat(square(client, 5)).isEqualTo(25);
      for (int n : VALUES) {
        assertThat(square(client, n)).as("%d squared", n).isEqualTo(n * n);
      }
      // xdr_long sends the low 32 bits of the C server's 64-bit square: Java's int arithmetic.
      assertThat(square(client, 46_341)).isEqualTo(-2_147_479_015);
      assertThat(square(client, 65_536)).isZero();
    }
    assertThat(cServer.isAlive()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "udp"})
  void javaClientDecodesCServerErrors(String transport) {
    try (RpcClient client = clientOfCServer(transport)) {
      RpcClient version2 = RpcClient.create(client.channel(), SQUARE_PROG, 2, OPTIONS);
      RpcMismatchException mismatch =
          catchThrowableOfType(RpcMismatchException.class, () -> square(version2, 5));
      assertThat(mismatch).isNotNull();
      assertThat(mismatch.status()).isEqualTo(RpcStatus.PROG_VERS_MISMATCH);
      assertThat(mismatch.low()).isEqualTo(1);
      assertThat(mismatch.high()).isEqualTo(1);
      assertThat(mismatch.getMessage())
          .endsWith("RPC: Program/version mismatch; low version = 1, high version = 1");

      assertThatThrownBy(() -> client.call(2, SquareIn.CODEC, new SquareIn(5), SquareOut.CODEC))
          .isInstanceOfSatisfying(
              RpcException.class, e -> assertThat(e.status()).isEqualTo(RpcStatus.PROC_UNAVAIL))
          .hasMessageEndingWith("RPC: Procedure unavailable");

      // The errors left the channel usable.
      assertThat(square(client, 5)).isEqualTo(25);
    }
  }

  @Test
  void callsOverOneTcpChannelShareItsConnection() throws Exception {
    RpcClient client;
    try (TcpChannel channel = TcpChannel.connect(cServerAddress("tcp"), ChannelOptions.DEFAULTS)) {
      client = RpcClient.create(channel, SQUARE_PROG, SQUARE_VERS, OPTIONS);
      InetSocketAddress local = channel.localAddress();
      assertThat(local).isNotNull();
      for (int n = -10; n <= 10; n++) {
        assertThat(square(client, n)).isEqualTo(n * n);
        assertThat(channel.localAddress()).isEqualTo(local);
      }

      // Concurrent callers pipeline on the connection; libtirpc answers in order, and each reply
      // must still reach the caller whose XID it carries.
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> callers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          int base = t * 1_000;
          callers.add(
              pool.submit(
                  () -> {
                    for (int n = base; n < base + 50; n++) {
                      assertThat(square(client, n)).isEqualTo(n * n);
                    }
                    return null;
                  }));
        }
        for (Future<?> caller : callers) {
          caller.get(30, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(channel.localAddress()).isEqualTo(local);
    }
    assertThatThrownBy(() -> square(client, 5)).isInstanceOf(IllegalStateException.class);
  }

  // C client -> Java server

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "udp"})
  void cClientSquaresOnJavaServer(String transport) throws Exception {
    Queue<String> seen = new ConcurrentLinkedQueue<>();
    try (RpcServer server = javaServer(seen)) {
      ProcessRun run = runCClient(server, transport, "5");
      assertThat(run.output()).isEqualTo("result: 25\n");
      assertThat(run.exitCode()).isZero();
      String expected = transport.toUpperCase(Locale.ROOT) + " AUTH_NONE arg1=";
      // Only "contains": a UDP retransmission may legitimately run the procedure twice.
      assertThat(seen).isNotEmpty().containsOnly(expected + 5);

      // The C client's two's complement reaches Java as the same int.
      run = runCClient(server, transport, "-7");
      assertThat(run.output()).isEqualTo("result: 49\n");
      assertThat(seen).contains(expected + -7);

      for (int n : new int[] {46_341, 65_536, Integer.MIN_VALUE}) {
        run = runCClient(server, transport, Integer.toString(n));
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).startsWith("result: ");
        // libtirpc widens the wire's 32 bits to a C long without sign extension, so it prints
        // 2147488281 for Java's -2147479015; the low 32 bits are what must agree.
        long printed = Long.parseLong(run.output().substring("result: ".length()).trim());
        assertThat((int) printed).as("%d squared", n).isEqualTo(n * n);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "udp"})
  void cClientReportsJavaServerErrors(String transport) throws Exception {
    Queue<String> seen = new ConcurrentLinkedQueue<>();
    try (RpcServer server = javaServer(seen)) {
      ProcessRun run = runCClient(server, transport, "5", "2");
      assertThat(run.output())
          .isEqualTo(HOST + ": RPC: Program/version mismatch; low version = 1, high version = 1\n");
      assertThat(run.exitCode()).isEqualTo(1);

      run = runCClient(server, transport, "5", "1", "2");
      assertThat(run.output()).isEqualTo(HOST + ": RPC: Procedure unavailable\n");
      assertThat(run.exitCode()).isEqualTo(1);

      run = runCClient(server, transport, "5", "1", Integer.toString(FAILPROC));
      assertThat(run.output()).isEqualTo(HOST + ": RPC: Remote system error\n");
      assertThat(run.exitCode()).isEqualTo(1);

      assertThat(seen).isEmpty();
    }
  }

  private static int square(RpcClient client, int n) {
    return client.call(SQUAREPROC, SquareIn.CODEC, new SquareIn(n), SquareOut.CODEC).res1();
  }

  private static RpcClient clientOfCServer(String transport) {
    InetSocketAddress address = cServerAddress(transport);
    RpcChannel channel =
        transport.equals("tcp") ? RpcChannel.tcp(address) : RpcChannel.udp(address);
    return RpcClient.create(channel, SQUARE_PROG, SQUARE_VERS, OPTIONS);
  }

  private static InetSocketAddress cServerAddress(String transport) {
    return new InetSocketAddress(loopback(), cServer.port(transport));
  }

  /** A Java square server that records "TRANSPORT FLAVOR arg1=n" for each square it computes. */
  private static RpcServer javaServer(Queue<String> seen) {
    ProgramDefinition square =
        ProgramDefinition.builder(SQUARE_PROG, SQUARE_VERS)
            .procedure(
                Procedure.of(
                    SQUAREPROC,
                    "SQUAREPROC",
                    SquareIn.CODEC,
                    SquareOut.CODEC,
                    (call, in) -> {
                      seen.add(call.transport() + " " + flavor(call) + " arg1=" + in.arg1());
                      return new SquareOut(in.arg1() * in.arg1());
                    }))
            .procedure(
                Procedure.of(
                    FAILPROC,
                    "FAILPROC",
                    SquareIn.CODEC,
                    SquareOut.CODEC,
                    (call, in) -> {
                      throw new IllegalStateException(
                          "FAILPROC always fails (expected in this test)");
                    }))
            .build();
    return RpcServer.builder().program(square).bindAddress(loopback()).tcp(0).udp(0).start();
  }

  private static String flavor(CallContext call) {
    return call.hasFlavor(AuthFlavor.AUTH_NONE) ? "AUTH_NONE" : "flavor " + call.credential();
  }

  /** Runs the C client against {@code server}: n, then optional version and procedure. */
  private static ProcessRun runCClient(RpcServer server, String transport, String... rest)
      throws Exception {
    int port = transport.equals("tcp") ? server.tcpPort() : server.udpPort();
    List<String> args = new ArrayList<>(List.of(HOST, Integer.toString(port), transport));
    args.addAll(List.of(rest));
    return peers.runClient(args.toArray(new String[0]));
  }

  private static InetAddress loopback() {
    try {
      return InetAddress.getByName(HOST);
    } catch (UnknownHostException e) {
      throw new AssertionError("an address literal needs no lookup", e);
    }
  }
}
