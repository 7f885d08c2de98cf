package io.jrpcgen.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.internal.rpc.CallHeader;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.rpc.RpcConnectionException;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A UDP channel shared by threads: a synchronous call made while another waits goes through a
 * further socket of the channel's and reads its own reply there.
 */
@Timeout(60)
class UdpLanesTest {
  // Long enough that no call is resent or times out unless a test wants it.
  private static final Duration LONG = Duration.ofSeconds(30);

  private static RpcClient client(DatagramSocket server, Duration retry) {
    return RpcClient.create(
            RpcChannel.udp(new InetSocketAddress(Square.LOOPBACK, server.getLocalPort())),
            Square.PROGRAM,
            Square.VERSION)
        .withTimeout(LONG)
        .withRetryInterval(retry);
  }

  private static DatagramSocket rawServer() throws IOException {
    DatagramSocket server = new DatagramSocket(0, Square.LOOPBACK);
    server.setSoTimeout(10_000);
    return server;
  }

  /** A received call: where it came from, its XID and its argument. */
  private record Received(SocketAddress from, int xid, int n) {}

  private static Received receive(DatagramSocket server) throws IOException {
    DatagramPacket p = new DatagramPacket(new byte[65_536], 65_536);
    server.receive(p);
    XdrDecoder in = new XdrDecoder(p.getData(), 0, p.getLength());
    CallHeader call = RawRpc.readSquareCall(in);
    return new Received(p.getSocketAddress(), call.xid(), in.readInt());
  }

  private static void send(DatagramSocket server, SocketAddress to, XdrEncoder message)
      throws IOException {
    server.send(new DatagramPacket(message.array(), message.position(), to));
  }

  private static void answer(DatagramSocket server, Received call) throws IOException {
    send(server, call.from(), RawRpc.squareReply(call.xid(), OpaqueAuth.NONE, call.n()));
  }

  /** Two calls waiting at once: the first on the channel's socket, the second after it. */
  private record TwoCalls(Future<Integer> first, Received a, Future<Integer> second, Received b) {}

  /** Starts square(3), then, once it has arrived, square(4); returns both as received. */
  private static TwoCalls twoCalls(ExecutorService pool, DatagramSocket server, RpcClient client)
      throws IOException {
    Future<Integer> first = pool.submit(() -> Square.square(client, 3));
    Received a = receive(server);
    Future<Integer> second = pool.submit(() -> Square.square(client, 4));
    Received b;
    do {
      // The first call's resends, from the channel's socket, are not the second call.
      b = receive(server);
    } while (b.from().equals(a.from()) && b.xid() == a.xid());
    return new TwoCalls(first, a, second, b);
  }

  @Test
  void aCallMadeWhileAnotherWaitsGoesFromASocketOfItsOwn() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (DatagramSocket server = rawServer();
        RpcClient client = client(server, LONG)) {
      TwoCalls calls = twoCalls(pool, server, client);
      Received a = calls.a();
      Received b = calls.b();
      Future<Integer> first = calls.first();
      Future<Integer> second = calls.second();
      assertThat(a.from()).isEqualTo(client.localAddress());
      assertThat(b.from()).isNotEqualTo(a.from());
      // Each reply goes to its call's socket; the later call's comes first.
      answer(server, b);
      assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(16);
      assertThat(first.isDone()).isFalse();
      // The socket the second call used serves the next.
      Future<Integer> third = pool.submit(() -> Square.square(client, 5));
      Received c = receive(server);
      assertThat(c.from()).isEqualTo(b.from());
      answer(server, c);
      assertThat(third.get(10, TimeUnit.SECONDS)).isEqualTo(25);
      answer(server, a);
      assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(9);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aCallOnItsOwnSocketIsResentFromItAndDropsWhatIsNotItsReply() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (DatagramSocket server = rawServer();
        RpcClient client = client(server, Duration.ofMillis(200))) {
      TwoCalls calls = twoCalls(pool, server, client);
      Received a = calls.a();
      Received b = calls.b();
      assertThat(b.from()).isNotEqualTo(a.from());
      Received resent;
      do {
        resent = receive(server);
      } while (resent.from().equals(a.from()));
      assertThat(resent).isEqualTo(b);

      // A stale reply, an empty datagram and a call with the XID are not the reply.
      send(server, b.from(), RawRpc.squareReply(b.xid() - 1, OpaqueAuth.NONE, 1000));
      send(server, b.from(), new XdrEncoder());
      XdrEncoder call = new XdrEncoder();
      call.writeInt(b.xid());
      call.writeInt(0);
      send(server, b.from(), call);
      answer(server, resent);
      assertThat(calls.second().get(10, TimeUnit.SECONDS)).isEqualTo(16);
      answer(server, a);
      assertThat(calls.first().get(10, TimeUnit.SECONDS)).isEqualTo(9);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void closingTheChannelEndsCallsWaitingOnItsFurtherSockets() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (DatagramSocket server = rawServer()) {
      RpcClient client = client(server, LONG);
      TwoCalls calls = twoCalls(pool, server, client);
      assertThat(calls.b().from()).isNotEqualTo(calls.a().from());

      client.close();
      // Ended by the close, long before their 30 s timeout.
      for (Future<Integer> call : List.of(calls.first(), calls.second())) {
        assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .hasCauseInstanceOf(RpcConnectionException.class);
      }
      assertThatThrownBy(() -> Square.square(client, 5)).isInstanceOf(IllegalStateException.class);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentCallsUseAtMostTheBoundOfFurtherSocketsAndReuseThem() throws Exception {
    int threads = UdpChannel.MAX_LANES + 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (DatagramSocket server = rawServer();
        RpcClient client = client(server, LONG)) {
      Set<SocketAddress> firstRound = round(pool, server, client, threads);
      assertThat(firstRound).contains(client.localAddress()).hasSizeLessThanOrEqualTo(threads);
      assertThat(firstRound.size()).isLessThanOrEqualTo(UdpChannel.MAX_LANES + 1);

      Set<SocketAddress> bothRounds = new HashSet<>(firstRound);
      bothRounds.addAll(round(pool, server, client, threads));
      // The sockets opened for the first round serve the second, which opens only what is left.
      assertThat(bothRounds.size()).isLessThanOrEqualTo(UdpChannel.MAX_LANES + 1);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Makes {@code threads} calls at once, answers them once all have arrived, and returns the
   * addresses they came from.
   */
  private static Set<SocketAddress> round(
      ExecutorService pool, DatagramSocket server, RpcClient client, int threads) throws Exception {
    List<Future<Integer>> results = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int n = 100 + t;
      results.add(pool.submit(() -> Square.square(client, n) - n * n));
    }
    List<Received> calls = new ArrayList<>();
    Set<SocketAddress> from = new HashSet<>();
    while (calls.size() < threads) {
      Received call = receive(server);
      calls.add(call);
      from.add(call.from());
    }
    for (Received call : calls) {
      answer(server, call);
    }
    for (Future<Integer> r : results) {
      assertThat(r.get(10, TimeUnit.SECONDS)).isZero();
    }
    return from;
  }
}
