package io.jrpcgen.samples.square;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.server.CallContext;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.transport.RpcChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README's server snippets, as written there, called on the wire. */
@Timeout(60)
class ReadmeServerSnippetsTest {
  @Test
  void theAsynchronousSquareServerAnswersManyWaitingCallsOnOneConnection() throws Exception {
    // As in the README's "Servers that answer later".
    SquareProg.SquareVersAsync later =
        (call, in) ->
            CompletableFuture.supplyAsync(
                () -> new SquareOut(in.arg1() * in.arg1()),
                CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS));
    RpcServer server =
        RpcServer.builder().program(SquareProg.bindSquareVersAsync(later)).port(0).start();
    ExecutorService callers = Executors.newFixedThreadPool(16);
    try (server;
        SquareProg.SquareVersClient client =
            SquareProg.SquareVersClient.create(
                RpcChannel.tcp(new InetSocketAddress("127.0.0.1", server.tcpPort())))) {
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        int n = i;
        results.add(callers.submit(() -> client.squareproc(new SquareIn(n)).res1()));
      }
      for (int i = 0; i < 16; i++) {
        assertThat(results.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(i * i);
      }
      assertThat(server.connectionCount()).isEqualTo(1);
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void theSynchronousFormReadsTheCurrentCall() {
    List<String> seen = new ArrayList<>();
    SquareProg.SquareVers logged =
        in -> {
          seen.add("square from " + CallContext.current().remoteAddress());
          return new SquareOut(in.arg1() * in.arg1());
        };
    try (RpcServer server =
            RpcServer.builder().program(SquareProg.bindSquareVers(logged)).port(0).start();
        SquareProg.SquareVersClient client =
            SquareProg.SquareVersClient.create(
                RpcChannel.udp(new InetSocketAddress("127.0.0.1", server.udpPort())))) {
      assertThat(client.squareproc(new SquareIn(3)).res1()).isEqualTo(9);
      assertThat(seen).containsExactly("square from " + client.rpcClient().localAddress());
    }
  }
}
