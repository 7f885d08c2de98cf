package io.jrpcgen.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.conformance.gen.CbEchoProg;
import io.jrpcgen.conformance.gen.CbSumProg;
import io.jrpcgen.conformance.gen.TicketProg;
import io.jrpcgen.server.BackChannelServer;
import io.jrpcgen.server.CallContext;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.transport.ChannelOptions;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.transport.TcpChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README's "Callbacks on the client's connection" snippet, as written there, on the wire. */
@Timeout(60)
class ReadmeBackChannelSnippetTest {
  @Test
  void theServerRingsTheClientBackOnItsConnection() {
    // Server: a procedure builds a generated client on the caller's back channel.
    TicketProg.TicketV1Async ticket =
        new TicketProg.TicketV1Async() {
          @Override
          public CompletableFuture<Integer> ring(CallContext call, int n) {
            RpcChannel back = call.backChannel().orElseThrow(); // may be kept and used later
            return CbEchoProg.CbEchoV1Client.create(back)
                .echoAsync(n)
                .thenApply(echoed -> echoed + 1);
          }
        };
    try (RpcServer server =
        RpcServer.builder()
            .bindAddress(InetAddress.getLoopbackAddress())
            .program(TicketProg.bindTicketV1Async(ticket))
            .tcp(0)
            .start()) {
      String host = "127.0.0.1";
      int port = server.tcpPort();

      // Client: serve two programs on the connection, from generated binders, sync and async.
      CbEchoProg.CbEchoV1 echo =
          new CbEchoProg.CbEchoV1() {
            @Override
            public int echo(int n) {
              return n;
            }
          };
      CbSumProg.CbSumV1Async sum = (call, a, b) -> CompletableFuture.completedFuture(a + b);
      BackChannelServer callbacks =
          BackChannelServer.of(CbEchoProg.bindCbEchoV1(echo), CbSumProg.bindCbSumV1Async(sum));
      try (TicketProg.TicketV1Client client =
          TicketProg.TicketV1Client.create(
              TcpChannel.connect(
                  new InetSocketAddress(host, port),
                  ChannelOptions.DEFAULTS.withBackChannel(callbacks)))) {
        int rung = client.ring(41); // 42, by way of the client's ECHO
        assertThat(rung).isEqualTo(42);
      }
    }
  }
}
