package io.jrpcgen.samples.square;

import io.jrpcgen.gss.GssLogin;
import io.jrpcgen.gss.RpcSecGssServer;
import io.jrpcgen.observe.JfrRpcListener;
import io.jrpcgen.portmap.PortmapRegistrar;
import io.jrpcgen.rpc.AuthStat;
import io.jrpcgen.rpc.RpcAuthException;
import io.jrpcgen.server.CallContext;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.server.ServerTls;
import io.jrpcgen.transport.TlsContexts;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;

/**
 * The square server: {@code square-server [--port N] [--sleep SECONDS] [--portmapper-port N]
 * [--idle-timeout SECONDS] [--max-connections N] [--tls KEYSTORE [--storepass PASSWORD]
 * [--client-trust TRUSTSTORE]] [--keytab KEYTAB] [--jfr]}. Serves TCP and UDP on one port and
 * registers with the host's portmapper, as an rpcgen server's {@code main} does; where no
 * portmapper answers, it starts an embedded one. {@code --sleep} delays every reply, for the book's
 * timeout experiment; {@code --idle-timeout} closes connections idle that long (by default they
 * stay open, as libtirpc's do). With {@code --tls} the square program is served only over
 * RPC-with-TLS (RFC 9289) with the key in KEYSTORE (PKCS12); {@code --client-trust} also requires
 * client certificates that TRUSTSTORE trusts. With {@code --keytab} it serves square only to
 * callers with RPCSEC_GSS (Kerberos: krb5, krb5i or krb5p), accepting with the keys in KEYTAB; the
 * Kerberos configuration is {@code KRB5_CONFIG}'s. It runs until SIGTERM or SIGINT, which
 * unregister it.
 */
public final class SquareServer {
  private SquareServer() {}

  /**
   * Starts a server on {@code port} (0: any free port) whose replies wait {@code sleep}, and
   * registers it with the portmapper at {@code portmapper}, or an embedded one there.
   */
  public static RpcServer start(int port, Duration sleep, InetSocketAddress portmapper) {
    return start(port, sleep, portmapper, null);
  }

  /** As {@link #start(int, Duration, InetSocketAddress)}, serving square only over {@code tls}. */
  public static RpcServer start(
      int port, Duration sleep, InetSocketAddress portmapper, ServerTls tls) {
    return builder(port, sleep, portmapper, tls).start();
  }

  /** The server {@link #start} starts, to be configured further; {@code tls} may be null. */
  static RpcServer.Builder builder(
      int port, Duration sleep, InetSocketAddress portmapper, ServerTls tls) {
    SquareProg.SquareVers square =
        in -> {
          pause(sleep);
          return new SquareOut(in.arg1() * in.arg1());
        };
    RpcServer.Builder builder =
        RpcServer.builder()
            .program(SquareProg.bindSquareVers(square))
            .port(port)
            .registrar(PortmapRegistrar.at(portmapper).orEmbedded());
    if (tls != null) {
      builder.tls(tls.requireTlsFor(SquareProg.SQUARE_PROG));
    }
    return builder;
  }

  /**
   * The server {@link #start} starts, serving square only to RPCSEC_GSS callers whose contexts
   * {@code gss} accepts.
   */
  static RpcServer.Builder kerberosBuilder(
      int port, InetSocketAddress portmapper, RpcSecGssServer gss) {
    SquareProg.SquareVers square =
        in -> {
          if (CallContext.current().gssCaller().isEmpty()) {
            throw new RpcAuthException("square", AuthStat.AUTH_TOOWEAK);
          }
          return new SquareOut(in.arg1() * in.arg1());
        };
    return RpcServer.builder()
        .program(SquareProg.bindSquareVers(square))
        .security(gss)
        .port(port)
        .registrar(PortmapRegistrar.at(portmapper).orEmbedded());
  }

  public static void main(String[] args) throws InterruptedException {
    Options options = Options.parse(args, System.err);
    InetSocketAddress portmapper =
        new InetSocketAddress(InetAddress.getLoopbackAddress(), options.portmapperPort);
    RpcServer.Builder builder;
    if (options.keytab != null) {
      SquareClient.useKrb5Config();
      builder =
          kerberosBuilder(
              options.port, portmapper, RpcSecGssServer.create(GssLogin.acceptor(options.keytab)));
    } else {
      builder = builder(options.port, options.sleep, portmapper, options.tls());
    }
    builder.shutdownOnSignal();
    if (options.idleTimeout != null) {
      builder.idleTimeout(options.idleTimeout);
    }
    if (options.maxConnections > 0) {
      builder.maxConnections(options.maxConnections);
    }
    if (options.jfr) {
      builder.listener(JfrRpcListener.INSTANCE);
    }
    RpcServer server = builder.start();
    System.out.println(
        "square server: tcp and udp port "
            + server.tcpPort()
            + ", registered with the portmapper on port "
            + options.portmapperPort
            + (options.keyStore == null ? "" : "; square only over TLS")
            + (options.keytab == null ? "" : "; square only with RPCSEC_GSS (Kerberos)"));
    server.awaitTermination();
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

  /** The command line. */
  private static final class Options {
    int port;
    Duration sleep = Duration.ZERO;
    int portmapperPort = 111;
    Duration idleTimeout;
    int maxConnections;
    Path keyStore;
    Path clientTrust;
    Path keytab;
    char[] storePassword = "changeit".toCharArray();
    boolean jfr;

    ServerTls tls() {
      if (keyStore == null) {
        return null;
      }
      KeyStore trust = clientTrust == null ? null : TlsContexts.load(clientTrust, storePassword);
      ServerTls tls =
          ServerTls.of(
              TlsContexts.of(TlsContexts.load(keyStore, storePassword), storePassword, trust));
      return trust == null ? tls : tls.withClientAuth(ServerTls.ClientAuth.NEED);
    }

    static Options parse(String[] args, PrintStream err) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--port" -> o.port = Integer.parseInt(value(args, ++i, err));
          case "--sleep" -> o.sleep = Duration.ofSeconds(Long.parseLong(value(args, ++i, err)));
          case "--portmapper-port" -> o.portmapperPort = Integer.parseInt(value(args, ++i, err));
          case "--idle-timeout" ->
              o.idleTimeout = Duration.ofSeconds(positive(args[i], value(args, ++i, err), err));
          case "--max-connections" ->
              o.maxConnections = (int) positive(args[i], value(args, ++i, err), err);
          case "--tls" -> o.keyStore = Path.of(value(args, ++i, err));
          case "--client-trust" -> o.clientTrust = Path.of(value(args, ++i, err));
          case "--storepass" -> o.storePassword = value(args, ++i, err).toCharArray();
          case "--jfr" -> o.jfr = true;
          case "--keytab" -> o.keytab = Path.of(value(args, ++i, err));
          default -> usage("unknown argument: " + args[i], err);
        }
      }
      return o;
    }

    private static String value(String[] args, int i, PrintStream err) {
      if (i >= args.length) {
        usage(args[i - 1] + " needs a value", err);
      }
      return args[i];
    }

    private static long positive(String option, String value, PrintStream err) {
      try {
        long n = Long.parseLong(value);
        if (n > 0 && n <= Integer.MAX_VALUE) {
          return n;
        }
      } catch (NumberFormatException e) {
        // Reported below.
      }
      usage(option + " needs a positive number: " + value, err);
      return 0;
    }

    private static void usage(String problem, PrintStream err) {
      err.println("square-server: " + problem);
      err.println(
          "usage: square-server [--port N] [--sleep SECONDS] [--portmapper-port N]"
              + " [--idle-timeout SECONDS] [--max-connections N]"
              + " [--tls KEYSTORE [--storepass PASSWORD] [--client-trust TRUSTSTORE]]"
              + " [--keytab KEYTAB] [--jfr]");
      System.exit(2);
    }
  }
}
