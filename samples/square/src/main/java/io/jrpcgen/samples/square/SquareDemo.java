package io.jrpcgen.samples.square;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.client.RpcClientFactory;
import io.jrpcgen.portmap.EmbeddedPortmapper;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.transport.RpcChannel;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The square program end to end in one process, with nothing to install: an embedded portmapper on
 * a free port, the server registered with it, a client that finds the server through it ({@code
 * clnt_create}) over TCP and over UDP, the {@code clnt_control} reads, and a timeout against a slow
 * server.
 */
public final class SquareDemo {
  private SquareDemo() {}

  public static void main(String[] args) {
    try (EmbeddedPortmapper portmapper = EmbeddedPortmapper.start(0);
        RpcServer server = SquareServer.start(0, Duration.ZERO, portmapper.localAddress())) {
      System.out.println(
          "portmapper on 127.0.0.1 port "
              + portmapper.port()
              + "; square server registered on tcp and udp port "
              + server.tcpPort());
      RpcClientFactory factory = RpcClientFactory.DEFAULT.withPortmapperPort(portmapper.port());

      // clnt_create(host, SQUARE_PROG, SQUARE_VERS, "tcp"): one TCP connection, opened here,
      // carries every call until close().
      try (SquareProg.SquareVersClient tcp =
          SquareProg.SquareVersClient.create(factory, "127.0.0.1", "tcp")) {
        RpcClient control = tcp.rpcClient();
        // CLGET_RETRY_TIMEOUT: only UDP resends, so a TCP client has no retry interval.
        System.out.println(
            "tcp: timeout "
                + control.timeout().toSeconds()
                + " s, "
                + control
                    .retryInterval()
                    .map(r -> "retry " + r.toSeconds() + " s")
                    .orElse("no retries")
                + " (clnt_control CLGET_TIMEOUT/RETRY_TIMEOUT)");
        for (int n : new int[] {5, 11}) {
          int result = tcp.squareproc(new SquareIn(n)).res1();
          System.out.println(
              "tcp: square("
                  + n
                  + ") -> result: "
                  + result
                  + " (xid "
                  + Integer.toUnsignedString(control.lastXid(), 16)
                  + ")");
        }
        // CLSET_TIMEOUT for one call: a configured copy; the client itself keeps 25 s.
        int quick = tcp.withTimeout(Duration.ofSeconds(2)).squareproc(new SquareIn(3)).res1();
        System.out.println("tcp: square(3) with a 2 s timeout -> result: " + quick);
      }
      try (SquareProg.SquareVersClient udp =
          SquareProg.SquareVersClient.create(factory, "127.0.0.1", "udp")) {
        int result = udp.squareproc(new SquareIn(7)).res1();
        System.out.println(
            "udp: square(7) -> result: "
                + result
                + " (retry every "
                + udp.rpcClient().retryInterval().orElseThrow().toSeconds()
                + " s until the timeout)");
      }

      // The book's timeout experiment: the server sleeps 3 s, the client waits 1 s. The slow
      // server registers the same program: the first one leaves first, since a live
      // registration is never taken over.
      server.close();
      try (RpcServer slow =
              SquareServer.start(0, Duration.ofSeconds(3), portmapper.localAddress());
          SquareProg.SquareVersClient client =
              SquareProg.SquareVersClient.create(
                  RpcChannel.tcp(new InetSocketAddress("127.0.0.1", slow.tcpPort())))) {
        client.withTimeout(Duration.ofSeconds(1)).squareproc(new SquareIn(5));
        System.out.println("slow server answered within 1 s: unexpected");
      } catch (RpcException e) {
        System.out.println("slow server, 1 s timeout: " + e.getMessage());
      }
    }
  }
}
