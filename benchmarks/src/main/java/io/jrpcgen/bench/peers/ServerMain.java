package io.jrpcgen.bench.peers;

import io.jrpcgen.bench.impl.BenchServer;
import io.jrpcgen.bench.impl.Jrpcgen;
import io.jrpcgen.bench.impl.Oncrpc4j;
import io.jrpcgen.bench.impl.RemoteTea;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The entry point of the Java server processes: {@code ServerMain
 * jrpcgen|jrpcgen-tls|oncrpc4j|remotetea LIFETIME_SECONDS}; {@code jrpcgen-tls} takes its key store
 * from the system property {@code jrpcgen.bench.keystore}. Prints {@code tcp=<port> udp=<port>}
 * once serving, and exits when killed or when its lifetime runs out.
 */
public final class ServerMain {
  private ServerMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println(
          "usage: ServerMain jrpcgen|jrpcgen-tls|oncrpc4j|remotetea LIFETIME_SECONDS");
      System.exit(2);
    }
    BenchServer server =
        switch (args[0]) {
          case "jrpcgen" -> Jrpcgen.startServer();
          case "jrpcgen-tls" ->
              Jrpcgen.startTlsServer(Path.of(System.getProperty(Jrpcgen.KEY_STORE_PROPERTY)));
          case "oncrpc4j" -> Oncrpc4j.startServer();
          case "remotetea" -> RemoteTea.startServer();
          default -> throw new IllegalArgumentException("unknown server: " + args[0]);
        };
    System.out.println("tcp=" + server.tcpPort() + " udp=" + server.udpPort());
    System.out.flush();
    // An orphan (the benchmark died before stopping it) still goes away.
    Thread.sleep(TimeUnit.SECONDS.toMillis(Long.parseLong(args[1])));
    System.exit(0);
  }
}
