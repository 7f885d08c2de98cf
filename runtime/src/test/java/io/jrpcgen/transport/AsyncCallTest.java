package io.jrpcgen.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.internal.rpc.CallHeader;
import io.jrpcgen.internal.rpc.RpcMessages;
import io.jrpcgen.internal.transport.RecordMarking;
import io.jrpcgen.observe.CallEnd;
import io.jrpcgen.observe.CallObserver;
import io.jrpcgen.observe.CallStatus;
import io.jrpcgen.observe.RpcCall;
import io.jrpcgen.observe.RpcListener;
import io.jrpcgen.rpc.AcceptStat;
import io.jrpcgen.rpc.AuthFlavor;
import io.jrpcgen.rpc.AuthStat;
import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.rpc.CallSecurity;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.rpc.RpcAuthException;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.rpc.RpcTimeoutException;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import io.jrpcgen.xdr.XdrException;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Asynchronous calls over TCP and UDP: futures, their own deadlines, cancels that free the slot and
 * unsend the record, the bound of calls in flight, and where completions run.
 */
@Timeout(60)
class AsyncCallTest {
  static final int HOLD = 0;

  /**
   * A server squaring its argument over TCP and UDP, counting the calls it got in {@code received};
   * 0 waits for {@code release} first.
   */
  static RpcServer server(CountDownLatch release, AtomicInteger received) {
    return RpcServer.builder()
        .program(
            Square.program(
                (call, in) -> {
                  received.incrementAndGet();
                  if (in.arg1() == HOLD) {
                    await(release);
                  }
                  return new Square.Out(in.arg1() * in.arg1());
                }))
        .bindAddress(Square.LOOPBACK)
        .port(0)
        .start();
  }

  static RpcClient tcp(RpcServer server, ChannelOptions options) {
    return RpcClient.create(
        TcpChannel.connect(new InetSocketAddress(Square.LOOPBACK, server.tcpPort()), options),
        Square.PROGRAM,
        Square.VERSION);
  }

  private static RpcClient udp(RpcServer server, ChannelOptions options) {
    return RpcClient.create(
        UdpChannel.open(new InetSocketAddress(Square.LOOPBACK, server.udpPort()), options),
        Square.PROGRAM,
        Square.VERSION);
  }

  static CompletableFuture<Square.Out> square(RpcClient client, int n) {
    return client.callAsync(Square.SQUAREPROC, Square.In.CODEC, new Square.In(n), Square.Out.CODEC);
  }

  /** An asynchronous square call's reply, within 10 s. */
  private static RpcReply<Square.Out> squareForReply(RpcClient client, int n) throws Exception {
    return client
        .callForReplyAsync(Square.SQUAREPROC, Square.In.CODEC, new Square.In(n), Square.Out.CODEC)
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void manyAsyncCallsCompleteOnOneTcpConnectionAndOneUdpSocket() throws Exception {
    try (RpcServer server = server(new CountDownLatch(0), new AtomicInteger())) {
      for (boolean overTcp : new boolean[] {true, false}) {
        // A datagram the loaded loopback drops is resent soon, not after the default 15 s.
        try (RpcClient client =
            overTcp
                ? tcp(server, ChannelOptions.DEFAULTS)
                : udp(server, ChannelOptions.DEFAULTS).withRetryInterval(Duration.ofMillis(200))) {
          List<CompletableFuture<Square.Out>> futures = new ArrayList<>();
          for (int n = 1; n <= 300; n++) {
            futures.add(square(client, n));
          }
          for (int n = 1; n <= 300; n++) {
            assertThat(futures.get(n - 1).get(10, TimeUnit.SECONDS).res1()).isEqualTo(n * n);
          }
          // A blocking call between asynchronous ones shares the same reader.
          CompletableFuture<Square.Out> last = square(client, 12);
          assertThat(Square.square(client, 11)).isEqualTo(121);
          assertThat(last.get(10, TimeUnit.SECONDS).res1()).isEqualTo(144);
        }
      }
      assertThat(server.connectionCount()).isLessThanOrEqualTo(1);
    }
  }

  @Test
  void eachFutureFailsAtItsOwnDeadlineWithRpcTimeoutException() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger held = new AtomicInteger();
    try (RpcServer server = server(release, held);
        RpcClient client = tcp(server, ChannelOptions.DEFAULTS)) {
      long start = System.nanoTime();
      CompletableFuture<Square.Out> quick =
          square(client.withTimeout(Duration.ofMillis(300)), HOLD);
      CompletableFuture<Square.Out> patient =
          square(client.withTimeout(Duration.ofSeconds(30)), HOLD);

      assertThatThrownBy(() -> quick.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(RpcTimeoutException.class)
          .hasMessage("127.0.0.1: RPC: Timed out");
      // Never early: a deadline timer fires at its time or after it.
      assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(300_000_000L);
      // The other call's deadline is its own: it still waits.
      assertThat(patient).isNotDone();
      release.countDown();
      assertThat(patient.get(10, TimeUnit.SECONDS).res1()).isZero();
      Throwable failure = quick.handle((v, e) -> e).join();
      assertThat(((RpcException) failure).xid()).isPresent();
    } finally {
      release.countDown();
    }
  }

  @Test
  void cancellingAFutureFreesItsSlotForTheNextCall() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger held = new AtomicInteger();
    try (RpcServer server = server(release, held);
        RpcClient client = tcp(server, ChannelOptions.DEFAULTS.withMaxInFlight(1))) {
      CompletableFuture<Square.Out> stuck = square(client, HOLD);
      assertThat(stuck.cancel(false)).isTrue();
      // The only slot is free again: this call gets it, although no reply to the cancelled
      // one will ever be taken (the server answers calls of a connection in order).
      CompletableFuture<Integer> next =
          CompletableFuture.supplyAsync(
              () -> Square.square(client.withTimeout(Duration.ofSeconds(10)), 3));
      release.countDown();
      assertThat(next.get(20, TimeUnit.SECONDS)).isEqualTo(9);
      assertThatThrownBy(stuck::join).isInstanceOf(CancellationException.class);
    } finally {
      release.countDown();
    }
  }

  @Test
  void atMaxInFlightCallersWaitWithinTheirDeadlineThenGoOn() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger held = new AtomicInteger();
    try (RpcServer server = server(release, held);
        RpcClient client = tcp(server, ChannelOptions.DEFAULTS.withMaxInFlight(2))) {
      assertThat(client.channel().maxInFlight()).isEqualTo(2);
      CompletableFuture<Square.Out> first = square(client, HOLD);
      CompletableFuture<Square.Out> second = square(client, HOLD);
      RpcClient quick = client.withTimeout(Duration.ofMillis(200));

      // A blocking caller waits for a slot until its deadline, then times out.
      assertThatThrownBy(() -> Square.square(quick, 4)).isInstanceOf(RpcTimeoutException.class);
      // An asynchronous caller waits the same way; its future fails at the deadline.
      assertThatThrownBy(() -> square(quick, 5).join())
          .cause()
          .isInstanceOf(RpcTimeoutException.class);
      // The server never saw either: they never had a slot.
      assertThat(held.get()).isLessThanOrEqualTo(2);

      // A thread of its own: the common pool, which completes the futures, may have only one
      // (Java 21+ on two cores), and a blocking call there would hold up their completions.
      ExecutorService caller = Executors.newSingleThreadExecutor();
      try {
        Future<Integer> waiting =
            caller.submit(() -> Square.square(client.withTimeout(Duration.ofSeconds(20)), 6));
        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS).res1()).isZero();
        assertThat(second.get(10, TimeUnit.SECONDS).res1()).isZero();
        assertThat(waiting.get(20, TimeUnit.SECONDS)).isEqualTo(36);
      } finally {
        caller.shutdownNow();
      }
    } finally {
      release.countDown();
    }
  }

  @Test
  void completionsRunOnTheClientsExecutorAndASlowOneHoldsUpNoOtherReply() throws Exception {
    CountDownLatch release = new CountDownLatch(0);
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "mine"));
    CountDownLatch slowCallback = new CountDownLatch(1);
    try (RpcServer server = server(release, new AtomicInteger());
        RpcClient client = tcp(server, ChannelOptions.DEFAULTS)) {
      RpcClient onMine = client.withExecutor(executor);
      CompletableFuture<String> completedOnMine = new CompletableFuture<>();
      square(
              client.withExecutor(
                  r ->
                      executor.execute(
                          () -> {
                            completedOnMine.complete(Thread.currentThread().getName());
                            r.run();
                          })),
              2)
          .get(10, TimeUnit.SECONDS);
      assertThat(completedOnMine.get(10, TimeUnit.SECONDS)).isEqualTo("mine");

      // A callback that blocks its executor's only thread...
      executor.execute(() -> await(slowCallback));
      CompletableFuture<Square.Out> behind = square(onMine, 3);
      // ...holds up neither blocking calls nor asynchronous ones on another executor.
      assertThat(Square.square(client, 7)).isEqualTo(49);
      assertThat(square(client, 8).get(10, TimeUnit.SECONDS).res1()).isEqualTo(64);
      // Its reply has been read, but it completes on the executor, which is still busy.
      assertThat(behind).isNotDone();
      slowCallback.countDown();
      assertThat(behind.get(10, TimeUnit.SECONDS).res1()).isEqualTo(9);

      // Asked for, a completion runs on the thread that read the reply.
      CompletableFuture<String> completedOn = new CompletableFuture<>();
      square(
              client.withExecutor(
                  r -> {
                    completedOn.complete(Thread.currentThread().getName());
                    r.run();
                  }),
              4)
          .get(10, TimeUnit.SECONDS);
      assertThat(completedOn.get(10, TimeUnit.SECONDS)).startsWith("jrpcgen-reader");
    } finally {
      slowCallback.countDown();
      executor.shutdownNow();
    }
  }

  @Test
  void repliesAndFailuresCarryTheirOwnCallsXidAndServer() throws Exception {
    try (RpcServer server = server(new CountDownLatch(0), new AtomicInteger());
        RpcClient client = tcp(server, ChannelOptions.DEFAULTS)) {
      RpcReply<Square.Out> reply = squareForReply(client, 5);
      assertThat(reply.value().res1()).isEqualTo(25);
      assertThat(reply.server()).isEqualTo(client.serverAddress());
      RpcReply<Square.Out> next =
          client.callForReply(
              Square.SQUAREPROC, Square.In.CODEC, new Square.In(6), Square.Out.CODEC);
      assertThat(next.xid()).isEqualTo(reply.xid() + 1);

      RpcException unavailable =
          (RpcException)
              client
                  .callAsync(99, XdrCodec.VOID, null, XdrCodec.VOID)
                  .handle((v, e) -> e)
                  .get(10, TimeUnit.SECONDS);
      assertThat(unavailable.status()).isEqualTo(RpcStatus.PROC_UNAVAIL);
      assertThat(unavailable.xid()).hasValue(next.xid() + 1);
      assertThatThrownBy(() -> client.call(99, XdrCodec.VOID, null, XdrCodec.VOID))
          .isInstanceOfSatisfying(
              RpcException.class, e -> assertThat(e.xid()).hasValue(next.xid() + 2));
    }
  }

  @Test
  void aCancelledCallsRecordQueuedBehindAnotherWriteIsNeverWritten() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, Square.LOOPBACK)) {
      RpcClient client =
          RpcClient.create(
                  RpcChannel.tcp(new InetSocketAddress(Square.LOOPBACK, listener.getLocalPort())),
                  Square.PROGRAM,
                  Square.VERSION)
              .withTimeout(Duration.ofSeconds(20));
      try (Socket peer = listener.accept()) {
        // A record larger than the socket buffers: its write blocks while the peer reads nothing.
        Opaque big = Opaque.copyOf(new byte[16 << 20]);
        XdrCodec<Opaque> bytes =
            XdrCodec.of((out, b) -> out.writeFixedOpaque(b, b.length()), in -> null);
        Thread writer =
            new Thread(
                () -> {
                  try {
                    client.call(7, bytes, big, XdrCodec.VOID);
                  } catch (RpcException | IllegalStateException expected) {
                    // Nobody answers it; the test closes the client at its end.
                  }
                });
        writer.start();
        awaitBlockedInWrite(writer);

        CompletableFuture<Square.Out> cancelled = square(client, 2);
        cancelled.cancel(false);
        CompletableFuture<Square.Out> sent = square(client, 3);

        // The peer now reads: the big record, then the call that was not cancelled.
        DataInputStream in = new DataInputStream(peer.getInputStream());
        assertThat(readRecord(in).arg1OrProcedure).isEqualTo(-1);
        Record next = readRecord(in);
        assertThat(next.arg1OrProcedure).isEqualTo(3);
        XdrEncoder body = RawRpc.squareReply(next.xid, OpaqueAuth.NONE, 3);
        XdrEncoder reply = new XdrEncoder();
        RecordMarking.begin(reply);
        reply.writeRaw(body.array(), 0, body.position());
        RecordMarking.write(peer.getOutputStream(), reply, RecordMarking.MAX_FRAGMENT);
        assertThat(sent.get(10, TimeUnit.SECONDS).res1()).isEqualTo(9);
        client.close();
        writer.join(10_000);
      } finally {
        client.close();
      }
    }
  }

  @Test
  void aLostDatagramOfAnAsyncCallIsResentWithTheSameXid() throws Exception {
    try (DatagramSocket server = new DatagramSocket(0, Square.LOOPBACK)) {
      server.setSoTimeout(10_000);
      try (RpcClient client =
          udpTo(server, CallOptions.DEFAULTS.withRetryInterval(Duration.ofMillis(100)))) {
        CompletableFuture<Square.Out> result = square(client, 9);
        DatagramPacket first = receive(server); // dropped, as a lossy network would
        DatagramPacket second = receive(server);
        CallHeader call = readCall(second);
        assertThat(call.xid()).isEqualTo(readCall(first).xid());
        XdrEncoder reply = RawRpc.squareReply(call.xid(), OpaqueAuth.NONE, 9);
        server.send(new DatagramPacket(reply.array(), reply.position(), second.getSocketAddress()));
        assertThat(result.get(10, TimeUnit.SECONDS).res1()).isEqualTo(81);
      }
    }
  }

  @Test
  void closingAnyCopyClosesTheSharedChannelForAll() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (RpcServer server = server(release, new AtomicInteger())) {
      for (boolean overTcp : new boolean[] {true, false}) {
        RpcClient client =
            overTcp ? tcp(server, ChannelOptions.DEFAULTS) : udp(server, ChannelOptions.DEFAULTS);
        RpcClient copy = client.withTimeout(Duration.ofSeconds(20));
        CompletableFuture<Square.Out> inProgress = square(copy, HOLD);
        copy.close();
        assertThatThrownBy(() -> Square.square(client, 2))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("is closed");
        assertThatThrownBy(() -> square(client, 2)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> inProgress.get(10, TimeUnit.SECONDS))
            .cause()
            .isInstanceOf(RpcException.class);
      }
    } finally {
      release.countDown();
    }
  }

  @Test
  void aListenerHearsAnAsyncCallBeginWithItsXidAndEndWithItsOutcome() throws Exception {
    BlockingQueue<RpcCall> started = new LinkedBlockingQueue<>();
    BlockingQueue<CallEnd> ended = new LinkedBlockingQueue<>();
    RpcListener listener =
        new RpcListener() {
          @Override
          public CallObserver callStarted(RpcCall call) {
            started.add(call);
            return (c, end) -> ended.add(end);
          }
        };
    try (RpcServer server = server(new CountDownLatch(0), new AtomicInteger());
        RpcClient client = tcp(server, ChannelOptions.DEFAULTS.withListener(listener))) {
      RpcReply<Square.Out> reply = squareForReply(client, 4);
      assertThat(reply.value().res1()).isEqualTo(16);
      // Told by the call itself, through its probe: the listener sees the call's own XID.
      RpcCall call = started.poll(10, TimeUnit.SECONDS);
      assertThat(call).isNotNull();
      assertThat(call.xid()).isEqualTo(reply.xid());
      assertThat(call.procedure()).isEqualTo(Square.SQUAREPROC);
      CallEnd end = ended.poll(10, TimeUnit.SECONDS);
      assertThat(end).isNotNull();
      assertThat(end.status()).isEqualTo(new CallStatus.Accepted(AcceptStat.SUCCESS));
      assertThat(end.failure()).isNull();

      // A failed call is heard to end with its failure, once.
      Throwable failure =
          client
              .callAsync(99, XdrCodec.VOID, null, XdrCodec.VOID)
              .handle((v, e) -> e)
              .get(10, TimeUnit.SECONDS);
      assertThat(started.poll(10, TimeUnit.SECONDS)).isNotNull();
      CallEnd failed = ended.poll(10, TimeUnit.SECONDS);
      assertThat(failed).isNotNull();
      assertThat(failed.status()).isEqualTo(new CallStatus.Accepted(AcceptStat.PROC_UNAVAIL));
      assertThat(failed.failure()).isSameAs(failure);
      assertThat(ended.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }
  }

  @Test
  void aCallWhoseArgumentsCannotBeEncodedFailsAndGivesItsSlotBack() throws Exception {
    try (RpcServer server = server(new CountDownLatch(0), new AtomicInteger());
        RpcClient client =
            tcp(server, ChannelOptions.DEFAULTS.withMaxInFlight(1))
                .withTimeout(Duration.ofSeconds(10))) {
      XdrCodec<Square.In> unencodable =
          XdrCodec.of(
              (out, in) -> {
                throw new XdrException("cannot encode " + in);
              },
              in -> null);
      // Ended before it was ever registered with the reader: nothing there to drop.
      Throwable failure =
          client
              .callAsync(Square.SQUAREPROC, unencodable, new Square.In(2), Square.Out.CODEC)
              .handle((v, e) -> e)
              .get(10, TimeUnit.SECONDS);
      assertThat(((RpcException) failure).status()).isEqualTo(RpcStatus.CANT_ENCODE_ARGS);
      // The only slot is free again, for a blocking call and an asynchronous one.
      assertThat(Square.square(client, 3)).isEqualTo(9);
      assertThat(square(client, 4).get(10, TimeUnit.SECONDS).res1()).isEqualTo(16);
    }
  }

  @Test
  void aResultCodecThatThrowsEndsTheFutureWithItsExceptionAndGivesTheSlotBack() throws Exception {
    try (RpcServer server = server(new CountDownLatch(0), new AtomicInteger());
        RpcClient client =
            tcp(server, ChannelOptions.DEFAULTS.withMaxInFlight(1))
                .withTimeout(Duration.ofSeconds(5))) {
      IllegalStateException bug = new IllegalStateException("the caller's codec is wrong");
      XdrCodec<Square.Out> throwing =
          XdrCodec.of(
              (out, v) -> {},
              in -> {
                throw bug;
              });
      // The reply was taken from the reader: neither it nor the deadline ends the call any more.
      Throwable failure =
          client
              .callAsync(Square.SQUAREPROC, Square.In.CODEC, new Square.In(2), throwing)
              .handle((v, e) -> e)
              .get(10, TimeUnit.SECONDS);
      assertThat(failure).isSameAs(bug);
      assertThat(Square.square(client, 3)).isEqualTo(9);
    }
  }

  /**
   * A security in the manner of RPCSEC_GSS: each encoding of a call carries a sequence number of
   * its own in its credential, and the reply's verifier must echo the number of the transmission it
   * answers.
   */
  private static final class SequencedSecurity implements CallSecurity {
    private final AtomicInteger sequence = new AtomicInteger();

    @Override
    public <A> ReplyCheck writeCall(XdrEncoder out, int headerStart, XdrCodec<A> codec, A args) {
      Opaque seq = sequenceBytes(sequence.incrementAndGet());
      RpcMessages.writeAuth(out, new OpaqueAuth(AuthFlavor.RPCSEC_GSS.value(), seq));
      RpcMessages.writeAuth(out, OpaqueAuth.NONE);
      codec.encode(out, args);
      return new ReplyCheck() {
        @Override
        public <R> R readResults(OpaqueAuth verifier, XdrDecoder in, XdrCodec<R> resultCodec) {
          if (!Arrays.equals(verifier.body().toByteArray(), seq.toByteArray())) {
            throw new RpcAuthException("test", AuthStat.RPCSEC_GSS_CREDPROBLEM);
          }
          return resultCodec.decode(in);
        }

        @Override
        public void refused(AuthStat status) {}
      };
    }

    @Override
    public CompletableFuture<Boolean> renewAfter(AuthStat status) {
      return CompletableFuture.completedFuture(false);
    }

    static Opaque sequenceBytes(int n) {
      return Opaque.copyOf(
          new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
    }
  }

  @Test
  void aSecuredAsyncUdpCallIsResentEncodedAnewAndAcceptsAReplyToItsFirstTransmission()
      throws Exception {
    try (DatagramSocket server = new DatagramSocket(0, Square.LOOPBACK)) {
      server.setSoTimeout(10_000);
      try (RpcClient client =
          udpTo(
              server,
              CallOptions.DEFAULTS
                  .withRetryInterval(Duration.ofMillis(100))
                  .withSecurity(new SequencedSecurity()))) {
        CompletableFuture<Square.Out> result = square(client, 7);
        DatagramPacket first = receive(server);
        CallHeader firstCall = readCall(first);
        // The resend, on the call's executor, is encoded anew: same XID, a sequence number of its
        // own.
        DatagramPacket second = receive(server);
        CallHeader secondCall = readCall(second);
        assertThat(secondCall.xid()).isEqualTo(firstCall.xid());
        assertThat(secondCall.credential().body().toByteArray())
            .isNotEqualTo(firstCall.credential().body().toByteArray());
        // The reply to the first transmission arrives late, after the resend: still accepted.
        XdrEncoder reply = RawRpc.squareReply(firstCall.xid(), firstCall.credential(), 7);
        server.send(new DatagramPacket(reply.array(), reply.position(), first.getSocketAddress()));
        assertThat(result.get(10, TimeUnit.SECONDS).res1()).isEqualTo(49);
      }
    }
  }

  private record Record(int xid, int arg1OrProcedure) {}

  /** Reads one record; a square call gives its argument, any other record -1. */
  private static Record readRecord(DataInputStream in) throws IOException {
    byte[] record = new byte[0];
    boolean last = false;
    while (!last) {
      int mark = in.readInt();
      last = mark < 0;
      int length = mark & 0x7FFF_FFFF;
      byte[] fragment = new byte[length];
      in.readFully(fragment);
      int at = record.length;
      record = Arrays.copyOf(record, at + length);
      System.arraycopy(fragment, 0, record, at, length);
    }
    XdrDecoder d = new XdrDecoder(record, 0, record.length);
    CallHeader call = RawRpc.readSquareCall(d);
    return new Record(call.xid(), call.procedure() == Square.SQUAREPROC ? d.readInt() : -1);
  }

  static void awaitBlockedInWrite(Thread writer) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < end) {
      for (StackTraceElement e : writer.getStackTrace()) {
        if (e.getClassName().contains("Socket") && e.getMethodName().contains("write")) {
          // Still there a moment later: blocked, not passing through.
          Thread.sleep(100);
          if (Arrays.stream(writer.getStackTrace())
              .anyMatch(
                  f ->
                      f.getClassName().contains("Socket") && f.getMethodName().contains("write"))) {
            return;
          }
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("the writer never blocked in a socket write");
  }

  /** A client of square calls to {@code server}, a bare socket the test answers by hand. */
  private static RpcClient udpTo(DatagramSocket server, CallOptions options) {
    return RpcClient.create(
        UdpChannel.open(
            new InetSocketAddress(Square.LOOPBACK, server.getLocalPort()), ChannelOptions.DEFAULTS),
        Square.PROGRAM,
        Square.VERSION,
        options);
  }

  private static CallHeader readCall(DatagramPacket datagram) {
    return RawRpc.readSquareCall(new XdrDecoder(datagram.getData(), 0, datagram.getLength()));
  }

  private static DatagramPacket receive(DatagramSocket socket) throws IOException {
    DatagramPacket p = new DatagramPacket(new byte[65_536], 65_536);
    socket.receive(p);
    return p;
  }

  static void await(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
