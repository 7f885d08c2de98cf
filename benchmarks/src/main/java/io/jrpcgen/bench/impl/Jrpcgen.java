package io.jrpcgen.bench.impl;

import io.jrpcgen.bench.gen.EchoProg;
import io.jrpcgen.bench.gen.SquareIn;
import io.jrpcgen.bench.gen.SquareOut;
import io.jrpcgen.bench.gen.SquareProg;
import io.jrpcgen.bench.load.BlockingLoadClient;
import io.jrpcgen.bench.load.Workload;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.xdr.Opaque;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

/** jrpcgen's side: generated stubs on the runtime's channels, and an {@code RpcServer}. */
public final class Jrpcgen {
  // As the C client's: a lost datagram costs a second, not the default 15 s.
  private static final Duration UDP_RETRY = Duration.ofSeconds(1);

  private Jrpcgen() {}

  /** Starts a server of both programs on one loopback port, TCP and UDP. */
  public static BenchServer startServer() {
    RpcServer server = RpcServer.builder()
        .program(SquareProg.bindSquareVers(in -> new SquareOut(in.arg1() * in.arg1())))
        .program(EchoProg.bindEchoVers(data -> data))
        .bindAddress(InetAddress.getLoopbackAddress())
        .port(0)
        .start();
    return new BenchServer() {
      @Override
      public int tcpPort() {
        return server.tcpPort();
      }

      @Override
      public int udpPort() {
        return server.udpPort();
      }

      @Override
      public void close() {
        server.close();
      }
    };
  }

  /** The generated clients; a shared connection is one client used by every thread. */
  public static final class Client extends BlockingLoadClient {
    @Override
    protected Connection open(Workload workload, InetSocketAddress server) {
      RpcChannel channel = workload.transport() == Workload.Transport.TCP
          ? RpcChannel.tcp(server) : RpcChannel.udp(server);
      if (workload.kind() == Workload.Kind.SQUARE) {
        SquareProg.SquareVersClient client =
            SquareProg.SquareVersClient.create(channel).withRetryInterval(UDP_RETRY);
        return Connection.of(seq -> {
          int n = Payloads.squareArg(seq);
          return client.squareproc(new SquareIn(n)).res1() == n * n;
        }, client);
      }
      EchoProg.EchoVersClient client = EchoProg.EchoVersClient.create(channel);
      Opaque payload = Opaque.copyOf(Payloads.of(workload.payload()));
      return Connection.of(seq -> client.echoproc(payload).length() == payload.length(), client);
    }
  }
}
