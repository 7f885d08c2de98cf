package io.jrpcgen.samples.square;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.client.RpcClientFactory;
import io.jrpcgen.gss.GssLogin;
import io.jrpcgen.gss.GssService;
import io.jrpcgen.gss.GssSettings;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.transport.ChannelOptions;
import io.jrpcgen.transport.TlsContexts;
import io.jrpcgen.transport.TlsSettings;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * The square client: {@code square-client HOST N [tcp|udp] [--timeout SECONDS] [--portmapper-port
 * N] [--tls TRUSTSTORE [--storepass PASSWORD] [--cert KEYSTORE]] [--sec krb5|krb5i|krb5p
 * --gss-service SERVICE@HOST [--keytab KEYTAB --principal NAME]] [--square5 | --square9 [--stay
 * SECONDS]]}. Finds the server through HOST's portmapper, as {@code clnt_create} does, and prints
 * {@code result: N*N}; on failure prints the {@code clnt_sperror}-style message and exits 1. With
 * {@code --tls} the call goes over RPC-with-TLS (RFC 9289), trusting the certificates in TRUSTSTORE
 * (PKCS12), and fails if the server does not offer TLS; {@code --cert} presents a client
 * certificate. With {@code --sec} the call goes with RPCSEC_GSS (Kerberos) to the server principal
 * SERVICE@HOST, as NAME with its key from KEYTAB, or with the tickets of {@code KRB5CCNAME} ({@code
 * kinit}); the Kerberos configuration is {@code KRB5_CONFIG}'s, as for MIT's tools.
 *
 * <p>Two options are the {@code clnt_control} programs of Stevens' UNP vol. 2, ch. 16: {@code
 * --square5} first prints the timeout and the retry interval the client would use ({@code
 * CLGET_TIMEOUT}, {@code CLGET_RETRY_TIMEOUT}, which only UDP has); {@code --square9} calls twice
 * on one connection (N, then 2N), closes the client and keeps the process alive, {@code --stay}
 * seconds or until killed, so that {@code ss} or tshark show the connection's end.
 */
public final class SquareClient {
  private static final String USAGE =
      "usage: square-client HOST N [tcp|udp] [--timeout SECONDS] [--portmapper-port N]"
          + " [--tls TRUSTSTORE [--storepass PASSWORD] [--cert KEYSTORE]]"
          + " [--sec krb5|krb5i|krb5p --gss-service SERVICE@HOST"
          + " [--keytab KEYTAB --principal NAME]]"
          + " [--square5 | --square9 [--stay SECONDS]]";

  /** What the client does besides its call. */
  private enum Program {
    /** One call. */
    SQUARE,
    /** The clnt_control reads, then one call. */
    SQUARE5,
    /** Two calls on one connection, close, stay alive. */
    SQUARE9
  }

  private SquareClient() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the client; returns the exit code: 0 done, 1 the call failed, 2 bad usage. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length < 2) {
      err.println(USAGE);
      return 2;
    }
    String host = args[0];
    int n;
    String protocol = "tcp";
    Duration timeout = null;
    RpcClientFactory factory = RpcClientFactory.DEFAULT;
    Path trustStore = null;
    Path keyStore = null;
    char[] storePassword = "changeit".toCharArray();
    GssService sec = null;
    String gssService = null;
    Path keytab = null;
    String principal = null;
    Program program = Program.SQUARE;
    Duration stay = null;
    try {
      n = Integer.parseInt(args[1]);
      for (int i = 2; i < args.length; i++) {
        switch (args[i]) {
          case "tcp", "udp" -> protocol = args[i];
          case "--timeout" -> timeout = Duration.ofSeconds(seconds(value(args, ++i)));
          case "--portmapper-port" ->
              factory = factory.withPortmapperPort(Integer.parseInt(value(args, ++i)));
          case "--tls" -> trustStore = Path.of(value(args, ++i));
          case "--cert" -> keyStore = Path.of(value(args, ++i));
          case "--storepass" -> storePassword = value(args, ++i).toCharArray();
          case "--sec" -> sec = service(value(args, ++i));
          case "--gss-service" -> gssService = value(args, ++i);
          case "--keytab" -> keytab = Path.of(value(args, ++i));
          case "--principal" -> principal = value(args, ++i);
          case "--square5" -> program = Program.SQUARE5;
          case "--square9" -> program = Program.SQUARE9;
          case "--stay" -> stay = Duration.ofSeconds(stay(value(args, ++i)));
          default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
        }
      }
      if (trustStore != null) {
        // The portmapper is still asked in the clear; the square server is reached over TLS.
        KeyStore keys = keyStore == null ? null : TlsContexts.load(keyStore, storePassword);
        SSLContext context =
            TlsContexts.of(keys, storePassword, TlsContexts.load(trustStore, storePassword));
        factory =
            factory.withChannelOptions(
                ChannelOptions.DEFAULTS.withTls(TlsSettings.require(context)));
      }
      if (sec != null && gssService == null) {
        throw new IllegalArgumentException("--sec needs --gss-service");
      }
      if ((keytab == null) != (principal == null)) {
        throw new IllegalArgumentException("--keytab and --principal go together");
      }
    } catch (RuntimeException e) {
      err.println("square-client: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    if (sec != null) {
      try {
        useKrb5Config();
        GssLogin login =
            keytab != null
                ? GssLogin.keytab(principal, keytab)
                : GssLogin.ticketCache(ticketCache());
        // RPCSEC_GSS: the client makes a context of its own, and destroys it when closed.
        factory = factory.withGss(GssSettings.of(gssService, login, sec));
      } catch (SecurityException e) {
        err.println(e.getMessage());
        return 1;
      }
    }
    // clnt_create: ask HOST's portmapper where SQUARE_PROG version SQUARE_VERS listens.
    try (SquareProg.SquareVersClient client =
        SquareProg.SquareVersClient.create(factory, host, protocol)) {
      // Calls wait 25 s unless told otherwise: withTimeout is a configured copy, per client
      // (kept, as here) or per call (client.withTimeout(t).squareproc(in)).
      SquareProg.SquareVersClient configured =
          timeout == null ? client : client.withTimeout(timeout);
      if (program == Program.SQUARE5) {
        printControl(configured.rpcClient(), out);
      }
      out.println("result: " + configured.squareproc(new SquareIn(n)).res1());
      if (program == Program.SQUARE9) {
        out.println("result: " + configured.squareproc(new SquareIn(2 * n)).res1());
        InetSocketAddress local = configured.rpcClient().localAddress();
        out.println(
            "both calls from "
                + address(local)
                + " to "
                + address(configured.rpcClient().serverAddress())
                + " ("
                + protocol
                + ")");
        client.close();
        out.println(
            "client closed (clnt_destroy); pid "
                + ProcessHandle.current().pid()
                + " stays up: ss -tan '( sport = :"
                + local.getPort()
                + " )'");
        stayAlive(stay);
      }
      return 0;
    } catch (RpcException | SecurityException e) {
      err.println(e.getMessage());
      return 1;
    }
  }

  private static GssService service(String name) {
    return switch (name) {
      case "krb5" -> GssService.NONE;
      case "krb5i" -> GssService.INTEGRITY;
      case "krb5p" -> GssService.PRIVACY;
      default -> throw new IllegalArgumentException("--sec is krb5, krb5i or krb5p: " + name);
    };
  }

  /** MIT's tools read KRB5_CONFIG; the JDK reads java.security.krb5.conf. */
  static void useKrb5Config() {
    String config = System.getenv("KRB5_CONFIG");
    if (config != null && System.getProperty("java.security.krb5.conf") == null) {
      System.setProperty("java.security.krb5.conf", config);
    }
  }

  private static Path ticketCache() {
    String cache = System.getenv("KRB5CCNAME");
    if (cache == null) {
      throw new SecurityException("no --keytab and no KRB5CCNAME: no Kerberos credentials");
    }
    return Path.of(cache.startsWith("FILE:") ? cache.substring(5) : cache);
  }

  /** clnt_control's CLGET_TIMEOUT and CLGET_RETRY_TIMEOUT, which libtirpc's TCP client lacks. */
  private static void printControl(RpcClient control, PrintStream out) {
    out.println("timeout = " + control.timeout().toSeconds() + " s (CLGET_TIMEOUT)");
    out.println(
        control
            .retryInterval()
            .map(retry -> "retry interval = " + retry.toSeconds() + " s (CLGET_RETRY_TIMEOUT)")
            .orElse("no retry interval: TCP does not resend (CLGET_RETRY_TIMEOUT unsupported)"));
  }

  private static String address(InetSocketAddress a) {
    return a.getAddress().getHostAddress() + ":" + a.getPort();
  }

  /** Sleeps {@code stay}, or until the process is killed when it is null. */
  private static void stayAlive(Duration stay) {
    try {
      Thread.sleep(stay == null ? Long.MAX_VALUE : stay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException(args[i - 1] + " needs a value");
    }
    return args[i];
  }

  /** How long --square9 stays, in whole seconds: none at all is fine. */
  private static long stay(String value) {
    try {
      long seconds = Long.parseLong(value);
      if (seconds >= 0) {
        return seconds;
      }
    } catch (NumberFormatException e) {
      // Reported below, as a number that is not one of seconds.
    }
    throw new IllegalArgumentException("--stay needs a number of seconds, 0 or more: " + value);
  }

  /** A timeout in whole seconds: a call cannot wait for no time at all. */
  private static long seconds(String value) {
    try {
      long seconds = Long.parseLong(value);
      if (seconds > 0) {
        return seconds;
      }
    } catch (NumberFormatException e) {
      // Reported below, as a number that is not positive.
    }
    throw new IllegalArgumentException("--timeout needs a positive number of seconds: " + value);
  }
}
