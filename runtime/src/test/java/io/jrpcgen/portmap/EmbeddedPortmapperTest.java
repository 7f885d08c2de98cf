package io.jrpcgen.portmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.client.RpcClientFactory;
import io.jrpcgen.rpc.AuthStat;
import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.rpc.RpcAuthException;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.rpc.RpcMismatchException;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.rpc.RpcTimeoutException;
import io.jrpcgen.server.Procedure;
import io.jrpcgen.server.ProgramDefinition;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.testsupport.CapturedLog;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.xdr.XdrCodec;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The embedded portmapper on 127.0.0.1 and an ephemeral port, with Java servers and clients. */
class EmbeddedPortmapperTest {
  static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  static final int PROG = 0x2000_0a01;
  static final int SQUARE = 1;
  static final Duration WAIT = Duration.ofSeconds(5);
  static final CallOptions SHORT =
      CallOptions.DEFAULTS
          .withTimeout(Duration.ofSeconds(3))
          .withRetryInterval(Duration.ofMillis(500));

  private EmbeddedPortmapper portmapper;
  private final List<AutoCloseable> closeAfter = new ArrayList<>();

  @BeforeEach
  void startPortmapper() {
    portmapper = EmbeddedPortmapper.builder().bindAddress(LOOPBACK).port(0).start();
  }

  @AfterEach
  void stopEverything() throws Exception {
    for (AutoCloseable c : closeAfter) {
      c.close();
    }
    portmapper.close();
  }

  /** Program {@code program} version {@code version}: procedure 1 squares an int. */
  static ProgramDefinition square(int program, int version) {
    return ProgramDefinition.builder(program, version)
        .procedure(Procedure.of(SQUARE, "SQUARE", XdrCodec.INT, XdrCodec.INT, (c, n) -> n * n))
        .build();
  }

  private RpcServer registeredServer(ProgramDefinition... programs) {
    RpcServer.Builder b =
        RpcServer.builder()
            .bindAddress(LOOPBACK)
            .port(0)
            .registrar(PortmapRegistrar.at(portmapper.localAddress()));
    for (ProgramDefinition p : programs) {
      b.program(p);
    }
    RpcServer server = b.start();
    closeAfter.add(server);
    return server;
  }

  private PortmapperClient pmap(boolean tcp) {
    RpcChannel channel =
        tcp ? RpcChannel.tcp(portmapper.localAddress()) : RpcChannel.udp(portmapper.localAddress());
    PortmapperClient client = PortmapperClient.create(channel, SHORT);
    closeAfter.add(client);
    return client;
  }

  private RpcbindClient rpcbind(boolean tcp, int version) {
    RpcChannel channel =
        tcp ? RpcChannel.tcp(portmapper.localAddress()) : RpcChannel.udp(portmapper.localAddress());
    RpcbindClient client = RpcbindClient.create(channel, version, SHORT);
    closeAfter.add(client);
    return client;
  }

  private RpcClientFactory factory() {
    return RpcClientFactory.DEFAULT
        .withPortmapperPort(portmapper.port())
        .withLookupTimeout(Duration.ofSeconds(3))
        .withCallOptions(SHORT);
  }

  @Test
  void listsItselfAsRpcbindDoes() {
    int port = portmapper.port();
    assertThat(pmap(true).dump())
        .containsExactly(
            new Mapping(100_000, 4, 6, port), new Mapping(100_000, 4, 17, port),
            new Mapping(100_000, 3, 6, port), new Mapping(100_000, 3, 17, port),
            new Mapping(100_000, 2, 6, port), new Mapping(100_000, 2, 17, port));
    String uaddr = "127.0.0.1." + (port >> 8) + "." + (port & 255);
    assertThat(rpcbind(false, 4).dump())
        .contains(
            new Rpcb(100_000, 4, "tcp", uaddr, "superuser"),
            new Rpcb(100_000, 2, "udp", uaddr, "superuser"));
    assertThat(pmap(false).getPort(100_000, 2, PortmapProtocol.IPPROTO_UDP)).isEqualTo(port);
    Instant time = rpcbind(true, 3).getTime();
    assertThat(time).isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(60));
  }

  @Test
  void itListsItselfForEachFamilyItServesAndSaysWhere() throws Exception {
    assertThat(portmapper.describeWhere()).isEqualTo("127.0.0.1 port " + portmapper.port());
    try (EmbeddedPortmapper wildcard = EmbeddedPortmapper.start(0)) {
      int port = wildcard.port();
      assertThat(wildcard.describeWhere()).isEqualTo("every interface, port " + port);
      assertThat(wildcard.localAddress()).isEqualTo(new InetSocketAddress(LOOPBACK, port));
      String low = "." + (port >> 8) + "." + (port & 255);
      List<String> expected = new ArrayList<>();
      for (int version = 4; version >= 2; version--) {
        for (String netid : List.of("tcp", "udp")) {
          if (version > 2 && IpAddresses.wildcardIsDualStack()) {
            expected.add(version + " " + netid + "6 ::" + low);
          }
          expected.add(version + " " + netid + " 0.0.0.0" + low);
        }
      }
      assertThat(wildcard.registrations())
          .extracting(r -> r.version() + " " + r.netid() + " " + r.address())
          .containsExactlyElementsOf(expected);
      assertThat(Thread.getAllStackTraces().keySet())
          .filteredOn(t -> t.getName().equals("jrpcgen-portmap-probe-" + port))
          .allMatch(Thread::isDaemon);
    }
    Assumptions.assumeTrue(RemoteCallReplyTest.ipv6Loopback(), "no IPv6 loopback");
    try (EmbeddedPortmapper ipv6 =
        EmbeddedPortmapper.builder().bindAddress(IpAddresses.ipv6Loopback()).port(0).start()) {
      assertThat(ipv6.registrations())
          .extracting(r -> r.version() + " " + r.netid())
          .containsExactly("4 tcp6", "4 udp6", "3 tcp6", "3 udp6");
    }
  }

  @Test
  void portsAreChecked() {
    assertThatThrownBy(() -> EmbeddedPortmapper.builder().port(-1))
        .hasMessage("port out of range: -1");
    assertThatThrownBy(() -> EmbeddedPortmapper.builder().port(65_536))
        .hasMessage("port out of range: 65536");
    EmbeddedPortmapper.builder().port(65_535).port(0);
    for (Duration bad : new Duration[] {Duration.ZERO, null}) {
      assertThatThrownBy(() -> EmbeddedPortmapper.builder().giveUpAfter(bad))
          .hasMessage("giveUpAfter <= 0: " + bad);
    }
  }

  @Test
  void setAndUnsetOverTheWireSayWhatHappened() {
    assertThat(pmap(false).set(new Mapping(PROG, 1, PortmapProtocol.IPPROTO_TCP, 2000))).isTrue();
    assertThat(pmap(false).set(new Mapping(PROG, 1, PortmapProtocol.IPPROTO_TCP, 2001))).isFalse();
    assertThat(pmap(false).unset(PROG, 1)).isTrue();
    assertThat(pmap(false).unset(PROG, 1)).isFalse();
    assertThat(rpcbind(false, 3).set(new Rpcb(PROG, 2, "udp", "127.0.0.1.7.208", ""))).isTrue();
    assertThat(rpcbind(false, 4).set(new Rpcb(PROG, 2, "udp", "127.0.0.1.7.209", ""))).isFalse();
    assertThat(rpcbind(false, 4).unset(PROG, 2, "udp")).isTrue();
    assertThat(rpcbind(false, 3).unset(PROG, 2, "udp")).isFalse();
    // GETVERSADDR is version 4's.
    assertThatThrownBy(
            () ->
                rpcbind(true, 3)
                    .rpcClient()
                    .call(
                        PortmapProtocol.PROC_GETVERSADDR,
                        Rpcb.CODEC,
                        Rpcb.query(PROG, 2, "udp"),
                        XdrCodec.string(64)))
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.status()).isEqualTo(RpcStatus.PROC_UNAVAIL));
  }

  @Test
  void theClientsFactoriesGiveWorkingClientsUntilClosed() {
    InetSocketAddress address = portmapper.localAddress();
    for (PortmapperClient client :
        List.of(
            PortmapperClient.tcp(address),
            PortmapperClient.udp(address).withOptions(SHORT),
            PortmapperClient.create(RpcChannel.tcp(address)))) {
      client.ping();
      client.close();
      assertThatThrownBy(client::ping)
          .isInstanceOfAny(RpcException.class, IllegalStateException.class);
    }
    for (RpcbindClient client :
        List.of(
            RpcbindClient.tcp(address, 4),
            RpcbindClient.udp(address, 3).withOptions(SHORT),
            RpcbindClient.create(RpcChannel.tcp(address), 4))) {
      client.ping();
      client.close();
      assertThatThrownBy(client::ping)
          .isInstanceOfAny(RpcException.class, IllegalStateException.class);
    }
  }

  @Test
  void aServerRegistersEveryVersionAndTransportAndUnregistersOnClose() {
    RpcServer server = registeredServer(square(PROG, 1), square(PROG, 3));
    int port = server.tcpPort();
    String uaddr = "127.0.0.1." + (port >> 8) + "." + (port & 255);
    assertThat(pmap(true).dump())
        .contains(
            new Mapping(PROG, 1, 6, port),
            new Mapping(PROG, 1, 17, port),
            new Mapping(PROG, 3, 6, port),
            new Mapping(PROG, 3, 17, port));
    String owner = System.getProperty("user.name");
    assertThat(rpcbind(true, 4).dump())
        .contains(new Rpcb(PROG, 1, "tcp", uaddr, owner), new Rpcb(PROG, 3, "udp", uaddr, owner));
    assertThat(pmap(false).getPort(PROG, 3, PortmapProtocol.IPPROTO_UDP)).isEqualTo(port);
    assertThat(rpcbind(false, 3).getAddr(PROG, 1, "udp")).isEqualTo(uaddr);
    assertThat(rpcbind(true, 4).getVersAddr(PROG, 3, "tcp")).isEqualTo(uaddr);
    assertThat(rpcbind(true, 4).getVersAddr(PROG, 2, "tcp")).isEmpty();

    server.close();
    // Unset by the server, not found gone by a probe.
    assertThat(portmapper.registrations()).noneMatch(r -> r.program() == PROG);
    assertThat(pmap(true).getPort(PROG, 1, PortmapProtocol.IPPROTO_TCP)).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "udp"})
  void theClientFactoryFindsAServerAsClntCreateDoes(String protocol) {
    RpcServer server = registeredServer(square(PROG, 1), square(PROG, 2));
    try (RpcClient client = factory().client("127.0.0.1", PROG, 2, protocol)) {
      assertThat(client.call(SQUARE, XdrCodec.INT, 7, XdrCodec.INT)).isEqualTo(49);
      assertThat(client.serverAddress())
          .isEqualTo(
              new InetSocketAddress(
                  LOOPBACK, protocol.equals("tcp") ? server.tcpPort() : server.udpPort()));
    }
    assertThat(factory().lookup("127.0.0.1", PROG, 1, protocol).getPort())
        .isEqualTo(server.tcpPort());

    assertThatThrownBy(() -> factory().client("127.0.0.1", PROG, 7, protocol))
        .isInstanceOfSatisfying(
            RpcMismatchException.class,
            e -> {
              assertThat(e.status()).isEqualTo(RpcStatus.PROG_VERS_MISMATCH);
              assertThat(e.low()).isEqualTo(1);
              assertThat(e.high()).isEqualTo(2);
            })
        .hasMessage("127.0.0.1: RPC: Program/version mismatch; low version = 1, high version = 2");
    // Without the check, as libtirpc's clnt_create: the first call tells.
    try (RpcClient lazy =
        factory().withVersionCheck(false).client("127.0.0.1", PROG, 7, protocol)) {
      assertThatThrownBy(() -> lazy.call(SQUARE, XdrCodec.INT, 7, XdrCodec.INT))
          .isInstanceOf(RpcMismatchException.class)
          .hasMessageEndingWith("RPC: Program/version mismatch; low version = 1, high version = 2");
    }
    assertThatThrownBy(() -> factory().client("127.0.0.1", PROG + 1, 1, protocol))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.status()).isEqualTo(RpcStatus.PROG_NOT_REGISTERED))
        .hasMessage("127.0.0.1: RPC: Program not registered");
  }

  @Test
  void theClientFactoryReportsWhatClntCreateReports() throws IOException {
    assertThatThrownBy(() -> factory().client("127.0.0.1", PROG, 1, "sctp"))
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.status()).isEqualTo(RpcStatus.UNKNOWN_PROTO))
        .hasMessage("127.0.0.1: RPC: Unknown protocol");
    assertThatThrownBy(() -> factory().client("no-such-host.invalid", PROG, 1, "tcp"))
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.status()).isEqualTo(RpcStatus.UNKNOWN_HOST))
        .hasMessage("no-such-host.invalid: RPC: Unknown host");
    int nobody = freePort();
    for (String protocol : List.of("tcp", "udp")) {
      assertThatThrownBy(
              () ->
                  RpcClientFactory.DEFAULT
                      .withPortmapperPort(nobody)
                      .withLookupTimeout(Duration.ofSeconds(2))
                      .client("127.0.0.1", PROG, 1, protocol))
          .isInstanceOfSatisfying(
              RpcException.class, e -> assertThat(e.status()).isEqualTo(RpcStatus.PMAP_FAILURE))
          .hasMessageStartingWith("127.0.0.1: RPC: Port mapper failure; RPC: Unable to ");
    }
  }

  @Test
  void aStaleRegistrationOfTheSameProgramIsReplaced() throws IOException {
    int dead = freePort();
    assertThat(pmap(true).set(new Mapping(PROG, 1, PortmapProtocol.IPPROTO_TCP, dead))).isTrue();
    assertThat(pmap(true).set(new Mapping(PROG, 1, PortmapProtocol.IPPROTO_UDP, dead))).isTrue();
    RpcServer server = registeredServer(square(PROG, 1));
    assertThat(pmap(true).getPort(PROG, 1, PortmapProtocol.IPPROTO_TCP))
        .isEqualTo(server.tcpPort());
    assertThat(pmap(true).getPort(PROG, 1, PortmapProtocol.IPPROTO_UDP))
        .isEqualTo(server.udpPort());
  }

  @Test
  void aLiveRegistrationIsNotStolen() {
    RpcServer first = registeredServer(square(PROG, 1));
    assertThatThrownBy(() -> registeredServer(square(PROG, 1)))
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.status()).isEqualTo(RpcStatus.PMAP_FAILURE))
        .hasMessageContaining(
            "RPC: Port mapper failure; "
                + Integer.toUnsignedString(PROG)
                + " version 1 over tcp is registered to a server that answers (127.0.0.1."
                + (first.tcpPort() >> 8)
                + "."
                + (first.tcpPort() & 255)
                + ")")
        .hasMessageContaining("replacingLive()");
    assertThat(pmap(true).getPort(PROG, 1, PortmapProtocol.IPPROTO_TCP)).isEqualTo(first.tcpPort());
    assertThat(pmap(true).getPort(PROG, 1, PortmapProtocol.IPPROTO_UDP)).isEqualTo(first.udpPort());
    // Another version of the program is no conflict.
    RpcServer other = registeredServer(square(PROG, 2));
    assertThat(pmap(true).getPort(PROG, 2, PortmapProtocol.IPPROTO_TCP)).isEqualTo(other.tcpPort());
  }

  @Test
  void aLiveRegistrationIsReplacedWhenAskedAndNotWithdrawnByTheServerItReplaced() {
    RpcServer first = registeredServer(square(PROG, 1));
    RpcServer second =
        RpcServer.builder()
            .bindAddress(LOOPBACK)
            .port(0)
            .program(square(PROG, 1))
            .registrar(PortmapRegistrar.at(portmapper.localAddress()).replacingLive())
            .start();
    closeAfter.add(0, second);
    assertThat(pmap(true).getPort(PROG, 1, PortmapProtocol.IPPROTO_TCP))
        .isEqualTo(second.tcpPort());
    first.close();
    // The first server's close() must not withdraw what is now the second's.
    assertThat(pmap(true).getPort(PROG, 1, PortmapProtocol.IPPROTO_TCP))
        .isEqualTo(second.tcpPort());
    assertThat(pmap(true).getPort(PROG, 1, PortmapProtocol.IPPROTO_UDP))
        .isEqualTo(second.udpPort());
  }

  @Test
  void aRegistrationWhoseServerIsBusyIsNotStolen() throws IOException {
    try (DatagramSocket busy = new DatagramSocket(0, LOOPBACK)) {
      assertThat(
              pmap(true)
                  .set(new Mapping(PROG, 1, PortmapProtocol.IPPROTO_UDP, busy.getLocalPort())))
          .isTrue();
      assertThatThrownBy(() -> registeredServer(square(PROG, 1)))
          .isInstanceOfSatisfying(
              RpcException.class, e -> assertThat(e.status()).isEqualTo(RpcStatus.PMAP_FAILURE))
          .hasMessageContaining(" version 1 over udp is registered to a server that may be busy");
      assertThat(pmap(true).getPort(PROG, 1, PortmapProtocol.IPPROTO_UDP))
          .isEqualTo(busy.getLocalPort());
      assertThat(pmap(true).getPort(PROG, 1, PortmapProtocol.IPPROTO_TCP)).isZero();
    }
  }

  @Test
  void aBusyUdpServerKeepsItsRegistrationUntilItHasNotAnsweredForLong() throws IOException {
    AtomicLong now = restartWithClock();
    // A server in a long call: it reads nothing and answers nothing, NULLPROC included.
    try (DatagramSocket busy = new DatagramSocket(0, LOOPBACK)) {
      int port = busy.getLocalPort();
      assertThat(pmap(true).set(new Mapping(PROG, 1, PortmapProtocol.IPPROTO_UDP, port))).isTrue();
      for (int i = 0; i < 3; i++) {
        assertThat(pmap(true).getPort(PROG, 1, PortmapProtocol.IPPROTO_UDP)).isEqualTo(port);
        now.addAndGet(Duration.ofMinutes(1).toNanos());
      }
      assertThat(rpcbind(false, 3).getAddr(PROG, 1, "udp")).isNotEmpty();
      now.addAndGet(Duration.ofMinutes(3).toNanos());
      // Unanswered for more than five minutes, after several probes: given up.
      assertThat(pmap(true).getPort(PROG, 1, PortmapProtocol.IPPROTO_UDP)).isZero();
      assertThat(portmapper.registrations()).noneMatch(r -> r.program() == PROG);
    }
  }

  @Test
  void givingUpTakesSeveralUnansweredProbesInARowOverTheWholePeriod() throws Exception {
    AtomicLong now = restartWithClock();
    try (SwitchableUdpServer server = new SwitchableUdpServer()) {
      assertThat(pmap(true).set(new Mapping(PROG, 1, PortmapProtocol.IPPROTO_UDP, server.port())))
          .isTrue();
      assertThat(getUdpPort()).isEqualTo(server.port());
      now.addAndGet(Duration.ofMinutes(4).toNanos());
      assertThat(getUdpPort()).isEqualTo(server.port());
      server.answering = true;
      now.addAndGet(Duration.ofMinutes(2).toNanos());
      // It answered: what went before no longer counts.
      assertThat(getUdpPort()).isEqualTo(server.port());
      server.answering = false;
      now.addAndGet(Duration.ofMinutes(1).toNanos());
      for (int i = 0; i < 3; i++) {
        assertThat(getUdpPort()).isEqualTo(server.port());
      }
      now.addAndGet(Duration.ofMinutes(5).toNanos());
      assertThat(getUdpPort()).isZero();
    }
  }

  /**
   * Replaces the portmapper with one that gives up on silent servers after 5 minutes of the
   * returned clock, which only the test moves.
   */
  private AtomicLong restartWithClock() {
    AtomicLong now = new AtomicLong();
    portmapper.close();
    portmapper =
        EmbeddedPortmapper.builder()
            .bindAddress(LOOPBACK)
            .port(0)
            .probeTimeout(Duration.ofMillis(200))
            .giveUpAfter(Duration.ofMinutes(5))
            .clock(now::get)
            .start();
    return now;
  }

  private int getUdpPort() {
    return pmap(true).getPort(PROG, 1, PortmapProtocol.IPPROTO_UDP);
  }

  /** A UDP server of any program that answers every call while told to, and is busy else. */
  static final class SwitchableUdpServer implements AutoCloseable {
    private final DatagramSocket socket = new DatagramSocket(0, LOOPBACK);
    private final Thread thread = new Thread(this::serve, "switchable-udp-server");
    volatile boolean answering;

    SwitchableUdpServer() throws IOException {
      thread.setDaemon(true);
      thread.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    private void serve() {
      byte[] buffer = new byte[1024];
      while (!socket.isClosed()) {
        try {
          DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
          socket.receive(packet);
          if (answering && packet.getLength() >= 4) {
            // The call's XID, then MSG_ACCEPTED, AUTH_NONE, SUCCESS and no results.
            byte[] reply = new byte[24];
            System.arraycopy(buffer, 0, reply, 0, 4);
            reply[7] = 1;
            socket.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
          }
        } catch (IOException e) {
          // Closed: the loop ends.
        }
      }
    }

    @Override
    public void close() throws InterruptedException {
      socket.close();
      thread.join(5_000);
    }
  }

  @Test
  void aUdpServerThatIsGoneIsDroppedAtOnce() throws IOException {
    int gone;
    try (DatagramSocket closed = new DatagramSocket(0, LOOPBACK)) {
      gone = closed.getLocalPort();
    }
    assertThat(pmap(true).set(new Mapping(PROG, 1, PortmapProtocol.IPPROTO_UDP, gone))).isTrue();
    // ICMP port unreachable: a definite sign.
    assertThat(pmap(true).getPort(PROG, 1, PortmapProtocol.IPPROTO_UDP)).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "0.0.0.0"})
  void theImplicitPortmapperListensOnLoopbackOnlyAndSaysWhere(String registrarAddress)
      throws IOException {
    InetAddress own = nonLoopbackIpv4();
    Assumptions.assumeTrue(own != null, "this host has no IPv4 address but loopback");
    int port = freePort();
    InetSocketAddress where = new InetSocketAddress(InetAddress.getByName(registrarAddress), port);
    try (CapturedLog log = CapturedLog.of("io.jrpcgen.portmap");
        RpcServer server =
            RpcServer.builder()
                .port(0)
                .program(square(PROG, 1))
                .registrar(PortmapRegistrar.at(where).orEmbedded())
                .start()) {
      assertThatThrownBy(() -> new Socket(own, port).close()).isInstanceOf(IOException.class);
      try (PortmapperClient client =
          PortmapperClient.create(RpcChannel.tcp(new InetSocketAddress(LOOPBACK, port)), SHORT)) {
        assertThat(client.getPort(PROG, 1, PortmapProtocol.IPPROTO_TCP))
            .isEqualTo(server.tcpPort());
      }
      assertThat(log.messages(java.util.logging.Level.INFO))
          .contains(
              "no portmapper answers at "
                  + registrarAddress
                  + " port "
                  + port
                  + ": started an embedded portmapper on 127.0.0.1"
                  + " port "
                  + port
                  + " for as long as this server runs");
    }
  }

  @Test
  void callItIsOffByDefault() {
    AtomicInteger calls = new AtomicInteger();
    registeredServer(
        ProgramDefinition.builder(PROG, 1)
            .procedure(
                Procedure.of(
                    SQUARE,
                    "SQUARE",
                    XdrCodec.INT,
                    XdrCodec.INT,
                    (c, n) -> {
                      calls.incrementAndGet();
                      return n * n;
                    }))
            .build());
    Duration brief = Duration.ofMillis(300);
    // As rpcbind without -r: no reply at all, and nothing forwarded.
    assertThatThrownBy(
            () ->
                pmap(false)
                    .withTimeout(brief)
                    .callIt(PROG, 1, SQUARE, XdrCodec.INT, 2, XdrCodec.INT))
        .isInstanceOf(RpcTimeoutException.class);
    for (int version : new int[] {3, 4}) {
      assertThatThrownBy(
              () ->
                  rpcbind(false, version)
                      .withTimeout(brief)
                      .callIt(PROG, 1, SQUARE, XdrCodec.INT, 2, XdrCodec.INT))
          .isInstanceOf(RpcTimeoutException.class);
    }
    assertThat(
            BroadcastCall.to(List.of(portmapper.localAddress()))
                .withTimeLimit(brief)
                .call(PROG, 1, SQUARE, XdrCodec.INT, 2, XdrCodec.INT))
        .isEmpty();
    assertThat(calls).hasValue(0);
  }

  @Test
  void registrationsOfServersThatAreGoneAreDropped() throws IOException {
    portmapper.close();
    portmapper =
        EmbeddedPortmapper.builder()
            .bindAddress(LOOPBACK)
            .port(0)
            .probeInterval(Duration.ofMillis(100))
            .probeTimeout(Duration.ofMillis(300))
            .start();
    RpcServer live = registeredServer(square(PROG, 1));
    int dead = freePort();
    assertThat(pmap(true).set(new Mapping(PROG, 2, PortmapProtocol.IPPROTO_TCP, dead))).isTrue();
    assertThat(rpcbind(true, 3).set(new Rpcb(PROG, 2, "udp", "127.0.0.1.0." + 9, ""))).isTrue();
    // Port 9 (discard) has no RPC server here: the UDP probe gets no answer or a refusal.
    await(
        () ->
            portmapper.registrations().stream()
                .noneMatch(r -> r.program() == PROG && r.version() == 2),
        "the periodic probe drops the dead registrations");
    assertThat(pmap(true).getPort(PROG, 1, PortmapProtocol.IPPROTO_TCP)).isEqualTo(live.tcpPort());
    assertThat(portmapper.registrations()).filteredOn(r -> r.program() == PROG).hasSize(2);
  }

  @Test
  void aSweepThatFailsDoesNotEndTheSweeping() throws IOException {
    // The first silence the sweep times fails (as an OutOfMemoryError would); later ones move
    // the clock ten minutes a probe, so three unanswered probes give the server up.
    AtomicInteger clockReads = new AtomicInteger();
    portmapper.close();
    portmapper =
        EmbeddedPortmapper.builder()
            .bindAddress(LOOPBACK)
            .port(0)
            .probeInterval(Duration.ofMillis(50))
            .probeTimeout(Duration.ofMillis(100))
            .clock(
                () -> {
                  if (clockReads.incrementAndGet() == 1) {
                    throw new IllegalStateException("a sweep that fails (expected by the test)");
                  }
                  return clockReads.get() * Duration.ofMinutes(10).toNanos();
                })
            .start();
    try (DatagramSocket silent = new DatagramSocket(0, LOOPBACK)) {
      assertThat(
              pmap(true)
                  .set(new Mapping(PROG, 1, PortmapProtocol.IPPROTO_UDP, silent.getLocalPort())))
          .isTrue();
      await(
          () -> portmapper.registrations().stream().noneMatch(r -> r.program() == PROG),
          "the sweeps after the failed one to give the silent server up");
      assertThat(clockReads.get()).isGreaterThan(3);
    }
  }

  /** Replaces the portmapper with one that forwards remote calls, as rpcbind -r. */
  private void withRemoteCalls() {
    portmapper.close();
    portmapper =
        EmbeddedPortmapper.builder().bindAddress(LOOPBACK).port(0).remoteCalls(true).start();
  }

  @Test
  void callItForwardsOverUdpAndReportsWhere() {
    withRemoteCalls();
    RpcServer server = registeredServer(square(PROG, 1));
    PortmapperClient.CallItReply<Integer> reply =
        pmap(false).callIt(PROG, 1, SQUARE, XdrCodec.INT, 12, XdrCodec.INT);
    assertThat(reply).isEqualTo(new PortmapperClient.CallItReply<>(server.udpPort(), 144));
    String uaddr = "127.0.0.1." + (server.udpPort() >> 8) + "." + (server.udpPort() & 255);
    for (int version : new int[] {3, 4}) {
      assertThat(rpcbind(false, version).callIt(PROG, 1, SQUARE, XdrCodec.INT, -3, XdrCodec.INT))
          .isEqualTo(new RpcbindClient.CallItReply<>(uaddr, 9));
    }
  }

  @Test
  void callItOverIpv6ForwardsToTheIpv6Registration() {
    Assumptions.assumeTrue(RemoteCallReplyTest.ipv6Loopback(), "no IPv6 loopback");
    InetAddress ipv6 = IpAddresses.ipv6Loopback();
    EmbeddedPortmapper v6 =
        EmbeddedPortmapper.builder().bindAddress(ipv6).port(0).remoteCalls(true).start();
    closeAfter.add(v6);
    RpcServer server =
        RpcServer.builder()
            .bindAddress(ipv6)
            .port(0)
            .program(square(PROG, 1))
            .registrar(PortmapRegistrar.at(v6.localAddress()))
            .start();
    closeAfter.add(0, server);
    try (RpcbindClient client = RpcbindClient.create(RpcChannel.udp(v6.localAddress()), 4, SHORT)) {
      assertThat(client.callIt(PROG, 1, SQUARE, XdrCodec.INT, 11, XdrCodec.INT))
          .isEqualTo(
              new RpcbindClient.CallItReply<>(
                  "::1." + (server.udpPort() >> 8) + "." + (server.udpPort() & 255), 121));
    }
  }

  @Test
  void callItSaysNothingWhenItCannotForward() {
    withRemoteCalls();
    registeredServer(square(PROG, 1));
    PortmapperClient udp = pmap(false).withTimeout(Duration.ofMillis(300));
    // Not registered, no such version, no such procedure, garbage arguments: no reply at all.
    assertThatThrownBy(() -> udp.callIt(PROG + 1, 1, SQUARE, XdrCodec.INT, 1, XdrCodec.INT))
        .isInstanceOf(RpcTimeoutException.class);
    assertThatThrownBy(() -> udp.callIt(PROG, 2, SQUARE, XdrCodec.INT, 1, XdrCodec.INT))
        .isInstanceOf(RpcTimeoutException.class);
    assertThatThrownBy(() -> udp.callIt(PROG, 1, 9, XdrCodec.INT, 1, XdrCodec.INT))
        .isInstanceOf(RpcTimeoutException.class);
    assertThatThrownBy(() -> udp.callIt(PROG, 1, SQUARE, XdrCodec.VOID, null, XdrCodec.INT))
        .isInstanceOf(RpcTimeoutException.class);
    // Only over UDP: the client does not try TCP, and the portmapper would not answer.
    assertThatThrownBy(() -> pmap(true).callIt(PROG, 1, SQUARE, XdrCodec.INT, 1, XdrCodec.INT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "CALLIT is a UDP call (rpcbind ignores it over TCP): use a client over UDP"
                + " for localhost");
    assertThatThrownBy(
            () ->
                pmap(true)
                    .withTimeout(Duration.ofMillis(300))
                    .rpcClient()
                    .call(
                        PortmapProtocol.PROC_CALLIT,
                        RemoteCallArgs.CODEC,
                        new RemoteCallArgs(PROG, 1, SQUARE, RawBytes.encode(XdrCodec.INT, 1)),
                        CallResult.CODEC))
        .isInstanceOf(RpcTimeoutException.class);
    // And the portmapper still serves.
    assertThat(udp.callIt(PROG, 1, SQUARE, XdrCodec.INT, 5, XdrCodec.INT).value()).isEqualTo(25);
  }

  @Test
  void broadcastCollectsEveryServersReply() {
    withRemoteCalls();
    RpcServer first = registeredServer(square(PROG, 1));
    EmbeddedPortmapper other =
        EmbeddedPortmapper.builder().bindAddress(LOOPBACK).port(0).remoteCalls(true).start();
    closeAfter.add(other);
    RpcServer second =
        RpcServer.builder()
            .bindAddress(LOOPBACK)
            .port(0)
            .program(square(PROG, 1))
            .registrar(PortmapRegistrar.at(other.localAddress()))
            .start();
    closeAfter.add(0, second);
    // A portmapper without the program stays silent.
    EmbeddedPortmapper empty =
        EmbeddedPortmapper.builder().bindAddress(LOOPBACK).port(0).remoteCalls(true).start();
    closeAfter.add(empty);

    BroadcastCall broadcast =
        BroadcastCall.to(
                List.of(portmapper.localAddress(), other.localAddress(), empty.localAddress()))
            .withTimeLimit(Duration.ofMillis(1500));
    List<BroadcastCall.Reply<Integer>> replies =
        broadcast.call(PROG, 1, SQUARE, XdrCodec.INT, 6, XdrCodec.INT);
    assertThat(replies)
        .containsExactlyInAnyOrder(
            new BroadcastCall.Reply<>(new InetSocketAddress(LOOPBACK, first.udpPort()), 36),
            new BroadcastCall.Reply<>(new InetSocketAddress(LOOPBACK, second.udpPort()), 36));

    // The handler may stop it at the first reply.
    List<BroadcastCall.Reply<Integer>> firstOnly = new ArrayList<>();
    broadcast
        .withTimeLimit(Duration.ofSeconds(5))
        .call(PROG, 1, SQUARE, XdrCodec.INT, 2, XdrCodec.INT, reply -> firstOnly.add(reply));
    assertThat(firstOnly).hasSize(1);
    assertThat(firstOnly.get(0).value()).isEqualTo(4);
  }

  @Test
  void broadcastReachesAWildcardPortmapperThroughTheLoopbackBroadcastAddress() throws Exception {
    EmbeddedPortmapper wildcard = EmbeddedPortmapper.builder().port(0).remoteCalls(true).start();
    closeAfter.add(wildcard);
    RpcServer server =
        RpcServer.builder()
            .bindAddress(LOOPBACK)
            .port(0)
            .program(square(PROG, 1))
            .registrar(PortmapRegistrar.at(wildcard.localAddress()))
            .start();
    closeAfter.add(0, server);
    InetAddress loopbackBroadcast = InetAddress.getByName("127.255.255.255");
    List<BroadcastCall.Reply<Integer>> replies =
        BroadcastCall.to(List.of(new InetSocketAddress(loopbackBroadcast, wildcard.port())))
            .withTimeLimit(Duration.ofMillis(1500))
            .call(PROG, 1, SQUARE, XdrCodec.INT, 3, XdrCodec.INT);
    assertThat(replies)
        .containsExactly(
            new BroadcastCall.Reply<>(new InetSocketAddress(LOOPBACK, server.udpPort()), 9));
  }

  @Test
  void setFromAnotherHostIsRefused() {
    InetAddress own = nonLoopbackIpv4();
    Assumptions.assumeTrue(own != null, "this host has no IPv4 address but loopback");
    EmbeddedPortmapper wildcard = EmbeddedPortmapper.builder().port(0).start();
    closeAfter.add(wildcard);
    // A call to this host's own address comes from that address, which is not loopback.
    try (PortmapperClient remote =
        PortmapperClient.create(
            RpcChannel.udp(new InetSocketAddress(own, wildcard.port())), SHORT)) {
      assertThatThrownBy(() -> remote.set(new Mapping(PROG, 1, 6, 2000)))
          .isInstanceOfSatisfying(
              RpcAuthException.class,
              e -> assertThat(e.authStat()).isEqualTo(AuthStat.AUTH_TOOWEAK))
          .hasMessageEndingWith("RPC: Authentication error; why = Client credential too weak");
      assertThatThrownBy(() -> remote.unset(100_000, 2)).isInstanceOf(RpcAuthException.class);
      assertThat(remote.getPort(100_000, 2, 17)).isEqualTo(wildcard.port());
    }
    assertThat(wildcard.registrations()).noneMatch(r -> r.program() == PROG);
  }

  @Test
  void aServerEmbedsAPortmapperWhenNoneAnswers() throws IOException {
    int port = freePort();
    InetSocketAddress where = new InetSocketAddress(LOOPBACK, port);
    RpcServer server =
        RpcServer.builder()
            .bindAddress(LOOPBACK)
            .port(0)
            .program(square(PROG, 1))
            .registrar(PortmapRegistrar.at(where).orEmbedded(LOOPBACK))
            .start();
    try (PortmapperClient client = PortmapperClient.create(RpcChannel.tcp(where), SHORT)) {
      assertThat(client.getPort(PROG, 1, PortmapProtocol.IPPROTO_TCP)).isEqualTo(server.tcpPort());
    }
    server.close();
    // The embedded portmapper went with the server.
    assertThatThrownBy(() -> new Socket(LOOPBACK, port).close()).isInstanceOf(IOException.class);
  }

  @Test
  void withoutAPortmapperRegistrationFailsAndTheServerCloses() throws IOException {
    InetSocketAddress nobody = new InetSocketAddress(LOOPBACK, freePort());
    assertThatThrownBy(
            () ->
                RpcServer.builder()
                    .bindAddress(LOOPBACK)
                    .port(0)
                    .program(square(PROG, 1))
                    .registrar(PortmapRegistrar.at(nobody))
                    .start())
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.status()).isEqualTo(RpcStatus.PMAP_FAILURE))
        .hasMessageStartingWith("127.0.0.1: RPC: Port mapper failure; no portmapper answers: ");
  }

  @Test
  void aPortmapperWithoutRpcbindVersionsGetsPmapRegistrations() {
    // A classic portmapper: PMAP version 2 only, so the registrar falls back to it.
    Registry registry = new Registry(64);
    PortmapService service =
        new PortmapService(
            registry,
            new LivenessPolicy(
                new LivenessProbe(Duration.ofSeconds(1))::probe, Long.MAX_VALUE, System::nanoTime),
            false,
            Duration.ofSeconds(1));
    RpcServer classic =
        RpcServer.builder()
            .bindAddress(LOOPBACK)
            .port(0)
            .program(service.definitions().get(0))
            .start();
    closeAfter.add(classic);
    RpcServer server =
        RpcServer.builder()
            .bindAddress(LOOPBACK)
            .port(0)
            .program(square(PROG, 1))
            .registrar(PortmapRegistrar.at(new InetSocketAddress(LOOPBACK, classic.tcpPort())))
            .start();
    assertThat(service.pmapDump())
        .containsExactly(
            new Mapping(PROG, 1, 6, server.tcpPort()), new Mapping(PROG, 1, 17, server.udpPort()));
    server.close();
    assertThat(service.pmapDump()).isEmpty();
  }

  @Test
  void aPmapOnlyPortmapperKeepsLiveRegistrationsToo() {
    Registry registry = new Registry(64);
    PortmapService service =
        new PortmapService(
            registry,
            new LivenessPolicy(
                new LivenessProbe(Duration.ofSeconds(1))::probe, Long.MAX_VALUE, System::nanoTime),
            false,
            Duration.ofSeconds(1));
    RpcServer classic =
        RpcServer.builder()
            .bindAddress(LOOPBACK)
            .port(0)
            .program(service.definitions().get(0))
            .start();
    closeAfter.add(classic);
    PortmapRegistrar registrar =
        PortmapRegistrar.at(new InetSocketAddress(LOOPBACK, classic.tcpPort()));
    RpcServer first =
        RpcServer.builder()
            .bindAddress(LOOPBACK)
            .port(0)
            .program(square(PROG, 1))
            .registrar(registrar)
            .start();
    closeAfter.add(first);
    assertThatThrownBy(
            () ->
                RpcServer.builder()
                    .bindAddress(LOOPBACK)
                    .port(0)
                    .program(square(PROG, 1))
                    .registrar(registrar)
                    .start())
        .hasMessageContaining(
            " version 1 over tcp is registered to a server that answers (0.0.0.0.");
    RpcServer second =
        RpcServer.builder()
            .bindAddress(LOOPBACK)
            .port(0)
            .program(square(PROG, 1))
            .registrar(registrar.replacingLive())
            .start();
    closeAfter.add(0, second);
    assertThat(service.pmapDump())
        .containsExactly(
            new Mapping(PROG, 1, 6, second.tcpPort()), new Mapping(PROG, 1, 17, second.udpPort()));
    first.close();
    assertThat(service.pmapDump())
        .containsExactly(
            new Mapping(PROG, 1, 6, second.tcpPort()), new Mapping(PROG, 1, 17, second.udpPort()));
    second.close();
    assertThat(service.pmapDump()).isEmpty();
  }

  static InetAddress nonLoopbackIpv4() {
    try {
      for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nif.isUp()) {
          continue;
        }
        for (InetAddress a : Collections.list(nif.getInetAddresses())) {
          if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
            return a;
          }
        }
      }
    } catch (IOException e) {
      return null;
    }
    return null;
  }

  /** A port that was free for TCP and UDP a moment ago. */
  static int freePort() throws IOException {
    for (int attempt = 0; attempt < 20; attempt++) {
      try (ServerSocket tcp = new ServerSocket(0, 1, LOOPBACK)) {
        try (DatagramSocket udp = new DatagramSocket(tcp.getLocalPort(), LOOPBACK)) {
          return udp.getLocalPort();
        } catch (IOException e) {
          // Taken on UDP: try another.
        }
      }
    }
    throw new IOException("no port free for both TCP and UDP");
  }

  static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        fail("not within " + WAIT.toSeconds() + " s: " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted");
      }
    }
  }
}
