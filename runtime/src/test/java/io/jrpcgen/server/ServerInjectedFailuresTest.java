package io.jrpcgen.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.testsupport.CapturedLog;
import io.jrpcgen.xdr.XdrCodec;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Failures of the server's own sockets, injected through {@link RpcServer.SocketMaker}: what a full
 * heap, a descriptor limit or a taken port does to real sockets, without needing any.
 */
class ServerInjectedFailuresTest {
  private static final int LATE_PROGRAM = 0x2000_4329;
  private final TestProgram prog = new TestProgram();
  @RegisterExtension final CapturedLog log = new CapturedLog(RpcServer.class.getName());

  @Test
  void failedAcceptsAreReportedAndAcceptingGoesOn() throws Exception {
    AtomicInteger accepts = new AtomicInteger();
    RpcServer.SocketMaker failing =
        beforeEachAccept(
            n -> {
              accepts.set(n);
              if (n <= 3) {
                throw new OutOfMemoryError("no memory to accept (injected by the test)");
              }
            });
    try (RpcServer server = prog.server().tcp(0).sockets(failing).start()) {
      RawWire.assertServes(server);
      assertThat(accepts.get()).isGreaterThan(3);
      // Reported once: the rest of the failures fall in the same ten seconds.
      assertThat(warnings())
          .singleElement()
          .asString()
          .startsWith("cannot accept TCP connections on ServerSocket[")
          .endsWith(
              "localport="
                  + server.tcpPort()
                  + "]: java.lang.OutOfMemoryError: no memory"
                  + " to accept (injected by the test); going on");
    }
  }

  @Test
  void runningOutOfMemoryLetsTheReserveGoAndAcceptingTakesItBackFirst() throws Exception {
    Field reserve = RpcServer.class.getDeclaredField("reserve");
    reserve.setAccessible(true);
    AtomicReference<RpcServer> started = new AtomicReference<>();
    CountDownLatch known = new CountDownLatch(1);
    List<String> seen = new CopyOnWriteArrayList<>();
    Supplier<String> reserveState =
        () -> {
          try {
            return reserve.get(started.get()) == null ? "let go" : "held";
          } catch (IllegalAccessException e) {
            throw new AssertionError(e);
          }
        };
    RpcServer.SocketMaker failing =
        beforeEachAccept(
            n -> {
              try {
                known.await(RawWire.TIMEOUT_MS, TimeUnit.MILLISECONDS);
              } catch (InterruptedException e) {
                throw new InterruptedIOException();
              }
              seen.add("accept " + n + ": reserve " + reserveState.get());
              if (n == 1) {
                // Its report is made while the reserve is what backOff left of it.
                throw new OutOfMemoryError() {
                  @Override
                  public String toString() {
                    seen.add("report: reserve " + reserveState.get());
                    return "java.lang.OutOfMemoryError (injected by the test)";
                  }
                };
              }
            });
    try (RpcServer server = prog.server().tcp(0).sockets(failing).start()) {
      started.set(server);
      known.countDown();
      RawWire.assertServes(server);
      // The accept loop may be in a third accept by now, adding to seen: a snapshot is compared,
      // as a view of the list fails once the list changes under it.
      assertThat(List.copyOf(seen).subList(0, 3))
          .containsExactly(
              "accept 1: reserve held", "report: reserve let go", "accept 2: reserve held");
    }
  }

  @Test
  void aDatagramReceivedAsCloseBeginsLeavesNoUdpThreadBehind() throws Exception {
    CountDownLatch received = new CountDownLatch(1);
    CountDownLatch served = new CountDownLatch(1);
    RpcServer.SocketMaker pausing =
        maker(
            ServerSocket::new,
            local ->
                new DatagramSocket(local) {
                  @Override
                  public void receive(DatagramPacket p) throws IOException {
                    super.receive(p);
                    received.countDown();
                    try {
                      served.await(RawWire.TIMEOUT_MS, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                      throw new InterruptedIOException();
                    }
                  }
                });
    RpcServer server =
        prog.server().udp(0).closeGrace(Duration.ofMillis(100)).sockets(pausing).start();
    String udpThread = "jrpcgen-udp-" + server.udpPort();
    try (DatagramSocket client = RawWire.udpSocket()) {
      RawWire.send(client, server, RawWire.call(1, TestProgram.PROGRAM, TestProgram.V2, 0));
      assertThat(received.await(RawWire.TIMEOUT_MS, TimeUnit.MILLISECONDS)).isTrue();
      // Between the datagram's receipt and its service: close() finds the UDP service idle.
      server.close();
    } finally {
      served.countDown();
      server.close();
    }
    RawWire.awaitTrue(
        "the UDP thread ended",
        () ->
            Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && t.getName().equals(udpThread)));
  }

  @Test
  void aConnectionThatCannotBeStartedIsClosedAndNotCounted() throws Exception {
    AtomicInteger accepts = new AtomicInteger();
    RpcServer.SocketMaker failing =
        acceptingInto(
            () ->
                accepts.incrementAndGet() > 1
                    ? new Socket()
                    // The first connection's address cannot be described, as when the heap is
                    // full: its thread's name cannot be made, after the connection was counted.
                    : new Socket() {
                      @Override
                      public SocketAddress getRemoteSocketAddress() {
                        InetSocketAddress real = (InetSocketAddress) super.getRemoteSocketAddress();
                        return new InetSocketAddress(real.getAddress(), real.getPort()) {
                          @Override
                          public String toString() {
                            throw new OutOfMemoryError(
                                "no memory for a name (injected by the test)");
                          }
                        };
                      }
                    });
    try (RpcServer server = prog.server().tcp(0).sockets(failing).start();
        Socket victim = RawWire.connect(server)) {
      RawWire.assertClosedByServer(victim);
      assertThat(server.connectionCount()).isZero();
      RawWire.assertServes(server);
      assertThat(warnings())
          .singleElement()
          .asString()
          .endsWith("OutOfMemoryError: no memory for a name (injected by the test); going on");
    }
  }

  @Test
  void aFailedReceiveIsReportedAndUdpServiceGoesOn() throws Exception {
    RpcServer.SocketMaker failing = firstUdpFails("receive");
    try (RpcServer server = prog.server().udp(0).sockets(failing).start()) {
      RawWire.assertServes(server);
      assertThat(warnings())
          .containsExactly(
              "UDP service on 127.0.0.1 udp port "
                  + server.udpPort()
                  + ": java.io.IOException: receive failed (injected by the test);"
                  + " going on");
    }
  }

  @Test
  void aFailedSendIsReportedAndTheNextCallAnswered() throws Exception {
    RpcServer.SocketMaker failing = firstUdpFails("send");
    try (RpcServer server = prog.server().udp(0).sockets(failing).start();
        DatagramSocket client = RawWire.udpSocket()) {
      RawWire.send(client, server, RawWire.call(1, TestProgram.PROGRAM, TestProgram.V2, 0));
      RawWire.awaitTrue("the failed send reported", () -> !warnings().isEmpty());
      assertThat(warnings())
          .containsExactly("UDP call from /127.0.0.1:" + client.getLocalPort() + " failed");
      RawWire.assertServes(server);
    }
  }

  @Test
  void aListenerThatCannotBeBoundOrHasNoUdpTwinIsClosed() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, RawWire.LOOPBACK)) {
      List<ServerSocket> listeners = new CopyOnWriteArrayList<>();
      RpcServer.SocketMaker tracked = maker(() -> track(listeners), RpcServer.SocketMaker.JDK);
      assertThatThrownBy(() -> prog.server().tcp(taken.getLocalPort()).sockets(tracked).start())
          .isInstanceOf(UncheckedIOException.class)
          .hasCauseInstanceOf(BindException.class);
      assertThat(listeners).hasSize(1).allMatch(ServerSocket::isClosed);
    }
    List<ServerSocket> listeners = new CopyOnWriteArrayList<>();
    RpcServer.SocketMaker noUdp =
        maker(
            () -> track(listeners),
            local -> {
              throw new SocketException("no UDP socket (injected by the test)");
            });
    assertThatThrownBy(() -> prog.server().tcp(0).udp(0).sockets(noUdp).start())
        .isInstanceOf(UncheckedIOException.class)
        .hasRootCauseMessage("no UDP socket (injected by the test)");
    assertThat(listeners).hasSize(1).allMatch(ServerSocket::isClosed);
  }

  @Test
  void onePortForBothTriesAnotherWhenItsUdpTwinIsTaken() {
    List<ServerSocket> listeners = new CopyOnWriteArrayList<>();
    List<Integer> udpPorts = new CopyOnWriteArrayList<>();
    RpcServer.SocketMaker twinTaken =
        maker(
            () -> track(listeners),
            local -> {
              udpPorts.add(local.getPort());
              if (udpPorts.size() <= 2) {
                throw new BindException("UDP twin taken (injected by the test)");
              }
              return new DatagramSocket(local);
            });
    try (RpcServer server = prog.server().port(0).sockets(twinTaken).start()) {
      assertThat(server.udpPort()).isEqualTo(server.tcpPort());
      assertThat(listeners).hasSize(3);
      assertThat(udpPorts).hasSize(3);
      for (int i = 0; i < 3; i++) {
        assertThat(udpPorts.get(i)).isEqualTo(listeners.get(i).getLocalPort());
      }
      assertThat(listeners.subList(0, 2)).allMatch(ServerSocket::isClosed);
      assertThat(listeners.get(2).isClosed()).isFalse();
    }
  }

  @Test
  void onePortForBothGivesUpAfterTwentyRetries() {
    List<ServerSocket> listeners = new CopyOnWriteArrayList<>();
    RpcServer.SocketMaker alwaysTaken =
        maker(
            () -> track(listeners),
            local -> {
              throw new BindException("UDP twin taken (injected by the test)");
            });
    assertThatThrownBy(() -> prog.server().port(0).sockets(alwaysTaken).start())
        .isInstanceOf(UncheckedIOException.class)
        .hasCauseInstanceOf(BindException.class);
    assertThat(listeners).hasSize(21).allMatch(ServerSocket::isClosed);
  }

  @Test
  void aTakenPortIsNotRetriedUnlessAnyFreePortWouldDo() throws IOException {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, RawWire.LOOPBACK)) {
      port = probe.getLocalPort();
    }
    for (RpcServer.Builder b : List.of(prog.server().port(port), prog.server().tcp(0).udp(0))) {
      List<ServerSocket> listeners = new CopyOnWriteArrayList<>();
      RpcServer.SocketMaker taken =
          maker(
              () -> track(listeners),
              local -> {
                throw new BindException("UDP port taken (injected by the test)");
              });
      assertThatThrownBy(() -> b.sockets(taken).start())
          .isInstanceOf(UncheckedIOException.class)
          .hasCauseInstanceOf(BindException.class);
      assertThat(listeners).hasSize(1).allMatch(ServerSocket::isClosed);
    }
  }

  @Test
  void aClosedServerIsNoLongerHeldByItsShutdownHook() {
    RpcServer server = prog.server().tcp(0).shutdownOnSignal().start();
    server.close();
    WeakReference<RpcServer> closed = new WeakReference<>(server);
    server = null;
    RawWire.awaitTrue(
        "the closed server collected",
        () -> {
          System.gc();
          return closed.get() == null;
        });
  }

  private List<String> warnings() {
    return log.messages(Level.WARNING);
  }

  private static ServerSocket track(List<ServerSocket> made) throws IOException {
    ServerSocket s = new ServerSocket();
    made.add(s);
    return s;
  }

  /**
   * Sockets whose first UDP {@code operation}, "receive" or "send", fails with an IOException
   * "{@code operation} failed (injected by the test)"; the rest work.
   */
  private static RpcServer.SocketMaker firstUdpFails(String operation) {
    AtomicInteger calls = new AtomicInteger();
    return maker(
        ServerSocket::new,
        local ->
            new DatagramSocket(local) {
              @Override
              public void receive(DatagramPacket p) throws IOException {
                failIfFirst("receive");
                super.receive(p);
              }

              @Override
              public void send(DatagramPacket p) throws IOException {
                failIfFirst("send");
                super.send(p);
              }

              private void failIfFirst(String called) throws IOException {
                if (called.equals(operation) && calls.incrementAndGet() == 1) {
                  throw new IOException(called + " failed (injected by the test)");
                }
              }
            });
  }

  /** What a listener does before each accept, given the accept's number (from 1). */
  private interface AcceptHook {
    void before(int accept) throws IOException;
  }

  /** Sockets whose TCP listener runs {@code hook} before each accept; JDK sockets otherwise. */
  private static RpcServer.SocketMaker beforeEachAccept(AcceptHook hook) {
    AtomicInteger accepts = new AtomicInteger();
    return maker(
        () ->
            new ServerSocket() {
              @Override
              public Socket accept() throws IOException {
                hook.before(accepts.incrementAndGet());
                return super.accept();
              }
            },
        RpcServer.SocketMaker.JDK);
  }

  @Test
  void aLateReplyWhoseWriteFailsPartWayWithAnErrorClosesTheConnection() throws Exception {
    AtomicBoolean failNextWrite = new AtomicBoolean();
    RpcServer.SocketMaker failing = acceptingInto(() -> new HalfWritingSocket(failNextWrite));
    CountDownLatch called = new CountDownLatch(1);
    CompletableFuture<Integer> later = new CompletableFuture<>();
    ProgramDefinition program =
        ProgramDefinition.builder(LATE_PROGRAM, 1)
            .procedure(
                Procedure.ofAsync(
                    1,
                    "LATER",
                    XdrCodec.INT,
                    XdrCodec.INT,
                    (call, n) -> {
                      called.countDown();
                      return later;
                    }))
            .build();
    try (RpcServer server =
            RpcServer.builder()
                .tcp(0)
                .bindAddress(RawWire.LOOPBACK)
                .program(program)
                .sockets(failing)
                .start();
        Socket client = RawWire.connect(server)) {
      RawWire.send(
          client, RawWire.record(RawWire.call(7, LATE_PROGRAM, 1, 1, out -> out.writeInt(5))));
      assertThat(called.await(10, TimeUnit.SECONDS)).as("the call reached its procedure").isTrue();
      failNextWrite.set(true);
      // The completing thread writes the reply: half of its record, then the Error.
      later.complete(6);
      int bytes = 0;
      int read;
      while ((read = RawWire.readOrTimeout(client.getInputStream())) >= 0) {
        bytes++;
      }
      // A reply record here is 4 + 28 bytes: half of it came, and then the end, since nothing
      // can follow half a record on the connection.
      assertThat(read).as("the end of the connection, not a read timing out").isEqualTo(-1);
      assertThat(bytes).isEqualTo(16);
      // The server serves on: a new connection's call gets its (completed) answer whole.
      try (Socket next = RawWire.connect(server)) {
        RawWire.send(
            next, RawWire.record(RawWire.call(8, LATE_PROGRAM, 1, 1, out -> out.writeInt(5))));
        RawWire.assertIntResult(RawWire.readRecord(next), 8, 6);
      }
    }
  }

  /** A server's socket whose next write, once told, sends half its bytes and throws an Error. */
  private static final class HalfWritingSocket extends Socket {
    private final AtomicBoolean failNextWrite;

    HalfWritingSocket(AtomicBoolean failNextWrite) {
      this.failNextWrite = failNextWrite;
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
      OutputStream real = super.getOutputStream();
      return new FilterOutputStream(real) {
        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          if (failNextWrite.getAndSet(false)) {
            real.write(b, off, len / 2);
            throw new OutOfMemoryError(
                "no memory half-way through a record (injected by the test)");
          }
          real.write(b, off, len);
        }
      };
    }
  }

  private interface Listener {
    ServerSocket make() throws IOException;
  }

  private interface Datagrams {
    DatagramSocket make(InetSocketAddress local) throws IOException;
  }

  /** Sockets whose accepted connections are the sockets {@code sockets} makes, one each. */
  private static RpcServer.SocketMaker acceptingInto(Supplier<Socket> sockets) {
    return maker(
        () ->
            new ServerSocket() {
              @Override
              public Socket accept() throws IOException {
                Socket s = sockets.get();
                implAccept(s);
                return s;
              }
            },
        RpcServer.SocketMaker.JDK);
  }

  private static RpcServer.SocketMaker maker(Listener tcp, RpcServer.SocketMaker udp) {
    return maker(tcp, udp::datagramSocket);
  }

  private static RpcServer.SocketMaker maker(Listener tcp, Datagrams udp) {
    return new RpcServer.SocketMaker() {
      @Override
      public ServerSocket serverSocket() throws IOException {
        return tcp.make();
      }

      @Override
      public DatagramSocket datagramSocket(InetSocketAddress local) throws IOException {
        return udp.make(local);
      }
    };
  }
}
