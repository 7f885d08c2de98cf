package io.jrpcgen.portmap;

import static io.jrpcgen.portmap.EmbeddedPortmapperTest.LOOPBACK;
import static io.jrpcgen.portmap.EmbeddedPortmapperTest.square;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.testsupport.CapturedLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The registrar against portmappers made for the case: full, PMAP only, gone. */
class PortmapRegistrarTest {
  static final int PROG = 0x2000_0a04;

  private final List<AutoCloseable> closeAfter = new ArrayList<>();
  private Registry registry;
  private RpcServer portmapperServer;

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closeAfter) {
      c.close();
    }
  }

  /** A portmapper of {@code capacity} registrations: PMAP only, or rpcbind versions too. */
  private PortmapRegistrar portmapper(int capacity, boolean pmapOnly) {
    registry = new Registry(capacity);
    PortmapService service =
        new PortmapService(
            registry,
            new LivenessPolicy(
                new LivenessProbe(Duration.ofSeconds(1))::probe, Long.MAX_VALUE, System::nanoTime),
            false,
            Duration.ofSeconds(1));
    RpcServer.Builder b = RpcServer.builder().bindAddress(LOOPBACK).port(0);
    (pmapOnly ? service.definitions().subList(0, 1) : service.definitions()).forEach(b::program);
    RpcServer server = b.start();
    closeAfter.add(0, server);
    portmapperServer = server;
    return PortmapRegistrar.at(new InetSocketAddress(LOOPBACK, server.tcpPort()));
  }

  private RpcServer start(RpcServer.Builder builder) {
    RpcServer server = builder.start();
    closeAfter.add(0, server);
    return server;
  }

  /** Waits (bounded) until the portmapper has no connection open, and says if it has. */
  private void assertNoConnectionToThePortmapper() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (portmapperServer.connectionCount() > 0 && System.nanoTime() - deadline < 0) {
      Thread.sleep(10);
    }
    assertThat(portmapperServer.connectionCount()).as("connections to the portmapper").isZero();
  }

  @Test
  void settingsAreCheckedAndKept() {
    assertThat(PortmapRegistrar.local().portmapper())
        .isEqualTo(new InetSocketAddress(LOOPBACK, 111));
    PortmapRegistrar registrar = PortmapRegistrar.local().withTimeout(Duration.ofSeconds(1));
    assertThat(registrar.portmapper()).isEqualTo(new InetSocketAddress(LOOPBACK, 111));
    for (Duration bad : new Duration[] {Duration.ZERO, Duration.ofSeconds(-1), null}) {
      assertThatThrownBy(() -> registrar.withTimeout(bad)).hasMessage("timeout <= 0: " + bad);
    }
    assertThatThrownBy(() -> registrar.orEmbedded(null)).hasMessage("bindAddress is null");
    assertThatThrownBy(() -> PortmapRegistrar.at(InetSocketAddress.createUnresolved("x", 111)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aRefusedRegistrationFailsStartAndLeavesNothingRegistered(boolean pmapOnly) {
    PortmapRegistrar registrar = portmapper(1, pmapOnly);
    assertThatThrownBy(
            () ->
                start(
                    RpcServer.builder()
                        .bindAddress(LOOPBACK)
                        .port(0)
                        .program(square(PROG, 1))
                        .registrar(registrar)))
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.status()).isEqualTo(RpcStatus.PMAP_FAILURE))
        .hasMessage(
            "127.0.0.1: RPC: Port mapper failure; unable to register ("
                + Integer.toUnsignedString(PROG)
                + ", 1, udp): another server registered it"
                + " meanwhile, or the portmapper refused");
    assertThat(registry.all()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void everyConnectionToThePortmapperIsClosed(boolean pmapOnly) throws Exception {
    PortmapRegistrar registrar = portmapper(1, pmapOnly);
    RpcServer udpOnly =
        start(
            RpcServer.builder()
                .bindAddress(LOOPBACK)
                .udp(0)
                .program(square(PROG, 1))
                .registrar(registrar));
    assertNoConnectionToThePortmapper();
    // The portmapper is full: this registration fails.
    assertThatThrownBy(
            () ->
                start(
                    RpcServer.builder()
                        .bindAddress(LOOPBACK)
                        .tcp(0)
                        .program(square(PROG + 1, 1))
                        .registrar(registrar)))
        .isInstanceOf(RpcException.class);
    assertNoConnectionToThePortmapper();
    udpOnly.close();
    assertThat(registry.all()).isEmpty();
    assertNoConnectionToThePortmapper();
  }

  @Test
  void aPortmapperThatNeverAnswersIsLeftWithItsConnectionClosed() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, LOOPBACK)) {
      CompletableFuture<Integer> endOfStream =
          CompletableFuture.supplyAsync(
              () -> {
                try (Socket s = silent.accept()) {
                  s.setSoTimeout(20_000);
                  InputStream in = s.getInputStream();
                  while (in.read() >= 0) {
                    // The registrar's call, never answered.
                  }
                  return -1;
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      PortmapRegistrar registrar =
          PortmapRegistrar.at(new InetSocketAddress(LOOPBACK, silent.getLocalPort()))
              .withTimeout(Duration.ofMillis(300));
      assertThatThrownBy(
              () ->
                  start(
                      RpcServer.builder()
                          .bindAddress(LOOPBACK)
                          .port(0)
                          .program(square(PROG, 1))
                          .registrar(registrar)))
          .isInstanceOfSatisfying(
              RpcException.class, e -> assertThat(e.status()).isEqualTo(RpcStatus.PMAP_FAILURE))
          .hasMessageContaining("no portmapper answers");
      assertThat(endOfStream.get(30, TimeUnit.SECONDS)).as("the registrar closed").isEqualTo(-1);
    }
  }

  @Test
  void aWildcardServerRegistersEachFamilyAndPmapOnlyIpv4() {
    PortmapRegistrar registrar = portmapper(16, false);
    RpcServer server =
        start(RpcServer.builder().port(0).program(square(PROG, 1)).registrar(registrar));
    int port = server.tcpPort();
    String low = "." + (port >> 8) + "." + (port & 255);
    List<Rpcb> expected =
        new ArrayList<>(
            List.of(new Rpcb(PROG, 1, "tcp", "0.0.0.0" + low, System.getProperty("user.name"))));
    if (IpAddresses.wildcardIsDualStack()) {
      expected.add(new Rpcb(PROG, 1, "tcp6", "::" + low, System.getProperty("user.name")));
    }
    assertThat(registry.all()).containsAll(expected).extracting(Rpcb::netid).contains("udp");
    server.close();
    assertThat(registry.all()).isEmpty();

    PortmapRegistrar pmap = portmapper(16, true);
    RpcServer classic = start(RpcServer.builder().port(0).program(square(PROG, 1)).registrar(pmap));
    assertThat(registry.all()).extracting(Rpcb::netid).containsExactly("tcp", "udp");
    classic.close();
    assertThat(registry.all()).isEmpty();
  }

  @Test
  void overPmapAServerUnregistersOnlyWhenEverythingUnsetWouldRemoveIsItsOwn() {
    PortmapRegistrar registrar = portmapper(16, true);
    // Another program's registration, which no UNSET of PROG may touch.
    start(
        RpcServer.builder()
            .bindAddress(LOOPBACK)
            .port(0)
            .program(square(PROG + 1, 1))
            .registrar(registrar));
    RpcServer tcpOnly =
        start(
            RpcServer.builder()
                .bindAddress(LOOPBACK)
                .tcp(0)
                .program(square(PROG, 1))
                .registrar(registrar));
    RpcServer udpOnly =
        start(
            RpcServer.builder()
                .bindAddress(LOOPBACK)
                .udp(0)
                .program(square(PROG, 1))
                .registrar(registrar));
    assertThat(registry.all()).hasSize(4);
    // PMAP's UNSET would take the other server's registration too: both stay, for a later
    // server to replace once its server is gone.
    tcpOnly.close();
    assertThat(registry.all())
        .filteredOn(r -> r.program() == PROG)
        .extracting(Rpcb::netid)
        .containsExactly("tcp", "udp");
    udpOnly.close();
    assertThat(registry.all())
        .filteredOn(r -> r.program() == PROG)
        .extracting(Rpcb::netid)
        .containsExactly("tcp", "udp");
    // A server of PROG alone unregisters everything of it, and nothing of PROG + 1.
    registry.unset(PROG, 1, List.of());
    try (CapturedLog log = CapturedLog.of("io.jrpcgen.portmap")) {
      start(
              RpcServer.builder()
                  .bindAddress(LOOPBACK)
                  .port(0)
                  .program(square(PROG, 1))
                  .registrar(registrar))
          .close();
      assertThat(log.messages(Level.FINE)).anyMatch(m -> m.contains("] with portmapper at "));
    }
    assertThat(registry.all()).extracting(Rpcb::program).containsOnly(PROG + 1).hasSize(2);
  }

  @Test
  void whenNoPortmapperAnswersAndNoneCanBeStartedStartFails() throws Exception {
    // Something that is no portmapper holds the port: it closes every connection at once.
    try (ServerSocket squatter = new ServerSocket(0, 50, LOOPBACK);
        CapturedLog log = CapturedLog.of("io.jrpcgen.portmap")) {
      Thread closer =
          new Thread(
              () -> {
                while (!squatter.isClosed()) {
                  try {
                    squatter.accept().close();
                  } catch (IOException e) {
                    // Closed: the loop ends.
                  }
                }
              });
      closer.setDaemon(true);
      closer.start();
      int port = squatter.getLocalPort();
      PortmapRegistrar registrar =
          PortmapRegistrar.at(new InetSocketAddress(LOOPBACK, port))
              .withTimeout(Duration.ofSeconds(2))
              .orEmbedded();
      assertThatThrownBy(
              () ->
                  start(
                      RpcServer.builder()
                          .bindAddress(LOOPBACK)
                          .port(0)
                          .program(square(PROG, 1))
                          .registrar(registrar)))
          .isInstanceOfSatisfying(
              RpcException.class, e -> assertThat(e.status()).isEqualTo(RpcStatus.PMAP_FAILURE))
          .hasMessageContaining("no portmapper answers, not even an embedded one: ");
      assertThat(log.messages(Level.INFO))
          .anyMatch(
              m -> m.startsWith("cannot start an embedded portmapper on port " + port + ": "));
    }
  }

  @Test
  void theLogSaysWhatWasReplacedAndWhatCouldNotBeUnregistered() throws Exception {
    PortmapRegistrar registrar = portmapper(16, false);
    try (CapturedLog log = CapturedLog.of("io.jrpcgen.portmap")) {
      int gone = EmbeddedPortmapperTest.freePort();
      registry.set(new Rpcb(PROG, 1, "tcp", "127.0.0.1." + (gone >> 8) + "." + (gone & 255), "x"));
      RpcServer first =
          start(
              RpcServer.builder()
                  .bindAddress(LOOPBACK)
                  .port(0)
                  .program(square(PROG, 1))
                  .registrar(registrar));
      RpcServer second =
          start(
              RpcServer.builder()
                  .bindAddress(LOOPBACK)
                  .port(0)
                  .program(square(PROG, 1))
                  .registrar(registrar.replacingLive()));
      String tcp = Integer.toUnsignedString(PROG) + " version 1 over tcp (127.0.0.1.";
      assertThat(log.messages(Level.INFO))
          .anyMatch(
              m ->
                  m.startsWith(
                      "replacing the registration"
                          + " of "
                          + tcp
                          + (gone >> 8)
                          + "."
                          + (gone & 255)
                          + "): its server is gone"));
      assertThat(log.messages(Level.WARNING))
          .anyMatch(
              m ->
                  m.equals(
                      "replacing the registration"
                          + " of "
                          + tcp
                          + (first.tcpPort() >> 8)
                          + "."
                          + (first.tcpPort() & 255)
                          + ") although its server may still run, as asked"));
      assertThat(log.messages(Level.FINE))
          .anyMatch(
              m ->
                  m.startsWith(
                          "registered [(" + Integer.toUnsignedString(PROG) + ", 1, tcp, 127.0.0.1.")
                      && m.contains("] with rpcbind at "));
      closeAfter.remove(closeAfter.size() - 1).close();
      second.close();
      assertThat(log.messages(Level.WARNING))
          .anyMatch(m -> m.startsWith("cannot unregister from the portmapper at "));
    }
  }
}
