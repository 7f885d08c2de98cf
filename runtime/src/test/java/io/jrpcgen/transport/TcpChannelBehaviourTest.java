package io.jrpcgen.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.internal.rpc.CallHeader;
import io.jrpcgen.internal.rpc.RpcMessages;
import io.jrpcgen.observe.RpcCall;
import io.jrpcgen.observe.RpcConnection;
import io.jrpcgen.observe.RpcListener;
import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.rpc.RpcConnectionException;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.server.BackChannelServer;
import io.jrpcgen.server.Procedure;
import io.jrpcgen.server.ProgramDefinition;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.server.ServerTls;
import io.jrpcgen.testsupport.TestCertificates;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrEncoder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a TCP channel's user sees of its connection: secured calls from any thread, batched calls
 * that leave with a flush or open the connection themselves, a write failing mid-record, and what a
 * listener and a back channel service are told as connections open and end.
 */
@Timeout(120)
class TcpChannelBehaviourTest {
  private static final Duration CALL = Duration.ofSeconds(5);
  // Client program served on the back channel.
  private static final int CB = 0x4000_0001;
  private static final int ECHO = 1;

  private final List<AutoCloseable> closeables = new ArrayList<>();
  // What the streams of this test's channels do when the test says.
  private final StreamScript seam = new StreamScript();
  // The arguments of the square calls an RpcServer of this test ran, in order.
  private final BlockingQueue<Integer> squared = new LinkedBlockingQueue<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private <T extends AutoCloseable> T closing(T c) {
    closeables.add(0, c);
    return c;
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(20, TimeUnit.SECONDS)).as("latch released in time").isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A server squaring what it is sent, noting each argument in {@link #squared}. */
  private RpcServer squareServer(ServerTls tls) {
    RpcServer.Builder b =
        RpcServer.builder()
            .bindAddress(Square.LOOPBACK)
            .program(
                Square.program(
                    (call, in) -> {
                      squared.add(in.arg1());
                      return new Square.Out(in.arg1() * in.arg1());
                    }))
            .tcp(0);
    if (tls != null) {
      b.tls(tls);
    }
    return closing(b.start());
  }

  private static InetSocketAddress address(RpcServer server) {
    return new InetSocketAddress(Square.LOOPBACK, server.tcpPort());
  }

  private TcpChannel channel(InetSocketAddress server, ChannelOptions options) {
    return closing(TcpChannel.connect(server, options, seam::over));
  }

  private static RpcClient client(RpcChannel channel) {
    return RpcClient.create(channel, Square.PROGRAM, Square.VERSION).withTimeout(CALL);
  }

  private static IOException writeFailure() {
    return new IOException("the write failed (expected by the test)");
  }

  /** Runs {@code task} on a daemon thread of its own: a thread a mutant leaves stuck stays so. */
  private static <T> CompletableFuture<T> inThread(String name, Supplier<T> task, Thread[] t) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                result.complete(task.get());
              } catch (Throwable e) {
                result.completeExceptionally(e);
              }
            },
            name);
    thread.setDaemon(true);
    if (t != null) {
      t[0] = thread;
    }
    thread.start();
    return result;
  }

  private static <T> CompletableFuture<T> inThread(String name, Supplier<T> task) {
    return inThread(name, task, null);
  }

  /** What the call ended with: its result, or its future's failure. */
  private static Object outcome(CompletableFuture<?> call) throws Exception {
    try {
      return call.get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  private static void assertFailedWith(Object outcome, RpcStatus status) {
    assertThat(outcome)
        .isInstanceOfSatisfying(
            RpcConnectionException.class, e -> assertThat(e.status()).isEqualTo(status));
  }

  /** As above, and with {@code cause} as the failure's root cause. */
  private static void assertFailedWith(Object outcome, RpcStatus status, Throwable cause) {
    assertFailedWith(outcome, status);
    assertThat((Throwable) outcome).hasRootCause(cause);
  }

  @Test
  void securedCallsMadeOneAfterTheOtherFromTwoThreadsBothComplete() throws Exception {
    ScriptedTcpServer server = closing(new ScriptedTcpServer(ScriptedTcpServer.Peer::answerAll));
    RpcClient client =
        RpcClient.create(
            channel(server.address(), ChannelOptions.DEFAULTS),
            Square.PROGRAM,
            Square.VERSION,
            CallOptions.DEFAULTS.withSecurity(BackChannelLinkTest.PLAIN).withTimeout(CALL));
    // Secured calls are numbered and queued under one lock: the first thread must let it go.
    assertThat(inThread("first", () -> Square.square(client, 3)).get(20, TimeUnit.SECONDS))
        .isEqualTo(9);
    assertThat(inThread("second", () -> Square.square(client, 4)).get(20, TimeUnit.SECONDS))
        .isEqualTo(16);
  }

  @Test
  void aBatchedCallThatOpensTheConnectionReachesTheServer(@TempDir Path dir) throws Exception {
    TestCertificates.Identity serverId =
        TestCertificates.create(dir, "server", "ip:127.0.0.1", null, 2);
    RpcServer server = squareServer(ServerTls.of(serverId.contextTrusting()));
    // Over TLS, whose set-up must end by the batched call's deadline: a plain connect on loopback
    // would be done within even a deadline already past (the socket waits at least 1 ms).
    TlsSettings tls =
        TlsSettings.require(TlsContexts.of(null, null, TestCertificates.trustStore(serverId)));
    RpcClient client =
        client(
            channel(
                address(server), ChannelOptions.DEFAULTS.withConnectTimeout(CALL).withTls(tls)));
    seam.failNextWrite(writeFailure());
    assertFailedWith(catchThrowable(() -> Square.square(client, 3)), RpcStatus.CANT_SEND);

    // No connection now: the batched call opens one.
    client.callBatched(Square.SQUAREPROC, Square.In.CODEC, new Square.In(6));
    client.flush();
    assertThat(squared.poll(20, TimeUnit.SECONDS)).isEqualTo(6);
  }

  @Test
  void aFlushBehindAnotherThreadsWriteReturnsOnceTheBatchIsWritten() throws Exception {
    RpcServer server = squareServer(null);
    RpcClient client = client(channel(address(server), ChannelOptions.DEFAULTS));
    assertThat(Square.square(client, 3)).isEqualTo(9);
    // Every square call's record, batched or not, has this many bytes.
    long record = seam.written();
    squared.clear();

    StreamScript.Hold writing = seam.holdNextWrite();
    CompletableFuture<Integer> blocked = inThread("writer", () -> Square.square(client, 4));
    writing.awaitReached();
    client.callBatched(Square.SQUAREPROC, Square.In.CODEC, new Square.In(6));
    Thread[] flusher = new Thread[1];
    CompletableFuture<Long> flushed =
        inThread(
            "flusher",
            () -> {
              client.flush();
              return seam.written();
            },
            flusher);
    awaitDoneOrWaitingInFlush(flushed, flusher[0]);
    writing.release();

    assertThat(flushed.get(20, TimeUnit.SECONDS))
        .as("bytes written when flush returned")
        .isEqualTo(3 * record);
    assertThat(blocked.get(20, TimeUnit.SECONDS)).isEqualTo(16);
    assertThat(
            Arrays.asList(squared.poll(20, TimeUnit.SECONDS), squared.poll(20, TimeUnit.SECONDS)))
        .containsExactlyInAnyOrder(4, 6);
  }

  /** Waits (bounded) until {@code thread} has done its flush, or waits in the connection's. */
  private static void awaitDoneOrWaitingInFlush(CompletableFuture<?> done, Thread thread)
      throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() - end < 0) {
      if (done.isDone()
          || (thread.getState() == Thread.State.WAITING
              && Arrays.stream(thread.getStackTrace())
                  .anyMatch(
                      f ->
                          f.getClassName().endsWith("TcpChannel$Connection")
                              && f.getMethodName().equals("flush")))) {
        return;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("the flush neither ended nor waited");
  }

  @Test
  void aCallQueuedWhileAFlushEndsLeavesAfterIt() throws Exception {
    RpcServer server = squareServer(null);
    RpcClient client = client(channel(address(server), ChannelOptions.DEFAULTS));
    assertThat(Square.square(client, 3)).isEqualTo(9);
    client.callBatched(Square.SQUAREPROC, Square.In.CODEC, new Square.In(6));

    // The flush has written the batch and holds the connection, flushing the stream.
    StreamScript.Hold flushing = seam.holdNextFlush();
    CompletableFuture<Object> flushed =
        inThread(
            "flusher",
            () -> {
              client.flush();
              return "flushed";
            });
    flushing.awaitReached();
    CompletableFuture<Square.Out> queued =
        client.callAsync(Square.SQUAREPROC, Square.In.CODEC, new Square.In(7), Square.Out.CODEC);
    flushing.release();

    assertThat(flushed.get(20, TimeUnit.SECONDS)).isEqualTo("flushed");
    assertThat(outcome(queued)).isEqualTo(new Square.Out(49));
  }

  @Test
  void aBackChannelReplyWhoseWriteFailsEndsTheWaitingCallWithThatFailure() throws Exception {
    CountDownLatch callRead = new CountDownLatch(1);
    CountDownLatch callBack = new CountDownLatch(1);
    CountDownLatch sawEnd = new CountDownLatch(1);
    ScriptedTcpServer server =
        closing(
            new ScriptedTcpServer(
                peer -> {
                  peer.readCall();
                  callRead.countDown();
                  await(callBack);
                  XdrEncoder call = new XdrEncoder();
                  RpcMessages.writeCall(
                      call, new CallHeader(0x77, CB, 1, ECHO, OpaqueAuth.NONE, OpaqueAuth.NONE));
                  call.writeInt(8);
                  peer.write(ScriptedTcpServer.record(call));
                  peer.awaitClose();
                  sawEnd.countDown();
                },
                ScriptedTcpServer.Peer::answerAll));
    ProgramDefinition echo =
        ProgramDefinition.builder(CB, 1)
            .procedure(Procedure.of(ECHO, "ECHO", XdrCodec.INT, XdrCodec.INT, (call, n) -> n))
            .build();
    RpcClient client =
        client(
                channel(
                    server.address(),
                    ChannelOptions.DEFAULTS.withBackChannel(BackChannelServer.of(echo))))
            .withTimeout(Duration.ofSeconds(20));
    // Its record written whole, it waits for the reply.
    CompletableFuture<Square.Out> waiting =
        client.callAsync(Square.SQUAREPROC, Square.In.CODEC, new Square.In(4), Square.Out.CODEC);
    await(callRead);
    IOException failure = writeFailure();
    seam.failNextWrite(failure);
    callBack.countDown();

    // Its reply can no longer come: it is told why, not that the socket was closed afterwards.
    assertFailedWith(outcome(waiting), RpcStatus.CANT_RECV, failure);
    // Nothing follows the half record: the connection is closed.
    await(sawEnd);
    assertThat(Square.square(client, 5)).isEqualTo(25);
    assertThat(server.connections()).isEqualTo(2);
  }

  /** Records what a listener is told of connections. */
  private record Event(String what, RpcConnection connection) {}

  /** Waits (bounded) until the listener has been told at least {@code n} things. */
  private static void awaitEvents(List<Event> events, int n) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (events.size() < n && System.nanoTime() - end < 0) {
      Thread.sleep(10);
    }
  }

  @Test
  void theListenerHearsEachConnectionOpenAndCloseOnce() throws Exception {
    ScriptedTcpServer server =
        closing(
            new ScriptedTcpServer(
                peer -> {
                  // Two calls wait for their replies when the server closes the connection.
                  peer.readCall();
                  peer.readCall();
                  peer.socket.close();
                },
                ScriptedTcpServer.Peer::answerAll));
    List<Event> events = new CopyOnWriteArrayList<>();
    RpcListener listener =
        new RpcListener() {
          @Override
          public void connectionOpened(RpcConnection connection) {
            events.add(new Event("opened", connection));
          }

          @Override
          public void connectionClosed(RpcConnection connection) {
            events.add(new Event("closed", connection));
          }
        };
    TcpChannel channel = channel(server.address(), ChannelOptions.DEFAULTS.withListener(listener));
    RpcClient client = client(channel);
    assertThat(events).extracting(Event::what).containsExactly("opened");
    RpcConnection first = events.get(0).connection();
    assertThat(first.side()).isEqualTo(RpcCall.Side.CLIENT);
    assertThat(first.peer()).isEqualTo(server.address());

    CompletableFuture<Integer> one = inThread("one", () -> Square.square(client, 3));
    CompletableFuture<Integer> two = inThread("two", () -> Square.square(client, 4));
    // The server read both records: unable to receive.
    assertThat(outcome(one)).isInstanceOf(RpcConnectionException.class);
    assertThat(outcome(two)).isInstanceOf(RpcConnectionException.class);
    // The thread that reports the close may still be reporting it when the calls have failed.
    awaitEvents(events, 2);
    assertThat(events).containsExactly(new Event("opened", first), new Event("closed", first));

    assertThat(Square.square(client, 5)).isEqualTo(25);
    channel.close();
    awaitEvents(events, 4);
    assertThat(events)
        .extracting(Event::what)
        .containsExactly("opened", "closed", "opened", "closed");
    RpcConnection second = events.get(2).connection();
    assertThat(second).isNotEqualTo(first);
    assertThat(events.get(3).connection()).isEqualTo(second);
  }

  @Test
  void theBackChannelServiceIsToldWhenEachConnectionEnds() throws Exception {
    ScriptedTcpServer server =
        closing(
            new ScriptedTcpServer(peer -> peer.socket.close(), ScriptedTcpServer.Peer::answerAll));
    AtomicInteger served = new AtomicInteger();
    BlockingQueue<Integer> ended = new LinkedBlockingQueue<>();
    BackChannelService service =
        (channel, replies) -> {
          int connection = served.incrementAndGet();
          return new BackChannelService.Calls() {
            @Override
            public void received(byte[] message, int length) {}

            @Override
            public void ended() {
              ended.add(connection);
            }
          };
        };
    TcpChannel channel =
        channel(server.address(), ChannelOptions.DEFAULTS.withBackChannel(service));
    // The server closed the first connection at once.
    assertThat(ended.poll(20, TimeUnit.SECONDS)).isEqualTo(1);

    assertThat(Square.square(client(channel), 5)).isEqualTo(25);
    assertThat(served.get()).isEqualTo(2);
    channel.close();
    assertThat(ended.poll(20, TimeUnit.SECONDS)).isEqualTo(2);
    assertThat(ended).isEmpty();
  }

  @Test
  void anAsyncCallThatCannotBeSentFailsBeforeItsExecutorRunsAnything() throws Exception {
    RpcServer server = squareServer(null);
    TcpChannel channel = channel(address(server), ChannelOptions.DEFAULTS);
    assertThat(Square.square(client(channel), 3)).isEqualTo(9);
    // An executor that runs nothing until the test says (a busy pool, say).
    ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    RpcClient client = client(channel).withExecutor(tasks::add);
    IOException failure = writeFailure();
    seam.failNextWrite(failure);

    CompletableFuture<Square.Out> result =
        client.callAsync(Square.SQUAREPROC, Square.In.CODEC, new Square.In(4), Square.Out.CODEC);
    // Never sent: it fails on the calling thread, not when the executor gets round to it.
    assertThat(result).isCompletedExceptionally();
    for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
      task.run();
    }
    assertFailedWith(outcome(result), RpcStatus.CANT_SEND, failure);
    assertThat(Square.square(client(channel), 5)).isEqualTo(25);
  }
}
