package io.jrpcgen.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.internal.rpc.RpcMessages;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.server.BackChannelServer;
import io.jrpcgen.server.NoReplyException;
import io.jrpcgen.server.Procedure;
import io.jrpcgen.server.ProgramDefinition;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrEncoder;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A client's back channel service fed by hand: what it runs, what it writes, and when it stops. */
@Timeout(60)
class BackChannelServerTest {
  private static final int PROGRAM = 0x4000_0001;
  private static final int ECHO = 1;
  private static final int BLOCK = 2;
  private static final int LATER = 3;
  private static final int SILENT = 4;

  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final AtomicInteger echoes = new AtomicInteger();
  private final CountDownLatch blocked = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  // The XIDs of the replies written, in order.
  private final BlockingQueue<Integer> replies = new LinkedBlockingQueue<>();
  // Replies to calls of smaller XIDs fail to be written.
  private volatile int failBelowXid = Integer.MIN_VALUE;
  private ScriptedTcpServer peer;
  private TcpChannel channel;

  @AfterEach
  void tearDown() throws IOException {
    release.countDown();
    if (channel != null) {
      channel.close();
    }
    if (peer != null) {
      peer.close();
    }
    pool.shutdownNow();
  }

  private ProgramDefinition program() {
    return ProgramDefinition.builder(PROGRAM, 1)
        .procedure(
            Procedure.of(
                ECHO,
                "ECHO",
                XdrCodec.INT,
                XdrCodec.INT,
                (call, n) -> {
                  echoes.incrementAndGet();
                  assertThat(call.backChannel()).containsSame(channel);
                  return n;
                }))
        .procedure(
            Procedure.ofVoid(
                BLOCK,
                "BLOCK",
                XdrCodec.VOID,
                (call, v) -> {
                  blocked.countDown();
                  try {
                    // No deadline of its own: a call ending by one would free a place and wake a
                    // reader at the limit that only the connection's end should free. tearDown
                    // releases it.
                    release.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }))
        .procedure(
            Procedure.ofAsync(
                LATER,
                "LATER",
                XdrCodec.INT,
                XdrCodec.INT,
                (call, n) -> CompletableFuture.supplyAsync(() -> n, pool)))
        .procedure(
            Procedure.ofAsync(
                SILENT,
                "SILENT",
                XdrCodec.VOID,
                XdrCodec.VOID,
                (call, v) ->
                    CompletableFuture.supplyAsync(
                        () -> {
                          throw new NoReplyException("silent (expected by the test)");
                        },
                        pool)))
        .build();
  }

  private BackChannelService.Calls serve(int maxPendingCalls) throws IOException {
    peer = new ScriptedTcpServer(ScriptedTcpServer.Peer::awaitClose);
    channel = TcpChannel.connect(peer.address(), ChannelOptions.DEFAULTS);
    return BackChannelServer.of(program())
        .withMaxPendingCalls(maxPendingCalls)
        .withExecutor(pool)
        .serve(channel, this::write);
  }

  private void write(XdrEncoder record) throws IOException {
    // The reply follows the 4 bytes left for its record mark.
    int xid = record.getInt(4);
    if (xid < failBelowXid) {
      throw new IOException("Broken pipe (expected by the test)");
    }
    replies.add(xid);
  }

  private static void call(BackChannelService.Calls calls, int xid, int procedure, Integer n) {
    XdrEncoder out = new XdrEncoder();
    RpcMessages.writeCall(out, xid, PROGRAM, 1, procedure, OpaqueAuth.NONE, OpaqueAuth.NONE);
    if (n != null) {
      out.writeInt(n);
    }
    calls.received(Arrays.copyOf(out.array(), out.position()), out.position());
  }

  @Test
  void callsAreServedOnTheExecutorAndTheirRepliesWritten() throws Exception {
    BackChannelService.Calls calls = serve(4);
    call(calls, 10, ECHO, 1);
    call(calls, 11, LATER, 2);
    assertThat(replies.poll(30, TimeUnit.SECONDS)).isIn(10, 11);
    assertThat(replies.poll(30, TimeUnit.SECONDS)).isIn(10, 11);
    assertThat(echoes.get()).isEqualTo(1);
  }

  @Test
  void aCallThatRepliesNothingFreesItsPlace() throws Exception {
    BackChannelService.Calls calls = serve(1);
    call(calls, 12, SILENT, null);
    call(calls, 13, ECHO, 1);
    assertThat(replies.poll(30, TimeUnit.SECONDS)).isEqualTo(13);
    assertThat(replies).isEmpty();
  }

  @Test
  void aReplyThatCannotBeWrittenFreesItsPlace() throws Exception {
    BackChannelService.Calls calls = serve(1);
    failBelowXid = 16;
    call(calls, 14, ECHO, 1);
    call(calls, 15, LATER, 2);
    call(calls, 16, ECHO, 3);
    assertThat(replies.poll(30, TimeUnit.SECONDS)).isEqualTo(16);
  }

  @Test
  void anEndedConnectionRunsNothingMoreWritesNothingAndLetsItsReaderGo() throws Exception {
    BackChannelService.Calls calls = serve(1);
    call(calls, 17, BLOCK, null);
    assertThat(blocked.await(30, TimeUnit.SECONDS)).isTrue();
    // At the limit: the reader waits for room, until the connection ends.
    AtomicReference<Thread> reader = new AtomicReference<>();
    Future<?> waiting =
        pool.submit(
            () -> {
              reader.set(Thread.currentThread());
              call(calls, 18, ECHO, 1);
            });
    // The end must find the reader already waiting, not about to: only its wake-up frees it then.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (reader.get() == null || reader.get().getState() != Thread.State.WAITING) {
      assertThat(System.nanoTime() - deadline).as("the reader waits for room").isNegative();
      Thread.sleep(1);
    }
    calls.ended();
    waiting.get(30, TimeUnit.SECONDS);
    call(calls, 19, ECHO, 2);
    release.countDown();
    Thread.sleep(100);
    assertThat(echoes.get()).isZero();
    assertThat(replies).isEmpty();
  }

  @Test
  void aReaderInterruptedAtTheLimitReturnsWithItsInterruptKept() throws Exception {
    BackChannelService.Calls calls = serve(1);
    call(calls, 20, BLOCK, null);
    assertThat(blocked.await(30, TimeUnit.SECONDS)).isTrue();

    // At the limit the reader waits for room: interrupted, it gives up the call and says so.
    Thread.currentThread().interrupt();
    call(calls, 21, ECHO, 1);

    assertThat(Thread.interrupted()).as("interrupt status kept").isTrue();
    release.countDown();
    call(calls, 22, ECHO, 2);
    assertThat(replies.poll(30, TimeUnit.SECONDS)).isEqualTo(20);
    assertThat(replies.poll(30, TimeUnit.SECONDS)).isEqualTo(22);
    assertThat(echoes.get()).as("the interrupted call never ran").isEqualTo(1);
  }
}
