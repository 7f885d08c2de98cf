package io.jrpcgen.samples.square;

import io.jrpcgen.server.RpcServer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The square server: {@code square-server [--port N] [--sleep SECONDS]}. Serves TCP and UDP on
 * one port; {@code --sleep} delays every reply, for the book's timeout experiment.
 */
public final class SquareServer {
  private SquareServer() {}

  /** Starts a server on {@code port} (0: any free port) whose replies wait {@code sleep}. */
  public static RpcServer start(int port, Duration sleep) {
    return RpcServer.builder()
        .program(SquareProg.bindSquareVers(in -> {
          pause(sleep);
          return new SquareOut(in.arg1() * in.arg1());
        }))
        .port(port)
        .start();
  }

  public static void main(String[] args) throws InterruptedException {
    int port = 0;
    Duration sleep = Duration.ZERO;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(value(args, ++i));
        case "--sleep" -> sleep = Duration.ofSeconds(Long.parseLong(value(args, ++i)));
        default -> usage("unknown argument: " + args[i]);
      }
    }
    RpcServer server = start(port, sleep);
    System.out.println("square server: tcp and udp port " + server.tcpPort());
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    new CountDownLatch(1).await();
  }

  private static void pause(Duration d) {
    if (!d.isZero()) {
      try {
        Thread.sleep(d.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      usage(args[i - 1] + " needs a value");
    }
    return args[i];
  }

  private static void usage(String problem) {
    System.err.println("square-server: " + problem);
    System.err.println("usage: square-server [--port N] [--sleep SECONDS]");
    System.exit(2);
  }
}
