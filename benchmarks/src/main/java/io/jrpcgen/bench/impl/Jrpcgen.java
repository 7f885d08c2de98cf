package io.jrpcgen.bench.impl;

import io.jrpcgen.bench.gen.EchoProg;
import io.jrpcgen.bench.gen.SquareIn;
import io.jrpcgen.bench.gen.SquareOut;
import io.jrpcgen.bench.gen.SquareProg;
import io.jrpcgen.bench.load.AsyncLoad;
import io.jrpcgen.bench.load.BlockingLoadClient;
import io.jrpcgen.bench.load.LoadClient;
import io.jrpcgen.bench.load.Sample;
import io.jrpcgen.bench.load.Timing;
import io.jrpcgen.bench.load.Workload;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.server.ServerTls;
import io.jrpcgen.transport.ChannelOptions;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.transport.TcpChannel;
import io.jrpcgen.transport.TlsContexts;
import io.jrpcgen.transport.TlsSettings;
import io.jrpcgen.transport.UdpChannel;
import io.jrpcgen.xdr.Opaque;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * jrpcgen's side: generated stubs on the runtime's channels, and an {@code RpcServer}; in the
 * clear, or over RPC-with-TLS (RFC 9289) with a throwaway self-signed certificate.
 */
public final class Jrpcgen {
  /** The system property naming the TLS server's key store. */
  public static final String KEY_STORE_PROPERTY = "jrpcgen.bench.keystore";

  // As the C client's: a lost datagram costs a second, not the default 15 s.
  private static final Duration UDP_RETRY = Duration.ofSeconds(1);
  private static final char[] PASSWORD = "changeit".toCharArray();
  private static final String ALIAS = "bench";

  private Jrpcgen() {}

  /** Starts a server of both programs on one loopback port, TCP and UDP. */
  public static BenchServer startServer() {
    return start(null);
  }

  /** As {@link #startServer()}, offering TLS with the key in {@code keyStore}. */
  public static BenchServer startTlsServer(Path keyStore) {
    return start(
        ServerTls.of(TlsContexts.of(TlsContexts.load(keyStore, PASSWORD), PASSWORD, null)));
  }

  /** Makes a self-signed certificate for 127.0.0.1 with {@code keytool}, in {@code dir}. */
  public static Path makeKeyStore(Path dir) throws IOException, InterruptedException {
    Path file = dir.resolve("bench-tls.p12");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                ALIAS,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "SAN=ip:127.0.0.1",
                "-validity",
                "2",
                "-keystore",
                file.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                new String(PASSWORD))
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException("keytool failed: " + output);
    }
    return file;
  }

  /** Client settings that require TLS and trust only the certificate in {@code keyStore}. */
  public static TlsSettings clientTls(Path keyStore) throws GeneralSecurityException, IOException {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry(ALIAS, TlsContexts.load(keyStore, PASSWORD).getCertificate(ALIAS));
    return TlsSettings.require(TlsContexts.of(null, null, trust));
  }

  private static BenchServer start(ServerTls tls) {
    RpcServer.Builder builder =
        RpcServer.builder()
            .program(SquareProg.bindSquareVers(in -> new SquareOut(in.arg1() * in.arg1())))
            .program(EchoProg.bindEchoVers(data -> data))
            .bindAddress(InetAddress.getLoopbackAddress())
            .port(0);
    if (tls != null) {
      builder.tls(tls);
    }
    RpcServer server = builder.start();
    return new BenchServer() {
      @Override
      public int tcpPort() {
        return server.tcpPort();
      }

      @Override
      public int udpPort() {
        return server.udpPort();
      }

      @Override
      public void close() {
        server.close();
      }
    };
  }

  /**
   * The generated clients; a shared connection is one client used by every thread. With TLS
   * settings, TCP only.
   */
  public static final class Client extends BlockingLoadClient {
    private final ChannelOptions options;

    /** A client in the clear. */
    public Client() {
      this(null);
    }

    /** A client over RPC-with-TLS with {@code tls}, or in the clear if it is null. */
    public Client(TlsSettings tls) {
      this.options = ChannelOptions.DEFAULTS.withTls(tls);
    }

    @Override
    public boolean supports(Workload workload) {
      return workload.kind() != Workload.Kind.BULK
          && (options.tls() == null || workload.transport() == Workload.Transport.TCP);
    }

    @Override
    protected Connection open(Workload workload, InetSocketAddress server) {
      if (workload.kind() == Workload.Kind.CONNECT) {
        // Each call opens its own connection: the connection it is given holds nothing.
        return Connection.of(
            seq -> {
              try (SquareProg.SquareVersClient client =
                  SquareProg.SquareVersClient.create(TcpChannel.connect(server, options))) {
                client.rpcClient().ping();
                return true;
              }
            },
            () -> {});
      }
      RpcChannel channel =
          workload.transport() == Workload.Transport.TCP
              ? TcpChannel.connect(server, options)
              : UdpChannel.open(server, options);
      if (workload.kind() == Workload.Kind.SQUARE) {
        SquareProg.SquareVersClient client =
            SquareProg.SquareVersClient.create(channel).withRetryInterval(UDP_RETRY);
        return Connection.of(
            seq -> {
              int n = Payloads.squareArg(seq);
              return client.squareproc(new SquareIn(n)).res1() == n * n;
            },
            client);
      }
      EchoProg.EchoVersClient client = EchoProg.EchoVersClient.create(channel);
      Opaque payload = Opaque.copyOf(Payloads.of(workload.payload()));
      return Connection.of(seq -> client.echoproc(payload).length() == payload.length(), client);
    }
  }

  /**
   * The generated clients' asynchronous forms: each caller keeps one call in flight and starts the
   * next from the completion of the last, on the given executor (null: the client's default); a
   * shared connection is one client used by every caller.
   */
  public static final class AsyncClient implements LoadClient {
    private final Executor completions;

    /** Completes calls on {@code completions}, or on the client's default executor if null. */
    public AsyncClient(Executor completions) {
      this.completions = completions;
    }

    @Override
    public boolean supports(Workload workload) {
      return workload.kind() == Workload.Kind.SQUARE || workload.kind() == Workload.Kind.ECHO;
    }

    @Override
    public Sample run(Workload workload, InetSocketAddress server, Timing timing) throws Exception {
      List<RpcChannel> channels = new ArrayList<>();
      try {
        List<AsyncLoad.AsyncCaller> callers = new ArrayList<>();
        for (int i = 0; i < workload.threads(); i++) {
          if (channels.isEmpty() || workload.sharing() == Workload.Sharing.OWN) {
            channels.add(
                workload.transport() == Workload.Transport.TCP
                    ? TcpChannel.connect(server, ChannelOptions.DEFAULTS)
                    : UdpChannel.open(server, ChannelOptions.DEFAULTS));
          }
          callers.add(caller(workload, channels.get(channels.size() - 1), completions));
        }
        return AsyncLoad.run(callers, timing);
      } finally {
        channels.forEach(RpcChannel::close);
      }
    }

    private static AsyncLoad.AsyncCaller caller(
        Workload workload, RpcChannel channel, Executor completions) {
      if (workload.kind() == Workload.Kind.SQUARE) {
        SquareProg.SquareVersClient created =
            SquareProg.SquareVersClient.create(channel).withRetryInterval(UDP_RETRY);
        SquareProg.SquareVersClient client =
            completions == null ? created : created.withExecutor(completions);
        return (seq, done) -> {
          int n = Payloads.squareArg(seq);
          client
              .squareprocAsync(new SquareIn(n))
              .whenComplete((out, e) -> done.accept(e == null && out.res1() == n * n));
        };
      }
      EchoProg.EchoVersClient created = EchoProg.EchoVersClient.create(channel);
      EchoProg.EchoVersClient client =
          completions == null ? created : created.withExecutor(completions);
      Opaque payload = Opaque.copyOf(Payloads.of(workload.payload()));
      return (seq, done) ->
          client
              .echoprocAsync(payload)
              .whenComplete((out, e) -> done.accept(e == null && out.length() == payload.length()));
    }
  }
}
