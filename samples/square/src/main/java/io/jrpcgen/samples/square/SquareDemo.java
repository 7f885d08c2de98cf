package io.jrpcgen.samples.square;

import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.transport.RpcClient;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The square program end to end in one process: a server on a free loopback port, then a client
 * over TCP and over UDP, the {@code clnt_control} reads, and a timeout against a slow server.
 */
public final class SquareDemo {
  private SquareDemo() {}

  public static void main(String[] args) {
    try (RpcServer server = SquareServer.start(0, Duration.ZERO)) {
      InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.tcpPort());
      System.out.println("square server on 127.0.0.1, tcp and udp port " + server.tcpPort());

      // One TCP connection, opened here, carries every call until close().
      try (SquareProg.SquareVersClient tcp =
          SquareProg.SquareVersClient.create(RpcChannel.tcp(address))) {
        RpcClient control = tcp.rpcClient();
        System.out.println("tcp: timeout " + control.timeout().toSeconds() + " s, retry "
            + control.retryInterval().toSeconds() + " s (clnt_control CLGET_TIMEOUT/RETRY)");
        for (int n : new int[] {5, 11}) {
          int result = tcp.squareproc(new SquareIn(n)).res1();
          System.out.println("tcp: square(" + n + ") -> result: " + result
              + " (xid " + Integer.toUnsignedString(control.lastXid(), 16) + ")");
        }
      }
      try (SquareProg.SquareVersClient udp =
          SquareProg.SquareVersClient.create(RpcChannel.udp(address))) {
        int result = udp.squareproc(new SquareIn(7)).res1();
        System.out.println("udp: square(7) -> result: " + result);
      }
    }

    // The book's timeout experiment: the server sleeps 3 s, the client waits 1 s.
    try (RpcServer slow = SquareServer.start(0, Duration.ofSeconds(3));
        SquareProg.SquareVersClient client = SquareProg.SquareVersClient.create(
            RpcChannel.tcp(new InetSocketAddress("127.0.0.1", slow.tcpPort())))) {
      client.withTimeout(Duration.ofSeconds(1)).squareproc(new SquareIn(5));
      System.out.println("slow server answered within 1 s: unexpected");
    } catch (RpcException e) {
      System.out.println("slow server, 1 s timeout: " + e.getMessage());
    }
  }
}
