package io.jrpcgen.server;

import static io.jrpcgen.server.RawWire.call;
import static io.jrpcgen.server.RawWire.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.internal.rpc.Reply;
import io.jrpcgen.observe.RpcConnection;
import io.jrpcgen.observe.RpcListener;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.testsupport.CapturedLog;
import io.jrpcgen.xdr.XdrCodec;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.ConnectException;
import java.net.DatagramSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What {@link RpcServer#close()} waits for and what it does not: calls that never end, a grace
 * period far longer than anything in progress, connections waiting at their limit of pending calls,
 * and a caller that was interrupted.
 */
class ServerCloseTest {
  private static final int PROGRAM = 0x2000_6161;

  /** {@code void BLOCK(void)}: holds its thread until the test releases it. */
  private static final int BLOCK = 1;

  /** {@code int WAIT(void)}: replies when the test completes {@link #later}. */
  private static final int WAIT = 2;

  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch blocked = new CountDownLatch(2);
  private final CountDownLatch waits = new CountDownLatch(2);
  private final CountDownLatch connectionClosed = new CountDownLatch(1);
  private final Set<SocketAddress> closedPeers = ConcurrentHashMap.newKeySet();
  private final CompletableFuture<Integer> later = new CompletableFuture<>();
  private final Opened opened = new Opened();

  @RegisterExtension final CapturedLog log = new CapturedLog(RpcServer.class.getName());

  @AfterEach
  void closeAll() throws Exception {
    release.countDown();
    later.complete(0);
    opened.close();
  }

  private ProgramDefinition program() {
    return ProgramDefinition.builder(PROGRAM, 1)
        .procedure(
            Procedure.ofVoid(
                BLOCK,
                "BLOCK",
                XdrCodec.VOID,
                (call, v) -> {
                  blocked.countDown();
                  try {
                    release.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }))
        .procedure(
            Procedure.ofAsync(
                WAIT,
                "WAIT",
                XdrCodec.VOID,
                XdrCodec.INT,
                (call, v) -> {
                  waits.countDown();
                  return later;
                }))
        .build();
  }

  private RpcServer start(RpcServer.Builder builder) {
    RpcServer server =
        builder
            .program(program())
            .bindAddress(RawWire.LOOPBACK)
            // The end of a connection's thread: the last thing it does is to tell the listener.
            .listener(
                new RpcListener() {
                  @Override
                  public void connectionClosed(RpcConnection connection) {
                    closedPeers.add(connection.peer());
                    connectionClosed.countDown();
                  }
                })
            .start();
    opened.add(server);
    return server;
  }

  /** Closes {@code server} on a thread of its own and says whether close() returned in time. */
  private static boolean closesInTime(RpcServer server) throws InterruptedException {
    Thread closer = new Thread(server::close, "test-closer");
    closer.setDaemon(true);
    closer.start();
    closer.join(RawWire.TIMEOUT_MS);
    return !closer.isAlive();
  }

  /** Whether a live thread of this JVM has the name {@code name}. */
  private static boolean threadNamed(String name) {
    return liveThread(name).isPresent();
  }

  /** Starts a BLOCK call on {@code tcp} and one over UDP, and waits until both run. */
  private void blockOnBothTransports(RpcServer server, Socket tcp) throws Exception {
    RawWire.send(tcp, record(call(1, PROGRAM, 1, BLOCK)));
    RawWire.send(opened.udpSocket(), server, call(2, PROGRAM, 1, BLOCK));
    assertThat(blocked.await(RawWire.TIMEOUT_MS, TimeUnit.MILLISECONDS)).isTrue();
  }

  @Test
  void closeGivesUpOnCallsThatNeverEndOnceItsGraceHasPassed() throws Exception {
    RpcServer server = start(RpcServer.builder().port(0).closeGrace(Duration.ofMillis(100)));
    Socket tcp = opened.connect(server);
    blockOnBothTransports(server, tcp);

    assertThat(closesInTime(server)).as("close() returned while both calls are blocked").isTrue();
    RawWire.assertClosedByServer(tcp);
    assertThat(server.awaitTermination(Duration.ZERO)).isTrue();
  }

  @Test
  void aUdpReplyLeftBehindByCloseIsOneDebugLineAsOnTcp() throws Exception {
    RpcServer server = start(RpcServer.builder().udp(0).closeGrace(Duration.ofMillis(100)));
    DatagramSocket udp = opened.udpSocket();
    // The late reply first: the blocked call then holds the socket's one thread.
    RawWire.send(udp, server, call(1, PROGRAM, 1, WAIT));
    RawWire.send(udp, server, call(2, PROGRAM, 1, BLOCK));
    RawWire.awaitTrue("both calls running", () -> waits.getCount() == 1 && blocked.getCount() == 1);
    assertThat(closesInTime(server)).isTrue();

    // Both calls end after close() gave up on them and closed the socket: neither reply can leave.
    later.complete(7);
    release.countDown();
    String client = udp.getLocalSocketAddress().toString();
    RawWire.awaitTrue(
        "both replies' failures logged",
        () -> log.records().stream().filter(r -> r.getMessage().contains(client)).count() == 2);
    assertThat(log.messages(Level.WARNING)).isEmpty();
    assertThat(log.messages(Level.FINE))
        .filteredOn(m -> m.contains(client))
        .hasSize(2)
        .allMatch(m -> m.startsWith("UDP reply to " + client + " dropped: the server closed ("));
  }

  @Test
  void closeWaitsForNothingOnceTheCallsHaveReplied() throws Exception {
    RpcServer server = start(RpcServer.builder().port(0).closeGrace(Duration.ofHours(1)));
    Socket tcp = opened.connect(server);
    DatagramSocket udp = opened.udpSocket();
    // Each call is followed by a NULLPROC call, answered first: the WAIT calls reply late.
    RawWire.send(
        tcp, RawWire.concat(record(call(1, PROGRAM, 1, WAIT)), record(call(2, PROGRAM, 1, 0))));
    RawWire.assertReply(RawWire.readRecord(tcp), new Reply.Success(2, OpaqueAuth.NONE));
    RawWire.send(udp, server, call(3, PROGRAM, 1, WAIT));
    RawWire.send(udp, server, call(4, PROGRAM, 1, 0));
    RawWire.assertReply(RawWire.receive(udp), new Reply.Success(4, OpaqueAuth.NONE));
    later.complete(7);
    RawWire.assertIntResult(RawWire.readRecord(tcp), 1, 7);
    RawWire.assertIntResult(RawWire.receive(udp), 3, 7);

    assertThat(closesInTime(server)).as("close() returned with nothing in progress").isTrue();
    RawWire.assertClosedByServer(tcp);
  }

  @Test
  void aConnectionWaitingAtItsLimitOfPendingCallsEndsWithTheServer() throws Exception {
    RpcServer server =
        start(RpcServer.builder().port(0).maxPendingCalls(1).closeGrace(Duration.ofMillis(100)));
    Socket tcp = opened.connect(server);
    DatagramSocket udp = opened.udpSocket();
    String udpThread = "jrpcgen-udp-" + server.udpPort();
    // Each at its limit: one call waits for a reply that never comes, so neither reads on.
    RawWire.send(tcp, record(call(1, PROGRAM, 1, WAIT)));
    RawWire.send(udp, server, call(2, PROGRAM, 1, WAIT));
    assertThat(waits.await(RawWire.TIMEOUT_MS, TimeUnit.MILLISECONDS)).isTrue();
    assertThat(threadNamed(udpThread)).isTrue();

    assertThat(closesInTime(server)).isTrue();
    RawWire.assertClosedByServer(tcp);
    assertThat(connectionClosed.await(RawWire.TIMEOUT_MS, TimeUnit.MILLISECONDS))
        .as("the connection's thread ended")
        .isTrue();
    RawWire.awaitTrue("the UDP thread ended", () -> !threadNamed(udpThread));
  }

  @Test
  void anInterruptedCloserStillClosesAndKeepsItsInterrupt() throws Exception {
    RpcServer server = start(RpcServer.builder().port(0).closeGrace(Duration.ofMillis(100)));
    Socket tcp = opened.connect(server);
    blockOnBothTransports(server, tcp);

    boolean interrupted;
    Thread.currentThread().interrupt();
    try {
      server.close();
    } finally {
      interrupted = Thread.interrupted();
    }
    assertThat(interrupted).as("the interrupt status after close()").isTrue();
    assertThat(server.awaitTermination(Duration.ZERO)).isTrue();
    RawWire.assertClosedByServer(tcp);
  }

  @Test
  void shutdownOnSignalClosesTheServerFromAHookOfTheJvm() throws Exception {
    RpcServer plain = start(RpcServer.builder().tcp(0));
    assertThat(shutdownHook(plain)).as("a hook without shutdownOnSignal").isNull();
    RpcServer server = start(RpcServer.builder().tcp(0).shutdownOnSignal());
    int port = server.tcpPort();
    Thread hook = shutdownHook(server);
    // Taken out, as the JVM does before it runs its hooks; then run as the JVM would.
    assertThat(Runtime.getRuntime().removeShutdownHook(hook)).as("registered").isTrue();
    hook.start();
    hook.join(RawWire.TIMEOUT_MS);
    assertThat(server.awaitTermination(Duration.ZERO)).isTrue();
    assertThatThrownBy(() -> new Socket(RawWire.LOOPBACK, port).close())
        .isInstanceOf(ConnectException.class);
  }

  @Test
  void awaitTerminationReturnsOnceTheServerIsClosed() throws Exception {
    RpcServer server = start(RpcServer.builder().tcp(0));
    int port = server.tcpPort();
    assertThat(server.awaitTermination(Duration.ofMillis(50))).as("open").isFalse();
    AtomicReference<String> afterWait = new AtomicReference<>();
    Thread awaiter =
        new Thread(
            () -> {
              try {
                server.awaitTermination();
                afterWait.set(refusesConnections(port) ? "closed" : "still serving");
              } catch (InterruptedException e) {
                afterWait.set("interrupted");
              }
            },
            "test-awaiter");
    awaiter.setDaemon(true);
    awaiter.start();
    RawWire.awaitTrue(
        "the awaiter waiting or done",
        () -> awaiter.getState() == Thread.State.WAITING || !awaiter.isAlive());
    server.close();
    awaiter.join(RawWire.TIMEOUT_MS);
    assertThat(afterWait.get()).isEqualTo("closed");
  }

  @Test
  void theServersOwnThreadsDoNotKeepTheJvmAlive() {
    RpcServer server = start(RpcServer.builder().port(0));
    int port = server.tcpPort();
    for (String name :
        List.of(
            "jrpcgen-tcp-accept-" + port, "jrpcgen-tcp-watchdog-" + port, "jrpcgen-udp-" + port)) {
      assertThat(liveThread(name)).as(name).get().returns(true, Thread::isDaemon);
    }
  }

  @Test
  void closeWaitsForALateTcpReplyAndACallReadMeanwhileEndsWithTheConnection() throws Exception {
    RpcServer server = start(RpcServer.builder().tcp(0).closeGrace(Duration.ofSeconds(30)));
    Socket tcp = opened.connect(server);
    RawWire.send(tcp, record(call(1, PROGRAM, 1, WAIT)));
    RawWire.awaitTrue("WAIT called", () -> waits.getCount() == 1);
    Thread closer = new Thread(server::close, "test-closer");
    closer.setDaemon(true);
    closer.start();
    RawWire.awaitTrue(
        "close() waiting for the late reply",
        () ->
            refusesConnections(server.tcpPort())
                && closer.getState() == Thread.State.TIMED_WAITING);
    // Read while close() holds the connection: its thread waits until close() lets go.
    RawWire.send(tcp, record(call(2, PROGRAM, 1, 0)));
    liveThread("jrpcgen-tcp-/127.0.0.1:" + tcp.getLocalPort())
        .ifPresent(
            t -> RawWire.awaitTrue("the call read", () -> t.getState() == Thread.State.WAITING));

    later.complete(7);
    RawWire.assertIntResult(RawWire.readRecord(tcp), 1, 7);
    RawWire.assertClosedByServer(tcp);
    closer.join(RawWire.TIMEOUT_MS);
    assertThat(closer.isAlive()).as("close() still running").isFalse();
    RawWire.awaitTrue(
        "the connection's thread ended", () -> closedPeers.contains(tcp.getLocalSocketAddress()));
  }

  private static boolean refusesConnections(int port) {
    try (Socket probe = new Socket(RawWire.LOOPBACK, port)) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  /**
   * The live platform thread named {@code name}; none for a virtual thread (Java 21+), which {@link
   * Thread#getAllStackTraces()} does not list.
   */
  private static Optional<Thread> liveThread(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().equals(name))
        .findFirst();
  }

  /** The server's shutdown hook: private, as no caller but the JVM has any use for it. */
  private static Thread shutdownHook(RpcServer server) throws ReflectiveOperationException {
    Field hook = RpcServer.class.getDeclaredField("shutdownHook");
    hook.setAccessible(true);
    return (Thread) hook.get(server);
  }
}
