package io.jrpcgen.samples.square;

import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.transport.RpcChannel;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The square client: {@code square-client HOST PORT N [tcp|udp] [--timeout SECONDS]}. Prints
 * {@code result: N*N}, or the {@code clnt_sperror}-style message and exits 1.
 */
public final class SquareClient {
  private SquareClient() {}

  public static void main(String[] args) {
    if (args.length < 3) {
      System.err.println("usage: square-client HOST PORT N [tcp|udp] [--timeout SECONDS]");
      System.exit(2);
    }
    InetSocketAddress server = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
    int n = Integer.parseInt(args[2]);
    String protocol = "tcp";
    Duration timeout = null;
    for (int i = 3; i < args.length; i++) {
      if (args[i].equals("--timeout") && i + 1 < args.length) {
        timeout = Duration.ofSeconds(Long.parseLong(args[++i]));
      } else {
        protocol = args[i];
      }
    }
    try (SquareProg.SquareVersClient client = SquareProg.SquareVersClient.create(
        protocol.equals("udp") ? RpcChannel.udp(server) : RpcChannel.tcp(server))) {
      SquareProg.SquareVersClient configured =
          timeout == null ? client : client.withTimeout(timeout);
      System.out.println("result: " + configured.squareproc(new SquareIn(n)).res1());
    } catch (RpcException e) {
      System.err.println(e.getMessage());
      System.exit(1);
    }
  }
}
