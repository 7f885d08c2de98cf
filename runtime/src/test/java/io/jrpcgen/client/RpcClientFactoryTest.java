package io.jrpcgen.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.portmap.Mapping;
import io.jrpcgen.portmap.PortmapProtocol;
import io.jrpcgen.portmap.Rpcb;
import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.rpc.RpcMismatchException;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.server.NoReplyException;
import io.jrpcgen.server.Procedure;
import io.jrpcgen.server.ProgramDefinition;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.transport.ChannelOptions;
import io.jrpcgen.xdr.XdrCodec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How the factory asks portmappers that know only some of the protocol's versions, and what it
 * makes of their answers: fake portmappers on ephemeral ports, each serving the versions a test
 * names.
 */
class RpcClientFactoryTest {
  private static final int PROG = 0x2000_0101;
  private static final int SQUAREPROC = 1;
  private static final CallOptions SHORT = CallOptions.DEFAULTS.withTimeout(Duration.ofSeconds(5));

  private final List<RpcServer> servers = new ArrayList<>();

  @AfterEach
  void stopServers() {
    servers.forEach(RpcServer::close);
  }

  private RpcServer start(ProgramDefinition... programs) {
    RpcServer.Builder builder =
        RpcServer.builder().bindAddress(InetAddress.getLoopbackAddress()).port(0);
    for (ProgramDefinition program : programs) {
      builder.program(program);
    }
    RpcServer server = builder.start();
    servers.add(server);
    return server;
  }

  private static ProgramDefinition square(int version) {
    return ProgramDefinition.builder(PROG, version)
        .procedure(
            Procedure.of(SQUAREPROC, "SQUAREPROC", XdrCodec.INT, XdrCodec.INT, (call, n) -> n * n))
        .build();
  }

  /** A portmapper of version 2 only: GETPORT answers {@code port} for everything. */
  private static ProgramDefinition pmapV2(int port) {
    return pmapV2(mapping -> port);
  }

  /** A portmapper of version 2 only, whose GETPORT answers as {@code answer} says. */
  private static ProgramDefinition pmapV2(Function<Mapping, Integer> answer) {
    return ProgramDefinition.builder(PortmapProtocol.PROGRAM, PortmapProtocol.PMAP_VERSION)
        .procedure(
            Procedure.of(
                PortmapProtocol.PROC_GETADDR,
                "PMAPPROC_GETPORT",
                Mapping.CODEC,
                XdrCodec.INT,
                (call, mapping) -> answer.apply(mapping)))
        .build();
  }

  /** An rpcbind of {@code version} (3 or 4) only, whose GETADDR answers as {@code answer} says. */
  private static ProgramDefinition rpcbind(int version, Function<Rpcb, String> answer) {
    return ProgramDefinition.builder(PortmapProtocol.PROGRAM, version)
        .procedure(
            Procedure.of(
                PortmapProtocol.PROC_GETADDR,
                "RPCBPROC_GETADDR",
                Rpcb.CODEC,
                XdrCodec.string(Integer.MAX_VALUE),
                (call, rpcb) -> answer.apply(rpcb)))
        .build();
  }

  private static RpcClientFactory factoryFor(RpcServer portmapper) {
    return RpcClientFactory.DEFAULT
        .withPortmapperPort(portmapper.tcpPort())
        .withLookupTimeout(Duration.ofSeconds(5))
        .withCallOptions(SHORT);
  }

  private static String uaddr(int port) {
    return "127.0.0.1." + (port >> 8) + "." + (port & 0xff);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "udp"})
  void aPortmapperOfVersionTwoOnlyIsAskedWithGetport(String protocol) {
    RpcServer square = start(square(1));
    RpcServer portmapper = start(pmapV2(square.tcpPort()));

    try (RpcClient client = factoryFor(portmapper).client("127.0.0.1", PROG, 1, protocol)) {
      assertThat(client.call(SQUAREPROC, XdrCodec.INT, 7, XdrCodec.INT)).isEqualTo(49);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "udp"})
  void portZeroFromGetportIsProgramNotRegistered(String protocol) {
    RpcServer portmapper = start(pmapV2(0));

    assertThatThrownBy(() -> factoryFor(portmapper).lookup("127.0.0.1", PROG, 1, protocol))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.status()).isEqualTo(RpcStatus.PROG_NOT_REGISTERED))
        .hasMessage("127.0.0.1: RPC: Program not registered");
  }

  @Test
  void anRpcbindOfVersionThreeOnlyIsAskedWithVersionThreeGetaddrForTheTransportsNetid() {
    List<String> netids = new ArrayList<>();
    RpcServer square = start(square(1));
    RpcServer portmapper =
        start(
            rpcbind(
                PortmapProtocol.RPCB_VERSION_3,
                rpcb -> {
                  netids.add(rpcb.netid());
                  return rpcb.program() == PROG && rpcb.version() == 1
                      ? uaddr(square.tcpPort())
                      : "";
                }));

    RpcClientFactory factory = factoryFor(portmapper);
    assertThat(factory.lookup("127.0.0.1", PROG, 1, "tcp"))
        .isEqualTo(new InetSocketAddress("127.0.0.1", square.tcpPort()));
    assertThat(factory.lookup("127.0.0.1", PROG, 1, "udp"))
        .isEqualTo(new InetSocketAddress("127.0.0.1", square.tcpPort()));
    assertThat(netids).containsExactly("tcp", "udp");
  }

  @Test
  void anEmptyAddressFromRpcbindIsProgramNotRegisteredWithoutAskingVersionTwo() {
    RpcServer square = start(square(1));
    // Version 2 would answer, but an rpcbind that answered GETADDR has said all there is to say.
    RpcServer portmapper =
        start(rpcbind(PortmapProtocol.RPCB_VERSION_4, rpcb -> ""), pmapV2(square.tcpPort()));

    assertThatThrownBy(() -> factoryFor(portmapper).lookup("127.0.0.1", PROG, 1, "tcp"))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.status()).isEqualTo(RpcStatus.PROG_NOT_REGISTERED));
  }

  @Test
  void aWildcardAddressMeansTheHostThatWasAsked() {
    RpcServer square = start(square(1));
    int port = square.tcpPort();
    RpcServer portmapper =
        start(
            rpcbind(
                PortmapProtocol.RPCB_VERSION_4,
                rpcb -> "0.0.0.0." + (port >> 8) + "." + (port & 0xff)));

    assertThat(factoryFor(portmapper).lookup("127.0.0.1", PROG, 1, "tcp"))
        .isEqualTo(new InetSocketAddress("127.0.0.1", port));
  }

  @Test
  void anAddressThatIsNotAUniversalAddressIsAPortmapperFailure() {
    RpcServer portmapper = start(rpcbind(PortmapProtocol.RPCB_VERSION_4, rpcb -> "not.an.address"));

    assertThatThrownBy(() -> factoryFor(portmapper).lookup("127.0.0.1", PROG, 1, "tcp"))
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.status()).isEqualTo(RpcStatus.PMAP_FAILURE))
        .hasMessageStartingWith("127.0.0.1: RPC: Port mapper failure")
        .hasMessageContaining("not.an.address");
  }

  @Test
  void aPortmapperWhoseGetaddrFailsIsAPortmapperFailureNamingWhatFailed() {
    RpcServer portmapper =
        start(
            rpcbind(
                PortmapProtocol.RPCB_VERSION_4,
                rpcb -> {
                  throw new IllegalStateException("broken portmapper");
                }));

    assertThatThrownBy(() -> factoryFor(portmapper).lookup("127.0.0.1", PROG, 1, "tcp"))
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.status()).isEqualTo(RpcStatus.PMAP_FAILURE))
        .hasMessage("127.0.0.1: RPC: Port mapper failure; RPC: Remote system error");
  }

  @Test
  void aServerWithoutTheVersionFailsTheClientOnlyWithTheVersionCheck() {
    RpcServer square = start(square(1));
    RpcServer portmapper = start(pmapV2(square.tcpPort()));
    RpcClientFactory factory = factoryFor(portmapper);

    assertThatThrownBy(() -> factory.client("127.0.0.1", PROG, 2, "tcp"))
        .isInstanceOf(RpcMismatchException.class)
        .hasMessageContaining("Program/version mismatch");
    try (RpcClient unchecked =
        factory.withVersionCheck(false).client("127.0.0.1", PROG, 2, "tcp")) {
      assertThatThrownBy(() -> unchecked.call(SQUAREPROC, XdrCodec.INT, 3, XdrCodec.INT))
          .isInstanceOf(RpcMismatchException.class);
    }
  }

  @Test
  void anUnknownProtocolIsSaidAsLibtirpcSaysIt() {
    assertThatThrownBy(() -> RpcClientFactory.DEFAULT.lookup("127.0.0.1", PROG, 1, "sctp"))
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.status()).isEqualTo(RpcStatus.UNKNOWN_PROTO))
        .hasMessage("127.0.0.1: RPC: Unknown protocol");
    assertThatThrownBy(() -> RpcClientFactory.create("127.0.0.1", PROG, 1, "TCP"))
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.status()).isEqualTo(RpcStatus.UNKNOWN_PROTO));
  }

  @Test
  void theCopiesCheckTheirArguments() {
    RpcClientFactory f = RpcClientFactory.DEFAULT;
    assertThatThrownBy(() -> f.withPortmapperPort(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> f.withPortmapperPort(65_536))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(f.withPortmapperPort(1)).isNotNull();
    assertThat(f.withPortmapperPort(65_535)).isNotNull();
    assertThatThrownBy(() -> f.withLookupTimeout(null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> f.withLookupTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> f.withLookupTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> f.withCallOptions(null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> f.withChannelOptions(null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void eachCopyKeepsWhatTheOthersSet() {
    RpcServer square = start(square(1));
    RpcServer portmapper = start(pmapV2(square.tcpPort()));
    // Every setting after the port must keep it: a copy that lost it would ask port 111.
    RpcClientFactory factory =
        RpcClientFactory.DEFAULT
            .withPortmapperPort(portmapper.tcpPort())
            .withLookupTimeout(Duration.ofSeconds(5))
            .withCallOptions(SHORT)
            .withChannelOptions(ChannelOptions.DEFAULTS)
            .withGss(null)
            .withVersionCheck(true);

    try (RpcClient client = factory.client("127.0.0.1", PROG, 1, "tcp")) {
      assertThat(client.call(SQUAREPROC, XdrCodec.INT, 9, XdrCodec.INT)).isEqualTo(81);
      assertThat(client.options().timeout()).isEqualTo(Duration.ofSeconds(5));
    }
  }

  @Test
  void getportNamesTheTransportOfTheLookup() {
    List<Integer> protocols = new ArrayList<>();
    RpcServer portmapper =
        start(
            pmapV2(
                mapping -> {
                  protocols.add(mapping.protocol());
                  return 0;
                }));
    RpcClientFactory factory = factoryFor(portmapper);

    for (String protocol : List.of("tcp", "udp")) {
      assertThatThrownBy(() -> factory.lookup("127.0.0.1", PROG, 1, protocol))
          .isInstanceOf(RpcException.class);
    }
    assertThat(protocols).containsExactly(PortmapProtocol.IPPROTO_TCP, PortmapProtocol.IPPROTO_UDP);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "udp"})
  void thePortmapperIsAskedOverTheTransportOfTheLookup(String protocol) {
    RpcServer square = start(square(1));
    RpcServer.Builder only = RpcServer.builder().bindAddress(InetAddress.getLoopbackAddress());
    RpcServer portmapper =
        ("tcp".equals(protocol) ? only.tcp(0) : only.udp(0))
            .program(pmapV2(square.tcpPort()))
            .start();
    servers.add(portmapper);
    int port = "tcp".equals(protocol) ? portmapper.tcpPort() : portmapper.udpPort();

    assertThat(
            RpcClientFactory.DEFAULT
                .withPortmapperPort(port)
                .lookup("127.0.0.1", PROG, 1, protocol))
        .isEqualTo(new InetSocketAddress("127.0.0.1", square.tcpPort()));
  }

  @Test
  void aPortmapperThatRefusesTheConnectionIsAFailureThatSaysSo() throws Exception {
    int nobody;
    try (java.net.ServerSocket free =
        new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      nobody = free.getLocalPort();
    }

    assertThatThrownBy(
            () ->
                RpcClientFactory.DEFAULT
                    .withPortmapperPort(nobody)
                    .withLookupTimeout(Duration.ofSeconds(5))
                    .lookup("127.0.0.1", PROG, 1, "tcp"))
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.status()).isEqualTo(RpcStatus.PMAP_FAILURE))
        .hasMessageMatching(
            "127\\.0\\.0\\.1: RPC: Port mapper failure; RPC: Unable to [a-z]+; errno = Connection"
                + " refused.*");
  }

  @Test
  void aLostUdpLookupIsSentAgainAfterThreeSecondsWithinTheLookupTimeout() {
    RpcServer square = start(square(1));
    AtomicInteger asked = new AtomicInteger();
    RpcServer portmapper =
        start(
            pmapV2(
                mapping -> {
                  if (asked.incrementAndGet() == 1) {
                    // As if the datagram were lost: no reply at all.
                    throw new NoReplyException("the first GETPORT is lost");
                  }
                  return square.tcpPort();
                }));

    // Resent after 3 s, not only at the 5 s timeout, when the lookup would already have failed.
    assertThat(
            factoryFor(portmapper)
                .withLookupTimeout(Duration.ofSeconds(5))
                .lookup("127.0.0.1", PROG, 1, "udp"))
        .isEqualTo(new InetSocketAddress("127.0.0.1", square.tcpPort()));
    assertThat(asked).hasValue(2);
  }
}
