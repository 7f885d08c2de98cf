package io.jrpcgen.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.conformance.ConformanceValues.Case;
import io.jrpcgen.conformance.gen.ConformanceProg.ConformanceV1Client;
import io.jrpcgen.conformance.gen.ConformanceProg.ConformanceV2Client;
import io.jrpcgen.testsupport.NativeTools;
import io.jrpcgen.testsupport.NativeTools.CServer;
import io.jrpcgen.transport.RpcChannel;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * jrpcgen's generated clients call the rpcgen + libtirpc echo server, over TCP and UDP, for every
 * procedure of conformance.x; each result must come back field by field as it was sent.
 */
class JavaClientCServerTest {
  // Short enough that a broken peer fails a test soon instead of after rpcgen's 25 s.
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Duration RETRY = Duration.ofMillis(500);

  @TempDir static Path dir;
  private static CServer cServer;
  private static Clients tcp;
  private static Clients udp;

  /** A client of each version over one channel. */
  private record Clients(ConformanceV1Client v1, ConformanceV2Client v2) {
    static Clients over(RpcChannel channel) {
      return new Clients(
          ConformanceV1Client.create(channel).withTimeout(TIMEOUT).withRetryInterval(RETRY),
          ConformanceV2Client.create(channel).withTimeout(TIMEOUT).withRetryInterval(RETRY));
    }
  }

  @BeforeAll
  static void startCServer() throws Exception {
    if (NativeTools.missingTools() != null) {
      return; // every test skips itself, loudly
    }
    cServer = ConformancePeers.build(dir).startServer();
    tcp = Clients.over(RpcChannel.tcp(address(cServer.tcpPort())));
    udp = Clients.over(RpcChannel.udp(address(cServer.udpPort())));
  }

  @AfterAll
  static void stopCServer() {
    for (Clients clients : new Clients[] {tcp, udp}) {
      if (clients != null) {
        clients.v1().close(); // closes the shared channel
      }
    }
    if (cServer != null) {
      cServer.close();
    }
  }

  @BeforeEach
  void requireCPeers() {
    NativeTools.assumeToolsPresent();
  }

  /** Every case over TCP; over UDP those that fit libtirpc's 8,800-byte UDP buffers. */
  static Stream<Arguments> calls() {
    return ConformanceValues.cases().stream()
        .flatMap(
            c ->
                c.udp()
                    ? Stream.of(Arguments.of("tcp", c), Arguments.of("udp", c))
                    : Stream.of(Arguments.of("tcp", c)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("calls")
  void cServerEchoesEveryField(String transport, Case<?> c) {
    Clients clients = transport.equals("tcp") ? tcp : udp;
    Object result = c.call().call(clients.v1(), clients.v2());
    if (c.voidResult()) {
      assertThat(result).isNull();
    } else {
      assertThat(Fields.lines(result)).isEqualTo(c.resultLines());
    }
    assertThat(cServer.isAlive()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "udp"})
  void aNameThatIsNotUtf8GoesBackWithItsBytes(String transport) {
    // As a client of a file server: a name as listed ("caf\xe9", ISO-8859-1), then looked up.
    ConformanceV1Client v1 = (transport.equals("tcp") ? tcp : udp).v1();
    String name = v1.fileName();
    assertThat(Fields.lines(name)).containsExactly("r=\"caf\\xe9\"");
    assertThat(v1.isFileName(name)).as("the C server compared the bytes it got").isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "udp"})
  void asyncAndOneWayCallsOfGeneratedClientsReachTheCServer(String transport) throws Exception {
    Clients clients = transport.equals("tcp") ? tcp : udp;
    List<CompletableFuture<Long>> sums = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      sums.add(clients.v2().addAsync(i, 1L << 40));
    }
    CompletableFuture<Void> ping = clients.v1().pingAsync();
    for (int i = 0; i < 100; i++) {
      assertThat(sums.get(i).get(20, TimeUnit.SECONDS)).isEqualTo(i + (1L << 40));
    }
    assertThat(ping.get(20, TimeUnit.SECONDS)).isNull();

    for (int i = 0; i < 20; i++) {
      clients.v1().pingOneWay();
    }
    clients.v1().flush();
    // libtirpc's NULLPROC answers even one-way calls: those replies are nobody's and dropped,
    // and the next call gets its own.
    assertThat(clients.v2().add(2, 3)).isEqualTo(5);
    assertThat(cServer.isAlive()).isTrue();
  }

  private static InetSocketAddress address(int port) {
    return new InetSocketAddress(ConformancePeers.HOST, port);
  }
}
