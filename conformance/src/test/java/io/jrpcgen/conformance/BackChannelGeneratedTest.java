package io.jrpcgen.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.conformance.gen.CbEchoProg;
import io.jrpcgen.conformance.gen.CbSumProg;
import io.jrpcgen.conformance.gen.TicketProg;
import io.jrpcgen.rpc.RpcConnectionException;
import io.jrpcgen.server.BackChannelServer;
import io.jrpcgen.server.CallContext;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.testsupport.ConcurrentCalls;
import io.jrpcgen.transport.ChannelOptions;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.transport.TcpChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Generated code on the back channel: a client serves two programs of callbacks.x on its own
 * connection with their generated binders, and the server calls them there with their generated
 * clients, while the client calls the server's program, many calls each way at once.
 */
@Timeout(120)
class BackChannelGeneratedTest {
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final BlockingQueue<RpcChannel> subscribers = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> notices = new LinkedBlockingQueue<>();

  @AfterEach
  void tearDown() {
    pool.shutdownNow();
  }

  /** The server: squares, keeps back channels, and rings the caller back before it answers. */
  private final TicketProg.TicketV1Async ticket =
      new TicketProg.TicketV1Async() {
        @Override
        public CompletableFuture<Integer> square(CallContext call, int n) {
          return CompletableFuture.completedFuture(n * n);
        }

        @Override
        public CompletableFuture<Void> subscribe(CallContext call) {
          subscribers.add(call.backChannel().orElseThrow());
          return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Integer> ring(CallContext call, int n) {
          return CbEchoProg.CbEchoV1Client.create(call.backChannel().orElseThrow())
              .withExecutor(pool)
              .echoAsync(n)
              .thenApply(echoed -> echoed + 1);
        }
      };

  /** The client's two programs: one synchronous, one asynchronous. */
  private final CbEchoProg.CbEchoV1 echo =
      new CbEchoProg.CbEchoV1() {
        @Override
        public int echo(int n) {
          return n;
        }

        @Override
        public void note(String notice) {
          notices.add(notice);
        }
      };

  private final CbSumProg.CbSumV1Async sum =
      (call, a, b) -> CompletableFuture.supplyAsync(() -> a + b, pool);

  private RpcServer server() {
    return RpcServer.builder()
        .bindAddress(InetAddress.getLoopbackAddress())
        .program(TicketProg.bindTicketV1Async(ticket))
        .tcp(0)
        .start();
  }

  private TcpChannel connect(RpcServer server) {
    BackChannelServer callbacks =
        BackChannelServer.of(CbEchoProg.bindCbEchoV1(echo), CbSumProg.bindCbSumV1Async(sum));
    return TcpChannel.connect(
        new InetSocketAddress("127.0.0.1", server.tcpPort()),
        ChannelOptions.DEFAULTS.withBackChannel(callbacks));
  }

  @Test
  void twoProgramsServedOnTheClientsConnectionWhileItCallsTheServerManyCallsEachWay()
      throws Exception {
    try (RpcServer server = server();
        TicketProg.TicketV1Client client =
            TicketProg.TicketV1Client.create(connect(server)).withExecutor(pool)) {
      client.subscribe();
      RpcChannel back = subscribers.poll(30, TimeUnit.SECONDS);
      CbEchoProg.CbEchoV1Client echoes = CbEchoProg.CbEchoV1Client.create(back).withExecutor(pool);
      CbSumProg.CbSumV1Client sums = CbSumProg.CbSumV1Client.create(back).withExecutor(pool);
      ConcurrentCalls.run(
          8,
          200,
          Duration.ofSeconds(100),
          (thread, i, n) -> {
            if (i % 4 == 3) {
              assertThat(client.ring(n)).isEqualTo(n + 1);
            } else {
              assertThat(client.square(n)).isEqualTo(n * n);
            }
          },
          (thread, i, n) -> {
            switch (i % 3) {
              case 0 -> assertThat(echoes.echo(n)).isEqualTo(n);
              case 1 -> assertThat(sums.add(n, thread)).isEqualTo(n + thread);
              default -> assertThat(sums.addAsync(n, 1).get(60, TimeUnit.SECONDS)).isEqualTo(n + 1);
            }
          });
      echoes.noteOneWay("done");
      assertThat(notices.poll(30, TimeUnit.SECONDS)).isEqualTo("done");
      assertThat(server.connectionCount()).isEqualTo(1);
    }
  }

  @Test
  void whenTheClientLeavesItsBackChannelFailsAndAnotherClientsGoesOn() throws Exception {
    try (RpcServer server = server();
        TicketProg.TicketV1Client staying = TicketProg.TicketV1Client.create(connect(server))) {
      RpcChannel toLeaving;
      try (TicketProg.TicketV1Client leaving = TicketProg.TicketV1Client.create(connect(server))) {
        leaving.subscribe();
        toLeaving = subscribers.poll(30, TimeUnit.SECONDS);
        assertThat(CbEchoProg.CbEchoV1Client.create(toLeaving).echo(3)).isEqualTo(3);
      }
      staying.subscribe();
      RpcChannel toStaying = subscribers.poll(30, TimeUnit.SECONDS);
      CbEchoProg.CbEchoV1Client gone = CbEchoProg.CbEchoV1Client.create(toLeaving);
      // The server sees the close at once, or the call's write does.
      assertThatThrownBy(() -> gone.echo(4)).isInstanceOf(RpcConnectionException.class);
      assertThat(CbSumProg.CbSumV1Client.create(toStaying).add(2, 3)).isEqualTo(5);
    }
  }
}
