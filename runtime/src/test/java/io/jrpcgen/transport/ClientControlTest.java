package io.jrpcgen.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.server.RpcServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import jdk.net.ExtendedSocketOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code clnt_control}'s reads on a client: the retry interval where it applies, the socket's local
 * address, and keep-alive with its timers.
 */
@Timeout(30)
class ClientControlTest {
  /** The callers' addresses as the server saw them. */
  private final Set<InetSocketAddress> callers = ConcurrentHashMap.newKeySet();

  private RpcServer server() {
    return RpcServer.builder()
        .bindAddress(Square.LOOPBACK)
        .port(0)
        .program(
            Square.program(
                (call, in) -> {
                  callers.add(call.remoteAddress());
                  return new Square.Out(in.arg1() * in.arg1());
                }))
        .start();
  }

  private static InetSocketAddress address(RpcServer server) {
    return new InetSocketAddress(Square.LOOPBACK, server.tcpPort());
  }

  @Test
  void theRetryIntervalIsReportedForUdpOnly() {
    try (RpcServer server = server();
        RpcClient tcp =
            RpcClient.create(RpcChannel.tcp(address(server)), Square.PROGRAM, Square.VERSION);
        RpcClient udp =
            RpcClient.create(RpcChannel.udp(address(server)), Square.PROGRAM, Square.VERSION)) {
      assertThat(tcp.retryInterval()).isEmpty();
      assertThat(tcp.channel().resends()).isFalse();
      assertThat(tcp.withRetryInterval(Duration.ofSeconds(2)).retryInterval()).isEmpty();
      assertThat(tcp.withRetryInterval(Duration.ofSeconds(2)).options().retryInterval())
          .isEqualTo(Duration.ofSeconds(2));

      assertThat(udp.retryInterval()).contains(Duration.ofSeconds(15));
      assertThat(udp.channel().resends()).isTrue();
      assertThat(udp.withRetryInterval(Duration.ofSeconds(2)).retryInterval())
          .contains(Duration.ofSeconds(2));
    }
  }

  @Test
  void theLocalAddressIsWhereCallsComeFrom() {
    try (RpcServer server = server();
        RpcClient tcp =
            RpcClient.create(RpcChannel.tcp(address(server)), Square.PROGRAM, Square.VERSION);
        RpcClient udp =
            RpcClient.create(RpcChannel.udp(address(server)), Square.PROGRAM, Square.VERSION)) {
      assertThat(Square.square(tcp, 5)).isEqualTo(25);
      assertThat(Square.square(udp, 10)).isEqualTo(100);
      assertThat(tcp.localAddress().getAddress()).isEqualTo(Square.LOOPBACK);
      assertThat(callers).containsExactlyInAnyOrder(tcp.localAddress(), udp.localAddress());
      assertThat(tcp.localAddress().getPort()).isNotEqualTo(server.tcpPort());
    }
  }

  @Test
  void aClosedTcpChannelHasNoLocalAddress() {
    try (RpcServer server = server()) {
      RpcClient tcp =
          RpcClient.create(RpcChannel.tcp(address(server)), Square.PROGRAM, Square.VERSION);
      tcp.close();
      assertThat(tcp.localAddress()).isNull();
    }
  }

  private static boolean platformHasTimers() throws IOException {
    try (Socket probe = new Socket()) {
      return probe.supportedOptions().contains(ExtendedSocketOptions.TCP_KEEPIDLE);
    }
  }

  @Test
  void keepAliveTimersAreSetOnTheConnection() throws IOException {
    ChannelOptions.KeepAlive timers =
        new ChannelOptions.KeepAlive(Duration.ofSeconds(60), Duration.ofSeconds(10), 5);
    try (RpcServer server = server();
        TcpChannel kept =
            TcpChannel.connect(address(server), ChannelOptions.DEFAULTS.withKeepAlive(timers));
        TcpChannel plain = TcpChannel.connect(address(server), ChannelOptions.DEFAULTS)) {
      assertThat(kept.keepAlive()).isTrue();
      assertThat(plain.keepAlive()).isFalse();
      assertThat(plain.keepAliveTimers()).isEmpty();
      if (platformHasTimers()) {
        assertThat(kept.keepAliveTimers()).contains(timers);
      } else {
        // Where the platform has no timers, keep-alive is on with the system's.
        assertThat(kept.keepAliveTimers()).isEmpty();
      }
    }
  }

  @Test
  void keepAliveOnWithoutTimersUsesTheSystemsAndReportsThem() {
    try (RpcServer server = server();
        TcpChannel kept =
            TcpChannel.connect(address(server), ChannelOptions.DEFAULTS.withKeepAlive(true))) {
      assertThat(ChannelOptions.DEFAULTS.withKeepAlive(true).keepAliveTimers()).isNull();
      // Whatever the system's are, they are read back from the connection where it can tell.
      kept.keepAliveTimers().ifPresent(t -> assertThat(t.count()).isPositive());
    }
  }

  @Test
  void keepAliveTimersAreCheckedAndKeptByCopies() {
    assertThatThrownBy(
            () -> new ChannelOptions.KeepAlive(Duration.ofMillis(999), Duration.ofSeconds(1), 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("keep-alive idle < 1 s: PT0.999S");
    assertThatThrownBy(() -> new ChannelOptions.KeepAlive(null, Duration.ofSeconds(1), 1))
        .hasMessage("keep-alive idle < 1 s: null");
    assertThatThrownBy(() -> new ChannelOptions.KeepAlive(Duration.ofSeconds(1), Duration.ZERO, 1))
        .hasMessage("keep-alive interval < 1 s: PT0S");
    assertThatThrownBy(() -> new ChannelOptions.KeepAlive(Duration.ofSeconds(1), null, 1))
        .hasMessage("keep-alive interval < 1 s: null");
    assertThatThrownBy(
            () -> new ChannelOptions.KeepAlive(Duration.ofSeconds(1), Duration.ofSeconds(1), 0))
        .hasMessage("keep-alive count < 1: 0");
    assertThatThrownBy(() -> ChannelOptions.DEFAULTS.withKeepAlive(null))
        .hasMessage("timers is null");

    ChannelOptions.KeepAlive minimal =
        new ChannelOptions.KeepAlive(Duration.ofSeconds(1), Duration.ofSeconds(1), 1);
    ChannelOptions options =
        ChannelOptions.DEFAULTS
            .withKeepAlive(minimal)
            .withMaxRecordSize(1 << 20)
            .withConnectTimeout(Duration.ofSeconds(3))
            .withMaxFragmentSize(4096)
            .withTls(null);
    assertThat(options.keepAlive()).isTrue();
    assertThat(options.keepAliveTimers()).isEqualTo(minimal);
    assertThat(options.withKeepAlive(false).keepAliveTimers()).isEqualTo(minimal);
    assertThat(options.withKeepAlive(false).keepAlive()).isFalse();
  }
}
