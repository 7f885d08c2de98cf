package io.jrpcgen.server;

import io.jrpcgen.portmap.PortmapRegistrar;
import io.jrpcgen.xdr.XdrCodec;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A test server in a JVM of its own, for cases whose trigger is a process limit: {@code ChildServer
 * [--max-connections N] [--hog] [--on-signal] [--portmapper PORT]}. Prints {@code ready tcp=P
 * udp=Q} once serving and runs until killed.
 */
public final class ChildServer {
  /** {@code void HOG(int millis)} of {@link #HOG_PROGRAM}: fills the heap, holds it, frees it. */
  static final int HOG_PROGRAM = 0x2000_4444;

  static final int HOG = 1;

  private ChildServer() {}

  public static void main(String[] args) throws InterruptedException {
    RpcServer.Builder builder = new TestProgram().server().port(0);
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--max-connections" -> builder.maxConnections(Integer.parseInt(args[++i]));
        case "--hog" ->
            builder.program(
                ProgramDefinition.builder(HOG_PROGRAM, 1)
                    .procedure(
                        Procedure.of(
                            HOG,
                            "HOG",
                            XdrCodec.INT,
                            XdrCodec.VOID,
                            (call, ms) -> {
                              hog(ms);
                              return null;
                            }))
                    .build());
        case "--on-signal" -> builder.shutdownOnSignal();
        case "--portmapper" ->
            builder.registrar(
                PortmapRegistrar.at(
                    new InetSocketAddress(RawWire.LOOPBACK, Integer.parseInt(args[++i]))));
        default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
      }
    }
    RpcServer server = builder.start();
    System.out.println("ready tcp=" + server.tcpPort() + " udp=" + server.udpPort());
    System.out.flush();
    // Until killed (a signal runs the shutdown hooks, if asked for, then exits). Waiting must not
    // allocate: the tests fill the heap at once, and an error ending this thread, the only one
    // that is not a daemon, would end the JVM.
    server.awaitTermination();
  }

  /** Fills the heap to the last few bytes, holds it for {@code millis}, then lets it go. */
  private static void hog(int millis) {
    @SuppressWarnings("ModifiedButNotUsed") // holding the arrays is its whole purpose
    List<Object> held = new ArrayList<>();
    int size = 1 << 20;
    System.out.println("hogging");
    System.out.flush();
    while (size >= 16) {
      try {
        held.add(new byte[size]);
      } catch (OutOfMemoryError e) {
        size /= 2;
      }
    }
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    held.clear();
  }
}
