package io.jrpcgen.server;

import static io.jrpcgen.server.RawWire.call;
import static io.jrpcgen.server.RawWire.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.internal.rpc.Reply;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.testsupport.CapturedLog;
import io.jrpcgen.xdr.XdrCodec;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How the server uses the sockets it makes and accepts, seen through sockets the test makes for it
 * ({@link RpcServer.SocketMaker}): their options, how replies are written, and what a late reply or
 * the watchdog does when a write or a report fails.
 */
class ServerSocketUseTest {
  private static final int PROGRAM = 0x2000_6262;

  /** {@code int WAIT(int i)}: replies when the test completes {@code later.get(i)}. */
  private static final int WAIT = 1;

  @RegisterExtension final CapturedLog log = new CapturedLog(RpcServer.class.getName());

  private final List<CompletableFuture<Integer>> later =
      List.of(new CompletableFuture<>(), new CompletableFuture<>());
  // The server's side of each connection, as accepted.
  private final List<ServerSide> accepted = new CopyOnWriteArrayList<>();
  private final List<ServerSocket> listeners = new CopyOnWriteArrayList<>();
  private final Opened opened = new Opened();

  // What the test does to the server's sockets.
  private final AtomicBoolean failWrites = new AtomicBoolean();
  private final AtomicBoolean stallWrites = new AtomicBoolean();
  private final AtomicBoolean failDatagramSends = new AtomicBoolean();
  // The watchdog's report of a stuck connection fails once, as it would for want of memory.
  private final AtomicBoolean failWatchdogReport = new AtomicBoolean();

  @AfterEach
  void closeAll() throws Exception {
    later.forEach(f -> f.complete(0));
    opened.close();
  }

  /** The server's end of a TCP connection: counts the flushes that end each write of replies. */
  private final class ServerSide extends Socket {
    final AtomicInteger flushes = new AtomicInteger();
    private final CountDownLatch closed = new CountDownLatch(1);

    @Override
    public SocketAddress getRemoteSocketAddress() {
      InetSocketAddress real = (InetSocketAddress) super.getRemoteSocketAddress();
      return new InetSocketAddress(real.getAddress(), real.getPort()) {
        private static final long serialVersionUID = 1L;

        @Override
        public String toString() {
          if (Thread.currentThread().getName().startsWith("jrpcgen-tcp-watchdog")
              && failWatchdogReport.getAndSet(false)) {
            throw new OutOfMemoryError("no memory for the report (injected by the test)");
          }
          return super.toString();
        }
      };
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
      return new FilterOutputStream(super.getOutputStream()) {
        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          if (failWrites.get()) {
            throw new IOException("write failed (injected by the test)");
          }
          if (stallWrites.get()) {
            // A peer that takes nothing: the write waits until the socket is closed.
            try {
              closed.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            throw new IOException("socket closed under a stalled write");
          }
          out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
          flushes.incrementAndGet();
          out.flush();
        }
      };
    }

    @Override
    public synchronized void close() throws IOException {
      closed.countDown();
      super.close();
    }
  }

  private final RpcServer.SocketMaker sockets =
      new RpcServer.SocketMaker() {
        @Override
        public ServerSocket serverSocket() throws IOException {
          ServerSocket listener =
              new ServerSocket() {
                @Override
                public Socket accept() throws IOException {
                  ServerSide s = new ServerSide();
                  implAccept(s);
                  accepted.add(s);
                  return s;
                }
              };
          // The server must ask for it: a restarted server binds while old connections linger.
          listener.setReuseAddress(false);
          listeners.add(listener);
          return listener;
        }

        @Override
        public DatagramSocket datagramSocket(InetSocketAddress local) throws IOException {
          return new DatagramSocket(local) {
            @Override
            public void send(DatagramPacket p) throws IOException {
              if (failDatagramSends.get()) {
                throw new IOException("send failed (injected by the test)");
              }
              super.send(p);
            }
          };
        }
      };

  private RpcServer start(RpcServer.Builder builder) {
    ProgramDefinition program =
        ProgramDefinition.builder(PROGRAM, 1)
            .procedure(
                Procedure.ofAsync(
                    WAIT, "WAIT", XdrCodec.INT, XdrCodec.INT, (call, i) -> later.get(i)))
            .build();
    RpcServer server =
        builder.program(program).bindAddress(RawWire.LOOPBACK).sockets(sockets).start();
    opened.add(server);
    return server;
  }

  private static byte[] waitCall(int xid, int i) {
    return call(xid, PROGRAM, 1, WAIT, out -> out.writeInt(i));
  }

  /**
   * Sends a call of WAIT for {@code later.get(0)}, then a NULLPROC call behind it, and reads the
   * latter's reply: the WAIT call was dispatched and is answered later, as a late reply.
   */
  private static void startWaiting(Socket s) throws IOException {
    RawWire.send(s, RawWire.concat(record(waitCall(1, 0)), record(call(2, PROGRAM, 1, 0))));
    RawWire.assertReply(RawWire.readRecord(s), new Reply.Success(2, OpaqueAuth.NONE));
  }

  @Test
  void failedAcceptsAreRetriedAfterPausesThatDouble() throws Exception {
    List<Long> attempts = new CopyOnWriteArrayList<>();
    int failures = 6;
    RpcServer.SocketMaker failing =
        new RpcServer.SocketMaker() {
          @Override
          public ServerSocket serverSocket() throws IOException {
            return new ServerSocket() {
              @Override
              public Socket accept() throws IOException {
                attempts.add(System.nanoTime());
                if (attempts.size() <= failures) {
                  throw new IOException("too many open files (injected by the test)");
                }
                return super.accept();
              }
            };
          }

          @Override
          public DatagramSocket datagramSocket(InetSocketAddress local) throws IOException {
            throw new AssertionError("no UDP asked for");
          }
        };
    ProgramDefinition program = ProgramDefinition.builder(PROGRAM, 1).build();
    try (RpcServer server =
        RpcServer.builder()
            .program(program)
            .bindAddress(RawWire.LOOPBACK)
            .tcp(0)
            .sockets(failing)
            .start()) {
      RawWire.tcpExchange(server, call(1, PROGRAM, 1, 0));
    }
    // Each pause is at least what was asked for (a lower bound only: never a race): 10 ms after
    // the first failure, twice as long after each of the next.
    for (int i = 1; i <= failures; i++) {
      long pauseMs = 10L << (i - 1);
      assertThat(TimeUnit.NANOSECONDS.toMillis(attempts.get(i) - attempts.get(i - 1)))
          .as("the pause after failure %d", i)
          .isGreaterThanOrEqualTo(pauseMs);
    }
  }

  @Test
  void theListenerReusesItsAddressAndConnectionsSendWithoutDelay() throws Exception {
    RpcServer server = start(RpcServer.builder().tcp(0));
    assertThat(listeners).singleElement().satisfies(l -> assertThat(l.getReuseAddress()).isTrue());
    Socket s = opened.connect(server);
    RawWire.send(s, record(call(1, PROGRAM, 1, 0)));
    RawWire.assertReply(RawWire.readRecord(s), new Reply.Success(1, OpaqueAuth.NONE));
    // Nagle's algorithm would hold a small reply back until the peer acknowledged the last.
    assertThat(accepted).singleElement().satisfies(a -> assertThat(a.getTcpNoDelay()).isTrue());
  }

  @Test
  void callsThatArriveTogetherAreAnsweredInFewerWrites() throws Exception {
    RpcServer server = start(RpcServer.builder().tcp(0));
    Socket s = opened.connect(server);
    int calls = 10;
    ByteArrayOutputStream pipelined = new ByteArrayOutputStream();
    for (int i = 0; i < calls; i++) {
      pipelined.writeBytes(record(call(0x100 + i, PROGRAM, 1, 0)));
    }
    RawWire.send(s, pipelined.toByteArray());
    for (int i = 0; i < calls; i++) {
      RawWire.assertReply(RawWire.readRecord(s), new Reply.Success(0x100 + i, OpaqueAuth.NONE));
    }
    assertThat(accepted.get(0).flushes.get()).isLessThan(calls);
  }

  @Test
  void aLateReplyThatCannotBeWrittenClosesItsConnection() throws Exception {
    RpcServer server = start(RpcServer.builder().tcp(0));
    Socket s = opened.connect(server);
    startWaiting(s);
    failWrites.set(true);
    later.get(0).complete(7);
    RawWire.assertClosedByServer(s);
    log.await(
        Level.FINE,
        "cannot send a late reply to /127.0.0.1:"
            + s.getLocalPort()
            + ": java.io.IOException: write failed (injected by the test)");
  }

  @Test
  void aLateUdpReplyThatCannotBeSentIsAWarningAndFreesItsPlace() throws Exception {
    RpcServer server = start(RpcServer.builder().udp(0).maxPendingCalls(2));
    DatagramSocket u = RawWire.udpSocket();
    opened.add(u);
    // A NULLPROC call behind the WAIT call is answered first: the WAIT call replies late.
    RawWire.send(u, server, waitCall(1, 0));
    RawWire.send(u, server, call(2, PROGRAM, 1, 0));
    RawWire.assertReply(RawWire.receive(u), new Reply.Success(2, OpaqueAuth.NONE));
    failDatagramSends.set(true);
    later.get(0).complete(7);
    RawWire.awaitTrue("the failed reply reported", () -> !log.messages(Level.WARNING).isEmpty());
    assertThat(log.messages(Level.WARNING))
        .containsExactly(
            "UDP reply to /127.0.0.1:"
                + u.getLocalPort()
                + " failed: java.io.IOException: send failed (injected by the test)");
    failDatagramSends.set(false);
    // The failed reply ended its call: with one call waiting, below the limit of two, the call
    // behind it is read and answered.
    RawWire.send(u, server, waitCall(3, 1));
    RawWire.send(u, server, call(4, PROGRAM, 1, 0));
    RawWire.assertReply(RawWire.receive(u), new Reply.Success(4, OpaqueAuth.NONE));
    later.get(1).complete(8);
    RawWire.assertIntResult(RawWire.receive(u), 3, 8);
  }

  @Test
  void aWatchdogThatCannotReportGoesOnAndClosesTheStuckConnection() throws Exception {
    RpcServer server = start(RpcServer.builder().tcp(0).recordTimeout(Duration.ofMillis(100)));
    Socket s = opened.connect(server);
    failWatchdogReport.set(true);
    stallWrites.set(true);
    RawWire.send(s, record(call(1, PROGRAM, 1, 0)));
    RawWire.assertClosedByServer(s);
    assertThat(failWatchdogReport).as("the report failed once").isFalse();
    assertThat(log.messages(Level.WARNING))
        .singleElement()
        .asString()
        .startsWith("TCP watchdog of ServerSocket[")
        .endsWith(
            "localport="
                + server.tcpPort()
                + "]: java.lang.OutOfMemoryError: no memory for the report"
                + " (injected by the test); going on");
    log.await(
        Level.FINE,
        "closing connection from /127.0.0.1:"
            + s.getLocalPort()
            + ": it has not read its replies for PT0.1S");
  }
}
