package io.jrpcgen.samples.square;

import io.jrpcgen.client.RpcClientFactory;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.transport.ChannelOptions;
import io.jrpcgen.transport.TlsContexts;
import io.jrpcgen.transport.TlsSettings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * The square client: {@code square-client HOST N [tcp|udp] [--timeout SECONDS]
 * [--portmapper-port N] [--tls TRUSTSTORE [--storepass PASSWORD] [--cert KEYSTORE]]}. Finds the
 * server through HOST's portmapper, as {@code clnt_create} does, and prints {@code result: N*N};
 * on failure prints the {@code clnt_sperror}-style message and exits 1. With {@code --tls} the
 * call goes over RPC-with-TLS (RFC 9289), trusting the certificates in TRUSTSTORE (PKCS12), and
 * fails if the server does not offer TLS; {@code --cert} presents a client certificate.
 */
public final class SquareClient {
  private static final String USAGE =
      "usage: square-client HOST N [tcp|udp] [--timeout SECONDS] [--portmapper-port N]"
          + " [--tls TRUSTSTORE [--storepass PASSWORD] [--cert KEYSTORE]]";

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
          default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
        }
      }
      if (trustStore != null) {
        // The portmapper is still asked in the clear; the square server is reached over TLS.
        KeyStore keys = keyStore == null ? null : TlsContexts.load(keyStore, storePassword);
        SSLContext context =
            TlsContexts.of(keys, storePassword, TlsContexts.load(trustStore, storePassword));
        factory = factory.withChannelOptions(
            ChannelOptions.DEFAULTS.withTls(TlsSettings.require(context)));
      }
    } catch (RuntimeException e) {
      err.println("square-client: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    // clnt_create: ask HOST's portmapper where SQUARE_PROG version SQUARE_VERS listens.
    try (SquareProg.SquareVersClient client =
        SquareProg.SquareVersClient.create(factory, host, protocol)) {
      // Calls wait 25 s unless told otherwise: withTimeout is a configured copy, per client
      // (kept, as here) or per call (client.withTimeout(t).squareproc(in)).
      SquareProg.SquareVersClient configured =
          timeout == null ? client : client.withTimeout(timeout);
      out.println("result: " + configured.squareproc(new SquareIn(n)).res1());
      return 0;
    } catch (RpcException e) {
      err.println(e.getMessage());
      return 1;
    }
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException(args[i - 1] + " needs a value");
    }
    return args[i];
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
