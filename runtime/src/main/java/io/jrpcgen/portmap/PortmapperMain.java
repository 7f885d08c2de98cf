package io.jrpcgen.portmap;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * {@code jrpcgen-portmap}: runs an {@link EmbeddedPortmapper} in the foreground until the process
 * is stopped. Exit codes: 0 after {@code --help}, 1 if the port cannot be bound, 2 for bad usage.
 */
public final class PortmapperMain {
  static final String USAGE =
      String.join(
          "\n",
          "usage: jrpcgen-portmap [--port N] [--bind ADDRESS] [--remote-calls]",
          "",
          "A portmapper (PMAP version 2, rpcbind versions 3 and 4) on TCP and UDP, in the",
          "foreground until stopped. It forgets registrations whose server is gone.",
          "",
          "  --port N          the port to serve on (default 111)",
          "  --bind ADDRESS    the local IP address to bind (default: every interface)",
          "  -r, --remote-calls",
          "                    forward CALLIT and BCAST to registered programs, as rpcbind -r",
          "                    (default: off; broadcast RPC needs it, but a portmapper that",
          "                    forwards anyone's calls is a UDP amplifier)",
          "  --help            print this text and exit",
          "");

  /** Parsed arguments; {@code bind} null for every interface. */
  record Options(int port, InetAddress bind, boolean remoteCalls, boolean help) {}

  /** A bad command line, with the message to print. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  private PortmapperMain() {}

  public static void main(String[] args) {
    int code = run(args, System.out, System.err, Runtime.getRuntime()::addShutdownHook);
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * Runs the command; returns on errors, after --help, or once the thread handed to {@code
   * onShutdown} (the JVM's shutdown hook in {@link #main}) has stopped the portmapper.
   */
  static int run(String[] args, PrintStream out, PrintStream err, Consumer<Thread> onShutdown) {
    Options options;
    try {
      options = parse(args);
    } catch (UsageException e) {
      err.println("jrpcgen-portmap: " + e.getMessage());
      err.print(USAGE);
      return 2;
    }
    if (options.help()) {
      out.print(USAGE);
      return 0;
    }
    EmbeddedPortmapper portmapper;
    try {
      portmapper =
          EmbeddedPortmapper.builder()
              .port(options.port())
              .bindAddress(options.bind())
              .remoteCalls(options.remoteCalls())
              .start();
    } catch (UncheckedIOException e) {
      err.println(
          "jrpcgen-portmap: cannot serve on port "
              + options.port()
              + ": "
              + e.getCause().getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    out.println(
        "jrpcgen-portmap: serving PMAP 2 and rpcbind 3, 4 on "
            + portmapper.describeWhere()
            + " (TCP and UDP), remote calls "
            + (options.remoteCalls() ? "on" : "off"));
    out.flush();
    onShutdown.accept(
        new Thread(
            () -> {
              portmapper.close();
              stopped.countDown();
            },
            "jrpcgen-portmap-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** Parses the command line; addresses must be IP literals, never names to look up. */
  static Options parse(String[] args) throws UsageException {
    int port = PortmapProtocol.PORT;
    InetAddress bind = null;
    boolean remoteCalls = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--help", "-h" -> {
          return new Options(port, bind, remoteCalls, true);
        }
        case "--remote-calls", "-r" -> remoteCalls = true;
        case "--port" -> port = parsePort(value(args, ++i, arg));
        case "--bind" -> bind = parseAddress(value(args, ++i, arg));
        default -> {
          if (arg.startsWith("--port=")) {
            port = parsePort(arg.substring("--port=".length()));
          } else if (arg.startsWith("--bind=")) {
            bind = parseAddress(arg.substring("--bind=".length()));
          } else {
            throw new UsageException("unknown argument '" + arg + "'");
          }
        }
      }
    }
    return new Options(port, bind, remoteCalls, false);
  }

  private static String value(String[] args, int i, String option) throws UsageException {
    if (i >= args.length) {
      throw new UsageException(option + " needs a value");
    }
    return args[i];
  }

  private static int parsePort(String s) throws UsageException {
    try {
      int port = Integer.parseInt(s);
      if (port >= 0 && port <= 65_535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // Reported below, as for an out-of-range number.
    }
    throw new UsageException("--port must be a number from 0 to 65535, got '" + s + "'");
  }

  private static InetAddress parseAddress(String s) throws UsageException {
    try {
      return UniversalAddress.parse(s + ".0.0").address();
    } catch (IllegalArgumentException e) {
      throw new UsageException("--bind must be an IPv4 or IPv6 address, got '" + s + "'");
    }
  }
}
