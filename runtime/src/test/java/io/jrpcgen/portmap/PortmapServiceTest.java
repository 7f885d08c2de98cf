package io.jrpcgen.portmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.jrpcgen.rpc.AuthStat;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.rpc.RpcAuthException;
import io.jrpcgen.server.NoReplyException;
import io.jrpcgen.xdr.Opaque;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The embedded portmapper's rules, called directly with made-up callers. */
class PortmapServiceTest {
  private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 900);
  private static final InetSocketAddress LOCAL6 = new InetSocketAddress("::1", 900);
  // TEST-NET-2 (RFC 5737): on no network of this host, we hope (TEST-NET-1 is on some).
  private static final InetSocketAddress REMOTE = new InetSocketAddress("198.51.100.77", 900);
  private static final int PROG = 0x2000_0101;

  private final Registry registry = new Registry(16);
  private final PortmapService service =
      new PortmapService(
          registry,
          new LivenessPolicy(
              new LivenessProbe(Duration.ofSeconds(2))::probe, Long.MAX_VALUE, System::nanoTime),
          true,
          Duration.ofSeconds(1));

  @Test
  void onlyLoopbackCallersMaySetAndUnset() {
    for (Runnable call :
        List.<Runnable>of(
            () -> service.pmapSet(new Mapping(PROG, 1, 6, 2000), REMOTE),
            () -> service.pmapUnset(new Mapping(PROG, 1, 0, 0), REMOTE),
            () -> service.rpcbSet(new Rpcb(PROG, 1, "tcp", "127.0.0.1.7.208", ""), REMOTE),
            () -> service.rpcbUnset(Rpcb.query(PROG, 1, ""), REMOTE))) {
      assertThatThrownBy(call::run)
          .isInstanceOfSatisfying(
              RpcAuthException.class,
              e -> assertThat(e.authStat()).isEqualTo(AuthStat.AUTH_TOOWEAK));
    }
    assertThat(registry.registered()).isEmpty();

    assertThat(service.pmapSet(new Mapping(PROG, 1, 6, 2000), LOCAL)).isTrue();
    assertThat(service.rpcbSet(new Rpcb(PROG, 1, "udp6", "::1.7.208", "me"), LOCAL6)).isTrue();
    assertThatThrownBy(() -> service.rpcbUnset(Rpcb.query(PROG, 1, ""), REMOTE))
        .isInstanceOf(RpcAuthException.class);
    assertThat(registry.registered())
        .containsExactly(
            new Rpcb(PROG, 1, "tcp", "0.0.0.0.7.208", "unknown"),
            new Rpcb(PROG, 1, "udp6", "::1.7.208", "me"));
  }

  @Test
  void setRefusesWhatIsTakenOrMalformed() {
    assertThat(service.pmapSet(new Mapping(PROG, 1, 6, 2000), LOCAL)).isTrue();
    assertThat(service.pmapSet(new Mapping(PROG, 1, 6, 2001), LOCAL)).isFalse();
    assertThat(service.rpcbSet(new Rpcb(PROG, 1, "tcp", "127.0.0.1.7.209", ""), LOCAL)).isFalse();
    assertThat(service.pmapSet(new Mapping(PROG, 2, 132, 2000), LOCAL)).as("SCTP").isFalse();
    assertThat(service.pmapSet(new Mapping(PROG, 2, 6, 0), LOCAL)).isFalse();
    assertThat(service.pmapSet(new Mapping(PROG, 2, 6, 70_000), LOCAL)).isFalse();
    assertThat(service.rpcbSet(new Rpcb(PROG, 2, "", "127.0.0.1.7.209", ""), LOCAL)).isFalse();
    assertThat(service.rpcbSet(new Rpcb(PROG, 2, "tcp", "", ""), LOCAL)).isFalse();
    assertThat(service.rpcbSet(new Rpcb(PROG, 2, "tcp", "x".repeat(257), ""), LOCAL)).isFalse();
    assertThat(registry.registered()).hasSize(1);
  }

  @Test
  void setOfWhatIsRegisteredAlreadySucceedsAsInRpcbind() {
    assertThat(service.rpcbSet(new Rpcb(PROG, 1, "udp", "127.0.0.1.7.208", ""), LOCAL)).isTrue();
    assertThat(service.pmapSet(new Mapping(PROG, 1, 17, 2000), LOCAL)).isFalse();
    assertThat(service.pmapSet(new Mapping(PROG, 1, 17, 2000), LOCAL)).isFalse();
    assertThat(service.rpcbSet(new Rpcb(PROG, 1, "udp", "127.0.0.1.7.208", "x"), LOCAL)).isTrue();
    assertThat(registry.registered()).hasSize(1);
  }

  @Test
  void setTakesWhatIsAtTheLimits() {
    assertThat(service.pmapSet(new Mapping(PROG, 1, 6, 65_535), LOCAL)).isTrue();
    assertThat(service.pmapSet(new Mapping(PROG, 2, 6, 1), LOCAL)).isTrue();
    assertThat(
            service.rpcbSet(
                new Rpcb(PROG, 3, "n".repeat(32), "a".repeat(256), "o".repeat(256)), LOCAL))
        .isTrue();
    assertThat(service.rpcbSet(new Rpcb(PROG, 4, "n".repeat(33), "a", ""), LOCAL)).isFalse();
    assertThat(service.rpcbSet(new Rpcb(PROG, 4, "n", "a", "o".repeat(257)), LOCAL)).isFalse();
    assertThat(registry.all())
        .extracting(Rpcb::owner)
        .containsExactly("unknown", "unknown", "o".repeat(256));
  }

  @Test
  void theRegistryIsBounded() {
    for (int v = 0; v < 16; v++) {
      assertThat(service.pmapSet(new Mapping(PROG, v, 17, 2000), LOCAL)).isTrue();
    }
    assertThat(service.pmapSet(new Mapping(PROG, 16, 17, 2000), LOCAL)).isFalse();
  }

  @Test
  void unsetRemovesOneNetidOrAll() {
    service.rpcbSet(new Rpcb(PROG, 1, "tcp", "127.0.0.1.7.208", ""), LOCAL);
    service.rpcbSet(new Rpcb(PROG, 1, "udp", "127.0.0.1.7.208", ""), LOCAL);
    service.rpcbSet(new Rpcb(PROG, 1, "tcp6", "::1.7.208", ""), LOCAL);
    service.rpcbSet(new Rpcb(PROG, 2, "tcp", "127.0.0.1.7.208", ""), LOCAL);
    assertThat(service.rpcbUnset(Rpcb.query(PROG, 1, "udp"), LOCAL)).isTrue();
    assertThat(service.rpcbUnset(Rpcb.query(PROG, 1, "udp"), LOCAL)).isFalse();
    // PMAP's UNSET: TCP and UDP over IPv4, whatever the mapping's protocol says.
    assertThat(service.pmapUnset(new Mapping(PROG, 1, 17, 0), LOCAL)).isTrue();
    assertThat(registry.registered())
        .extracting(Rpcb::netid, Rpcb::version)
        .containsExactly(tuple("tcp6", 1), tuple("tcp", 2));
    assertThat(service.rpcbUnset(Rpcb.query(PROG, 1, ""), LOCAL)).isTrue();
    assertThat(service.rpcbUnset(Rpcb.query(PROG, 2, ""), LOCAL)).isTrue();
    assertThat(registry.registered()).isEmpty();
  }

  @Test
  void theEntriesOfThePortmapperItselfStay() {
    registry.addPermanent(new Rpcb(PortmapProtocol.PROGRAM, 2, "tcp", "0.0.0.0.0.111", "x"));
    assertThat(service.pmapUnset(new Mapping(PortmapProtocol.PROGRAM, 2, 6, 0), LOCAL)).isFalse();
    assertThat(service.pmapGetPort(new Mapping(PortmapProtocol.PROGRAM, 2, 6, 0))).isEqualTo(111);
    assertThat(service.pmapDump()).containsExactly(new Mapping(PortmapProtocol.PROGRAM, 2, 6, 111));
  }

  @Test
  void lookupsPreferTheVersionAskedForElseAnyVersion() throws IOException {
    try (ServerSocket v1 = listener();
        ServerSocket v3 = listener()) {
      service.pmapSet(new Mapping(PROG, 1, 6, v1.getLocalPort()), LOCAL);
      service.rpcbSet(
          new Rpcb(
              PROG,
              3,
              "tcp",
              "127.0.0.1." + (v3.getLocalPort() >> 8) + "." + (v3.getLocalPort() & 255),
              ""),
          LOCAL);
      assertThat(service.pmapGetPort(new Mapping(PROG, 3, 6, 0))).isEqualTo(v3.getLocalPort());
      assertThat(service.pmapGetPort(new Mapping(PROG, 1, 6, 0))).isEqualTo(v1.getLocalPort());
      // No version 2: another version's port, so that the caller hears the versions there are.
      assertThat(service.pmapGetPort(new Mapping(PROG, 2, 6, 0))).isEqualTo(v1.getLocalPort());
      assertThat(service.pmapGetPort(new Mapping(PROG, 2, 17, 0))).isZero();
      assertThat(service.pmapGetPort(new Mapping(PROG + 1, 1, 6, 0))).isZero();
      assertThat(service.getAddr(Rpcb.query(PROG, 2, ""), "tcp", LOCAL, false))
          .isEqualTo("127.0.0.1." + (v1.getLocalPort() >> 8) + "." + (v1.getLocalPort() & 255));
      assertThat(service.getAddr(Rpcb.query(PROG, 2, ""), "tcp", LOCAL, true)).isEmpty();
      assertThat(service.getAddr(Rpcb.query(PROG, 1, "tcp"), "udp", LOCAL, false)).isEmpty();
    }
  }

  @Test
  void aDeadRegistrantIsForgottenOnLookup() throws IOException {
    int tcpPort;
    try (ServerSocket gone = listener()) {
      tcpPort = gone.getLocalPort();
      service.pmapSet(new Mapping(PROG, 1, 6, tcpPort), LOCAL);
      assertThat(service.pmapGetPort(new Mapping(PROG, 1, 6, 0))).isEqualTo(tcpPort);
    }
    int udpPort;
    try (DatagramSocket gone = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      udpPort = gone.getLocalPort();
    }
    service.pmapSet(new Mapping(PROG, 1, 17, udpPort), LOCAL);
    assertThat(registry.registered()).hasSize(2);

    // Nothing listens any more: a refused connection, an ICMP port unreachable.
    assertThat(service.pmapGetPort(new Mapping(PROG, 1, 6, 0))).isZero();
    assertThat(service.getAddr(Rpcb.query(PROG, 1, ""), "udp", LOCAL, false)).isEmpty();
    assertThat(registry.registered()).isEmpty();
  }

  @Test
  void wildcardAddressesAreAnsweredAsReachableOnes() {
    assertThat(PortmapService.reachableAddress("0.0.0.0.4.1", LOCAL)).isEqualTo("127.0.0.1.4.1");
    assertThat(PortmapService.reachableAddress("::.4.1", LOCAL6)).isEqualTo("::1.4.1");
    assertThat(PortmapService.reachableAddress("10.1.2.3.4.1", LOCAL)).isEqualTo("10.1.2.3.4.1");
    assertThat(PortmapService.reachableAddress("/run/x.sock", LOCAL)).isEqualTo("/run/x.sock");
    // A caller on no network of this host: left as registered.
    assertThat(PortmapService.reachableAddress("0.0.0.0.4.1", REMOTE)).isEqualTo("0.0.0.0.4.1");
  }

  @Test
  void aCallerOnALocalNetworkGetsThisHostsAddressThere() throws IOException {
    for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      for (InterfaceAddress ia : nif.getInterfaceAddresses()) {
        InetAddress own = ia.getAddress();
        if (own instanceof Inet4Address
            && !own.isLoopbackAddress()
            && ia.getNetworkPrefixLength() <= 30) {
          byte[] peer = own.getAddress();
          peer[3] ^= 1;
          InetSocketAddress caller = new InetSocketAddress(InetAddress.getByAddress(peer), 900);
          assertThat(PortmapService.reachableAddress("0.0.0.0.4.1", caller))
              .isEqualTo(own.getHostAddress() + ".4.1");
          return;
        }
      }
    }
    Assumptions.abort("this host has no IPv4 network but loopback");
  }

  @Test
  void callItIsSilentUnlessItCanForward() {
    RemoteCallArgs toNobody = new RemoteCallArgs(PROG, 1, 1, Opaque.EMPTY);
    assertThatThrownBy(() -> service.callIt(toNobody, true, LOCAL, OpaqueAuth.NONE))
        .isInstanceOf(NoReplyException.class)
        .hasMessageContaining("not registered");
    assertThatThrownBy(() -> service.callIt(toNobody, false, LOCAL, OpaqueAuth.NONE))
        .isInstanceOf(NoReplyException.class)
        .hasMessage("CALLIT over TCP");
    // Never on a remote caller's behalf to the portmapper itself (a SET from loopback).
    RemoteCallArgs set = new RemoteCallArgs(PortmapProtocol.PROGRAM, 2, 1, Opaque.EMPTY);
    assertThatThrownBy(() -> service.callIt(set, true, REMOTE, OpaqueAuth.NONE))
        .isInstanceOf(NoReplyException.class)
        .hasMessage("CALLIT to the portmapper itself");
  }

  @Test
  void callItIsSilentWhenRemoteCallsAreOff() {
    PortmapService off =
        new PortmapService(
            registry,
            new LivenessPolicy(
                rpcb -> LivenessProbe.Verdict.ALIVE, Long.MAX_VALUE, System::nanoTime),
            false,
            Duration.ofSeconds(1));
    off.rpcbSet(new Rpcb(PROG, 1, "udp", "127.0.0.1.7.208", ""), LOCAL);
    RemoteCallArgs call = new RemoteCallArgs(PROG, 1, 1, Opaque.EMPTY);
    assertThatThrownBy(() -> off.callIt(call, true, LOCAL, OpaqueAuth.NONE))
        .isInstanceOf(NoReplyException.class)
        .hasMessage("CALLIT: remote calls are off");
  }

  private static ServerSocket listener() throws IOException {
    return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
  }
}
