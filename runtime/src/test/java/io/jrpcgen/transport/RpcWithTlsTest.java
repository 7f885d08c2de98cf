package io.jrpcgen.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.internal.rpc.CallHeader;
import io.jrpcgen.internal.rpc.Reply;
import io.jrpcgen.internal.rpc.RpcMessages;
import io.jrpcgen.internal.rpc.RpcWithTls;
import io.jrpcgen.internal.transport.PeerClosedException;
import io.jrpcgen.internal.transport.RecordMarking;
import io.jrpcgen.internal.transport.RecordReader;
import io.jrpcgen.rpc.AcceptStat;
import io.jrpcgen.rpc.AuthStat;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.rpc.RpcAuthException;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.rpc.RpcTimeoutException;
import io.jrpcgen.rpc.RpcTlsException;
import io.jrpcgen.server.CallContext;
import io.jrpcgen.server.Procedure;
import io.jrpcgen.server.ProgramDefinition;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.server.ServerTls;
import io.jrpcgen.server.TlsPeer;
import io.jrpcgen.testsupport.TestCertificates;
import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RPC-with-TLS (RFC 9289) end to end on loopback: the probe, TLS 1.3 with and without client
 * certificates, the client's policies, programs served only over TLS, and peers that misbehave.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RpcWithTlsTest {
  // Short waits, as tests have no reason for long ones: a test that fails (under a mutant, say)
  // fails in seconds instead of waiting out the 25 s defaults.
  private static final Duration SHORT = Duration.ofSeconds(3);
  private static final Duration CALL = Duration.ofSeconds(5);
  private static final int SOCKET_TIMEOUT_MS = 5_000;
  private static final int OTHER_PROGRAM = 0x31230001;

  @TempDir static Path dir;
  private static TestCertificates.Identity serverId;
  private static TestCertificates.Identity clientId;
  private static TestCertificates.Identity strangerId;
  private static TestCertificates.Identity expiredId;
  private static TestCertificates.Identity expiredIssuer;

  private final AtomicReference<CallContext> seen = new AtomicReference<>();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeAll
  static void certificates() throws Exception {
    serverId = TestCertificates.create(dir, "server", "ip:127.0.0.1,dns:localhost", null, 2);
    clientId = TestCertificates.create(dir, "client", "dns:client.example,ip:127.0.0.1", null, 2);
    strangerId = TestCertificates.create(dir, "stranger", "ip:127.0.0.1", null, 2);
    TestCertificates.Identity authority = TestCertificates.create(dir, "authority", null, null, 30);
    expiredId = TestCertificates.createSigned(dir, authority, "expired", "ip:127.0.0.1", "-10d", 1);
    expiredIssuer = authority;
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  @Test
  void tlsClientCallsTlsServerAndTheHandlerSeesTls() {
    RpcServer server = start(ServerTls.of(serverId.contextTrusting()));
    RpcClient client = client(server, TlsSettings.require(trusting(serverId)));

    assertThat(Square.square(client, 7)).isEqualTo(49);
    TlsPeer peer = seen.get().tlsPeer().orElseThrow();
    assertThat(peer.protocol()).isEqualTo("TLSv1.3");
    // AES-GCM, which the JDK runs on AES-NI/AVX intrinsics; its ChaCha20 has none on JDK 17 and
    // is an order of magnitude slower (README, RPC-with-TLS).
    assertThat(peer.cipherSuite()).isEqualTo("TLS_AES_256_GCM_SHA384");
    assertThat(peer.certificates()).isEmpty();
    assertThat(peer.subject()).isEmpty();
    assertThat(peer.subjectAlternativeNames()).isEmpty();
    assertThat(((TcpChannel) client.channel()).localAddress()).isNotNull();
  }

  @Test
  void mutualTlsGivesTheHandlerTheClientsVerifiedIdentity() {
    RpcServer server =
        start(
            ServerTls.of(serverId.contextTrusting(clientId))
                .withClientAuth(ServerTls.ClientAuth.NEED));
    RpcClient client = client(server, TlsSettings.require(clientId.contextTrusting(serverId)));

    assertThat(Square.square(client, 3)).isEqualTo(9);
    TlsPeer peer = seen.get().tlsPeer().orElseThrow();
    assertThat(peer.subject().orElseThrow().getName()).isEqualTo("CN=client");
    assertThat(peer.subjectAlternativeNames()).containsExactly("client.example", "127.0.0.1");
    assertThat(peer.certificates())
        .containsExactly((java.security.cert.X509Certificate) clientId.certificate());
  }

  @Test
  void aWantedClientCertificateIsTakenWhenOfferedAndNotRequired() {
    RpcServer server =
        start(
            ServerTls.of(serverId.contextTrusting(clientId))
                .withClientAuth(ServerTls.ClientAuth.WANT));
    RpcClient anonymous = client(server, TlsSettings.require(trusting(serverId)));
    assertThat(Square.square(anonymous, 2)).isEqualTo(4);
    assertThat(seen.get().tlsPeer().orElseThrow().certificates()).isEmpty();
    RpcClient identified = client(server, TlsSettings.require(clientId.contextTrusting(serverId)));
    assertThat(Square.square(identified, 3)).isEqualTo(9);
    assertThat(seen.get().tlsPeer().orElseThrow().subject().orElseThrow().getName())
        .isEqualTo("CN=client");
  }

  @Test
  void mutualTlsRefusesAClientWithoutCertificateAndKeepsServing() {
    RpcServer server =
        start(
            ServerTls.of(serverId.contextTrusting(clientId))
                .withClientAuth(ServerTls.ClientAuth.NEED));
    // TLS 1.3 reports a refused client certificate after the client's handshake has finished:
    // the first call then fails.
    assertThatThrownBy(
            () -> {
              RpcClient anonymous = client(server, TlsSettings.require(trusting(serverId)));
              Square.square(anonymous, 2);
            })
        .isInstanceOf(RpcException.class);
    RpcClient good = client(server, TlsSettings.require(clientId.contextTrusting(serverId)));
    assertThat(Square.square(good, 4)).isEqualTo(16);
  }

  @Test
  void requiredTlsAgainstAPlainServerFailsClearly() {
    RpcServer server = start(null);
    assertThatThrownBy(() -> client(server, TlsSettings.require(trusting(serverId))))
        .isInstanceOf(RpcTlsException.class)
        .hasMessageContaining("RPC: Authentication error")
        .hasMessageContaining("did not accept the AUTH_TLS probe")
        .hasMessageContaining("AUTH_BADCRED");
    assertThat(Square.square(plainClient(server), 5)).isEqualTo(25);
  }

  @Test
  void opportunisticTlsAgainstAPlainServerGoesOnInTheClear() {
    RpcServer server = start(null);
    RpcClient client = client(server, TlsSettings.opportunistic(trusting(serverId)));

    assertThat(Square.square(client, 6)).isEqualTo(36);
    assertThat(seen.get().tlsPeer()).isEmpty();
  }

  @Test
  void opportunisticTlsAgainstATlsServerUsesTls() {
    RpcServer server = start(ServerTls.of(serverId.contextTrusting()));
    RpcClient client = client(server, TlsSettings.opportunistic(trusting(serverId)));

    assertThat(Square.square(client, 6)).isEqualTo(36);
    assertThat(seen.get().tlsPeer()).isPresent();
  }

  @Test
  void plainCallToATlsOnlyProgramIsAuthTooWeakWhileOtherProgramsStayPlain() {
    RpcServer server =
        start(ServerTls.of(serverId.contextTrusting()).requireTlsFor(Square.PROGRAM));
    RpcClient plain = plainClient(server);

    assertThatThrownBy(() -> Square.square(plain, 2))
        .isInstanceOfSatisfying(
            RpcAuthException.class, e -> assertThat(e.authStat()).isEqualTo(AuthStat.AUTH_TOOWEAK));
    assertThatThrownBy(plain::ping).isInstanceOf(RpcAuthException.class);
    assertThat(seen.get()).isNull();
    RpcClient other = RpcClient.create(plain.channel(), OTHER_PROGRAM, Square.VERSION);
    other.ping();
    RpcClient secured = client(server, TlsSettings.require(trusting(serverId)));
    assertThat(Square.square(secured, 8)).isEqualTo(64);
  }

  @Test
  void probeInsideTlsOrOnAnotherProcedureIsAuthBadCred() throws Exception {
    RpcServer server = start(ServerTls.of(serverId.contextTrusting()));
    RpcClient secured = client(server, TlsSettings.require(trusting(serverId)));
    RpcClient probeAgain = secured.withCredential(RpcWithTls.PROBE_CREDENTIAL);
    assertThatThrownBy(probeAgain::ping)
        .isInstanceOfSatisfying(
            RpcAuthException.class, e -> assertThat(e.authStat()).isEqualTo(AuthStat.AUTH_BADCRED));
    RpcClient plain = plainClient(server).withCredential(RpcWithTls.PROBE_CREDENTIAL);
    assertThatThrownBy(() -> Square.square(plain, 1))
        .isInstanceOfSatisfying(
            RpcAuthException.class, e -> assertThat(e.authStat()).isEqualTo(AuthStat.AUTH_BADCRED));
  }

  @Test
  void serverAnswersTheProbeWithStartTlsOnTheWire() throws Exception {
    RpcServer server = start(ServerTls.of(serverId.contextTrusting()));
    try (Socket s = new Socket(Square.LOOPBACK, server.tcpPort())) {
      s.setSoTimeout(SOCKET_TIMEOUT_MS);
      writeRecord(
          s.getOutputStream(),
          out ->
              RpcMessages.writeCall(out, RpcWithTls.probe(0x51, Square.PROGRAM, Square.VERSION)));
      Reply reply =
          RpcMessages.readReply(new RecordReader(s.getInputStream(), 1 << 16).read().decoder());
      assertThat(reply).isEqualTo(new Reply.Success(0x51, RpcWithTls.STARTTLS));
      assertThat(RpcWithTls.STARTTLS.body().toString()).contains("5354415254544c53");
    }
  }

  @Test
  void messagesThatAreNotCallsNeverStartTls() throws Exception {
    RpcServer server = start(ServerTls.of(serverId.contextTrusting()));
    // A reply (message type 1) and a record too short to hold a message: whatever becomes of
    // them (dropped, or the connection closed), neither is answered as the AUTH_TLS probe.
    for (byte[] message : List.of(new byte[] {0, 0, 0, 9, 0, 0, 0, 1}, new byte[] {7, 7})) {
      try (Socket s = new Socket(Square.LOOPBACK, server.tcpPort())) {
        s.setSoTimeout(1_000);
        writeRecord(s.getOutputStream(), out -> out.writeRaw(message, 0, message.length));
        RecordReader reader = new RecordReader(s.getInputStream(), 1 << 16);
        try {
          Reply reply = RpcMessages.readReply(reader.read().decoder());
          assertThat(RpcWithTls.acceptsProbe(reply)).as("answered as a probe: %s", reply).isFalse();
        } catch (PeerClosedException | java.net.SocketTimeoutException noAnswer) {
          // Closed as garbage, or dropped: not a probe either.
        }
      }
    }
  }

  @Test
  void untrustedServerCertificateFailsTheHandshakeClearly() {
    RpcServer server = start(ServerTls.of(strangerId.contextTrusting()));
    assertThatThrownBy(() -> client(server, TlsSettings.require(trusting(serverId))))
        .isInstanceOf(RpcTlsException.class)
        .hasMessageContaining("TLS handshake failed");
    assertThat(Square.square(client(server, TlsSettings.require(trusting(strangerId))), 3))
        .isEqualTo(9);
  }

  @Test
  void expiredServerCertificateFailsTheHandshakeClearly() {
    RpcServer server = start(ServerTls.of(expiredId.contextTrusting()));
    assertThatThrownBy(() -> client(server, TlsSettings.require(trusting(expiredIssuer))))
        .isInstanceOf(RpcTlsException.class)
        .hasMessageContaining("TLS handshake failed")
        .hasStackTraceContaining("CertificateExpiredException");
  }

  @Test
  void certificateForAnotherHostFailsUnlessTheHostCheckIsOff() throws Exception {
    TestCertificates.Identity elsewhere =
        TestCertificates.create(dir, "elsewhere", "dns:elsewhere.example", null, 2);
    RpcServer server = start(ServerTls.of(elsewhere.contextTrusting()));
    assertThatThrownBy(() -> client(server, TlsSettings.require(trusting(elsewhere))))
        .isInstanceOf(RpcTlsException.class);
    RpcClient lax = client(server, TlsSettings.require(trusting(elsewhere)).withoutHostnameCheck());
    assertThat(Square.square(lax, 11)).isEqualTo(121);
  }

  @Test
  void handshakeThatStallsEndsAtTheConnectTimeout() throws Exception {
    try (FakePeer peer =
        new FakePeer(
            s -> {
              answerProbe(s);
              s.getInputStream().readAllBytes(); // never answers the ClientHello
            })) {
      ChannelOptions options =
          ChannelOptions.DEFAULTS
              .withConnectTimeout(SHORT)
              .withTls(TlsSettings.require(trusting(serverId)));
      assertThatThrownBy(() -> TcpChannel.connect(peer.address(), options))
          .isInstanceOf(RpcTimeoutException.class);
    }
  }

  @Test
  void probeReplyThatNeverComesEndsAtTheConnectTimeout() throws Exception {
    try (FakePeer peer = new FakePeer(s -> s.getInputStream().readAllBytes())) {
      ChannelOptions options =
          ChannelOptions.DEFAULTS
              .withConnectTimeout(SHORT)
              .withTls(TlsSettings.require(trusting(serverId)));
      assertThatThrownBy(() -> TcpChannel.connect(peer.address(), options))
          .isInstanceOf(RpcTimeoutException.class);
    }
  }

  @Test
  void garbageInsteadOfAServerHelloFailsTheHandshakeClearly() throws Exception {
    try (FakePeer peer =
        new FakePeer(
            s -> {
              answerProbe(s);
              s.getInputStream().read(); // the ClientHello has begun
              s.getOutputStream()
                  .write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
              s.getInputStream().readAllBytes();
            })) {
      assertThatThrownBy(
              () ->
                  TcpChannel.connect(
                      peer.address(), shortConnect(TlsSettings.require(trusting(serverId)))))
          .isInstanceOf(RpcTlsException.class)
          .hasMessageContaining("TLS handshake failed");
    }
  }

  @Test
  void bytesRightAfterTheStartTlsReplyAreRefusedBeforeAnyHandshake() throws Exception {
    try (FakePeer peer =
        new FakePeer(
            s -> {
              answerProbe(s, new byte[] {1, 2, 3, 4});
              s.getInputStream().readAllBytes();
            })) {
      assertThatThrownBy(
              () ->
                  TcpChannel.connect(
                      peer.address(), shortConnect(TlsSettings.require(trusting(serverId)))))
          .isInstanceOf(RpcTlsException.class)
          .hasMessageContaining("unexpected bytes after the AUTH_TLS probe's reply");
    }
  }

  @Test
  void serverDropsAClientThatSendsGarbageOrStallsAfterTheProbeAndKeepsServing() throws Exception {
    RpcServer server =
        RpcServer.builder()
            .bindAddress(Square.LOOPBACK)
            .program(Square.program())
            .tcp(0)
            .recordTimeout(SHORT)
            .tls(ServerTls.of(serverId.contextTrusting()))
            .start();
    toClose.add(server);
    try (Socket garbage = probedSocket(server);
        Socket stalled = probedSocket(server)) {
      garbage.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x7f, (byte) 0xff, 1, 2, 3});
      garbage.getOutputStream().write(new byte[300]);
      assertThat(drain(garbage.getInputStream())).isNotNull();
      // The stalled one is closed by the record timeout: its read ends instead of blocking.
      assertThat(drain(stalled.getInputStream())).isNotNull();
    }
    assertThat(Square.square(client(server, TlsSettings.require(trusting(serverId))), 12))
        .isEqualTo(144);
  }

  @Test
  void pipelinedCallsFromManyThreadsShareOneTlsConnection() throws Exception {
    RpcServer server = start(ServerTls.of(serverId.contextTrusting()));
    RpcClient client = client(server, TlsSettings.require(trusting(serverId)));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int base = t * 1000;
        results.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 200; i++) {
                    int n = base + i;
                    if (Square.square(client, n) != n * n) {
                      return false;
                    }
                  }
                  return true;
                }));
      }
      for (Future<Boolean> f : results) {
        assertThat(f.get(60, TimeUnit.SECONDS)).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(server.connectionCount()).isEqualTo(1);
  }

  /**
   * ntirpc #369: two replies arriving in one TLS record must both reach their callers, although the
   * socket has nothing more to read once the record is decrypted.
   */
  @Test
  void repliesSharingOneTlsRecordAreBothDelivered() throws Exception {
    SSLContext serverContext = serverId.contextTrusting();
    try (FakePeer peer =
        new FakePeer(
            s -> {
              answerProbe(s);
              SSLSocket tls = serverSide(serverContext, s, true);
              RecordReader reader = new RecordReader(tls.getInputStream(), 1 << 16);
              ByteArrayOutputStream both = new ByteArrayOutputStream();
              for (int i = 0; i < 2; i++) {
                XdrDecoder in = reader.read().decoder();
                CallHeader call = RawRpc.readSquareCall(in);
                XdrEncoder reply = RawRpc.squareReply(call.xid(), OpaqueAuth.NONE, in.readInt());
                both.write(recordOf(reply));
              }
              tls.getOutputStream().write(both.toByteArray()); // one write: one TLS record
              tls.getInputStream().read(); // keeps the connection open, silent
            })) {
      RpcClient client =
          RpcClient.create(
                  TcpChannel.connect(
                      peer.address(), shortConnect(TlsSettings.require(trusting(serverId)))),
                  Square.PROGRAM,
                  Square.VERSION)
              .withTimeout(CALL);
      toClose.add(client);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        Future<Integer> a = pool.submit(() -> Square.square(client, 2));
        Future<Integer> b = pool.submit(() -> Square.square(client, 3));
        assertThat(a.get(20, TimeUnit.SECONDS) + b.get(20, TimeUnit.SECONDS)).isEqualTo(13);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void serverWithoutAlpnIsRefusedUnlessTheCheckIsOff() throws Exception {
    SSLContext serverContext = serverId.contextTrusting();
    for (boolean check : new boolean[] {true, false}) {
      try (FakePeer peer =
          new FakePeer(
              s -> {
                answerProbe(s);
                SSLSocket tls = serverSide(serverContext, s, false);
                RecordReader reader = new RecordReader(tls.getInputStream(), 1 << 16);
                XdrDecoder in = reader.read().decoder();
                CallHeader call = RawRpc.readSquareCall(in);
                tls.getOutputStream()
                    .write(recordOf(RawRpc.squareReply(call.xid(), OpaqueAuth.NONE, in.readInt())));
                tls.getInputStream().read();
              })) {
        TlsSettings settings = TlsSettings.require(trusting(serverId));
        if (check) {
          assertThatThrownBy(() -> TcpChannel.connect(peer.address(), shortConnect(settings)))
              .isInstanceOf(RpcTlsException.class)
              .hasMessageContaining("did not negotiate ALPN \"sunrpc\" (RFC 9289 §5)");
        } else {
          TcpChannel channel =
              TcpChannel.connect(peer.address(), shortConnect(settings.withoutAlpnCheck()));
          toClose.add(channel);
          RpcClient client = RpcClient.create(channel, Square.PROGRAM, Square.VERSION);
          assertThat(Square.square(client, 5)).isEqualTo(25);
        }
      }
    }
  }

  @Test
  void udpChannelRefusesTlsNamingDtls() {
    ChannelOptions options =
        ChannelOptions.DEFAULTS.withTls(TlsSettings.require(trusting(serverId)));
    assertThatThrownBy(() -> UdpChannel.open(new InetSocketAddress(Square.LOOPBACK, 9), options))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("DTLS")
        .hasMessageContaining("TLS over TCP only");
  }

  @Test
  void factoryAskedForUdpWithTlsFailsNamingDtlsBeforeAnyLookup() throws Exception {
    // A portmapper that never answers: a lookup would wait out the factory's timeout and then
    // blame the portmapper, hiding that TLS over UDP cannot work anyway.
    try (java.net.DatagramSocket silent =
        new java.net.DatagramSocket(new InetSocketAddress(Square.LOOPBACK, 0))) {
      io.jrpcgen.client.RpcClientFactory factory =
          io.jrpcgen.client.RpcClientFactory.DEFAULT
              .withPortmapperPort(silent.getLocalPort())
              .withLookupTimeout(CALL)
              .withChannelOptions(
                  ChannelOptions.DEFAULTS.withTls(TlsSettings.require(trusting(serverId))));
      assertThatThrownBy(
              () -> factory.client(Square.LOOPBACK.getHostAddress(), Square.PROGRAM, 1, "udp"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("DTLS")
          .hasMessageContaining("TLS over TCP only");
    }
  }

  @Test
  void aLargeCallAndAFlushedBatchLeaveWholeOverTls() throws Exception {
    XdrCodec<Opaque> blob = XdrCodec.opaque(XdrCodec.UNBOUNDED);
    AtomicInteger batched = new AtomicInteger();
    RpcServer server =
        RpcServer.builder()
            .bindAddress(Square.LOOPBACK)
            .program(
                ProgramDefinition.builder(Square.PROGRAM, Square.VERSION)
                    .procedure(
                        Procedure.of(4, "LENGTH", blob, XdrCodec.INT, (call, v) -> v.length()))
                    .procedure(
                        Procedure.oneWay(5, "ADD", XdrCodec.INT, (call, n) -> batched.addAndGet(n)))
                    .build())
            .tcp(0)
            .tls(ServerTls.of(serverId.contextTrusting()))
            .start();
    toClose.add(server);
    RpcClient client = client(server, TlsSettings.require(trusting(serverId)));
    // Written from the opaque's own array; TLS holds its last bytes until the flush that ends it.
    assertThat(client.call(4, blob, Opaque.copyOf(new byte[1 << 20]), XdrCodec.INT))
        .isEqualTo(1 << 20);
    client.callBatched(5, XdrCodec.INT, 3);
    client.flush();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (batched.get() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(batched.get()).as("the flushed batch reached the server").isEqualTo(3);
  }

  // ---- helpers ----

  private static SSLContext trusting(TestCertificates.Identity identity) {
    return TlsContexts.of(null, null, TestCertificates.trustStore(identity));
  }

  private RpcServer start(ServerTls tls) {
    ProgramDefinition square =
        Square.program(
            (call, in) -> {
              seen.set(call);
              return new Square.Out(in.arg1() * in.arg1());
            });
    RpcServer.Builder b =
        RpcServer.builder()
            .bindAddress(Square.LOOPBACK)
            .program(square)
            .program(ProgramDefinition.builder(OTHER_PROGRAM, Square.VERSION).build())
            .tcp(0);
    if (tls != null) {
      b.tls(tls);
    }
    RpcServer server = b.start();
    toClose.add(server);
    return server;
  }

  private RpcClient client(RpcServer server, TlsSettings tls) {
    TcpChannel channel =
        TcpChannel.connect(
            new InetSocketAddress(Square.LOOPBACK, server.tcpPort()), shortConnect(tls));
    toClose.add(channel);
    return RpcClient.create(channel, Square.PROGRAM, Square.VERSION).withTimeout(CALL);
  }

  private RpcClient plainClient(RpcServer server) {
    TcpChannel channel =
        TcpChannel.connect(
            new InetSocketAddress(Square.LOOPBACK, server.tcpPort()),
            ChannelOptions.DEFAULTS.withConnectTimeout(SHORT));
    toClose.add(channel);
    return RpcClient.create(channel, Square.PROGRAM, Square.VERSION).withTimeout(CALL);
  }

  private static ChannelOptions shortConnect(TlsSettings tls) {
    return ChannelOptions.DEFAULTS.withConnectTimeout(SHORT).withTls(tls);
  }

  private static Socket probedSocket(RpcServer server) throws IOException {
    Socket s = new Socket(Square.LOOPBACK, server.tcpPort());
    s.setSoTimeout(SOCKET_TIMEOUT_MS);
    writeRecord(
        s.getOutputStream(),
        out -> RpcMessages.writeCall(out, RpcWithTls.probe(0x77, Square.PROGRAM, Square.VERSION)));
    Reply reply =
        RpcMessages.readReply(new RecordReader(s.getInputStream(), 1 << 16).read().decoder());
    assertThat(RpcWithTls.acceptsProbe(reply)).isTrue();
    return s;
  }

  /** Reads until the peer closes; returns what came (a TLS alert, or nothing). */
  private static byte[] drain(InputStream in) throws IOException {
    try {
      return in.readAllBytes();
    } catch (java.net.SocketException e) {
      return new byte[0]; // reset by the peer: closed as well
    }
  }

  private interface Encoding {
    void encode(XdrEncoder out);
  }

  private static void writeRecord(OutputStream stream, Encoding encoding) throws IOException {
    XdrEncoder out = new XdrEncoder(128);
    RecordMarking.begin(out);
    encoding.encode(out);
    RecordMarking.write(stream, out, RecordMarking.MAX_FRAGMENT);
  }

  private static byte[] recordOf(XdrEncoder message) {
    XdrEncoder out = new XdrEncoder(message.position() + 4);
    RecordMarking.begin(out);
    out.writeRaw(message.array(), 0, message.position());
    XdrEncoder framed = RecordMarking.frame(out, RecordMarking.MAX_FRAGMENT);
    return java.util.Arrays.copyOf(framed.array(), framed.position());
  }

  /** Reads the probe from {@code s} and answers it with STARTTLS. */
  private static void answerProbe(Socket s) throws IOException {
    answerProbe(s, new byte[0]);
  }

  /** Reads the probe and answers it with STARTTLS followed, in the same write, by {@code tail}. */
  private static void answerProbe(Socket s, byte[] tail) throws IOException {
    RecordReader reader = new RecordReader(s.getInputStream(), 1 << 16);
    XdrDecoder in = reader.read().decoder();
    int xid = in.readInt();
    in.readInt();
    in.readInt();
    assertThat(RpcWithTls.isProbe(RpcMessages.readCallBody(xid, in))).isTrue();
    ByteArrayOutputStream reply = new ByteArrayOutputStream();
    writeRecord(
        reply, out -> RpcMessages.writeAccepted(out, xid, RpcWithTls.STARTTLS, AcceptStat.SUCCESS));
    reply.write(tail);
    s.getOutputStream().write(reply.toByteArray());
  }

  private static SSLSocket serverSide(SSLContext context, Socket s, boolean alpn)
      throws IOException {
    SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(s, null, s.getPort(), true);
    tls.setUseClientMode(false);
    if (alpn) {
      tls.setSSLParameters(RpcWithTls.restrict(tls.getSSLParameters()));
    }
    tls.startHandshake();
    return tls;
  }

  private interface PeerScript {
    void run(Socket s) throws Exception;
  }

  /** A one-connection TCP peer that follows a script, stopped (and its socket closed) on close. */
  private static final class FakePeer implements AutoCloseable {
    private final ServerSocket listener = new ServerSocket(0, 1, Square.LOOPBACK);
    private final Thread thread;
    private volatile Socket accepted;

    FakePeer(PeerScript script) throws IOException {
      thread =
          new Thread(
              () -> {
                try (Socket s = listener.accept()) {
                  accepted = s;
                  script.run(s);
                } catch (Exception e) {
                  // The client gave up or the test closed the peer: the script ends.
                }
              },
              "fake-tls-peer");
      thread.setDaemon(true);
      thread.start();
    }

    InetSocketAddress address() {
      return new InetSocketAddress(Square.LOOPBACK, listener.getLocalPort());
    }

    @Override
    public void close() throws Exception {
      listener.close();
      Socket s = accepted;
      if (s != null) {
        s.close();
      }
      thread.join(10_000);
    }
  }
}
