package io.jrpcgen.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.internal.rpc.CallHeader;
import io.jrpcgen.internal.rpc.RpcMessages;
import io.jrpcgen.internal.transport.PeerClosedException;
import io.jrpcgen.rpc.AcceptStat;
import io.jrpcgen.rpc.AuthStat;
import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.rpc.CallSecurity;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.rpc.RpcConnectionException;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.rpc.RpcTimeoutException;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A back channel without a socket: its calls go to a writer the test holds, and its replies come
 * from the test, as the server's connection writes and reads them.
 */
@Timeout(60)
class BackChannelLinkTest {
  private static final int PROGRAM = 0x4000_0001;
  private static final int PLUS_ONE = 1;
  private static final InetSocketAddress CLIENT = new InetSocketAddress(Square.LOOPBACK, 1_001);
  private static final InetSocketAddress LOCAL = new InetSocketAddress(Square.LOOPBACK, 2_049);

  private final ExecutorService pool = Executors.newCachedThreadPool();
  // The calls written, as the client would read them: header, then an int argument.
  private final BlockingQueue<int[]> written = new LinkedBlockingQueue<>();
  private volatile boolean answer = true;
  private volatile IOException writeFailure;
  // What the writer throws unchecked, as a TLS layer's bug would, or null.
  private volatile RuntimeException writeBug;
  private BackChannelLink link;

  @AfterEach
  void tearDown() {
    pool.shutdownNow();
  }

  /** The writer: notes each call, fails if told to, and answers PLUS_ONE at once if told to. */
  private void write(XdrEncoder record) throws IOException {
    IOException failure = writeFailure;
    if (failure != null) {
      throw failure;
    }
    RuntimeException bug = writeBug;
    if (bug != null) {
      throw bug;
    }
    XdrDecoder in = new XdrDecoder(record.array(), 4, record.position() - 4);
    int xid = in.readInt();
    assertThat(in.readInt()).isEqualTo(RpcMessages.CALL);
    in.readInt();
    CallHeader header = RpcMessages.readCallBody(xid, in);
    int n = in.readInt();
    written.add(new int[] {xid, header.program(), header.procedure(), n});
    if (answer) {
      reply(xid, n + 1);
    }
  }

  private void reply(int xid, int value) {
    XdrEncoder out = new XdrEncoder();
    RpcMessages.writeAccepted(out, xid, OpaqueAuth.NONE, AcceptStat.SUCCESS);
    out.writeInt(value);
    link.replyReceived(Arrays.copyOf(out.array(), out.position()), out.position());
  }

  private RpcClient open(Thread reader) {
    link = BackChannelLink.open(CLIENT, LOCAL, this::write, reader, ChannelOptions.DEFAULTS);
    return RpcClient.create(link.channel(), PROGRAM, 1).withExecutor(pool);
  }

  private RpcClient open() {
    return open(null);
  }

  private static int plusOne(RpcClient client, int n) {
    return client.call(PLUS_ONE, XdrCodec.INT, n, XdrCodec.INT);
  }

  @Test
  void repliesHandedOverReachTheirCallersBlockingOrNot() throws Exception {
    RpcClient client = open();
    assertThat(plusOne(client, 1)).isEqualTo(2);
    assertThat(client.callAsync(PLUS_ONE, XdrCodec.INT, 2, XdrCodec.INT).get(30, TimeUnit.SECONDS))
        .isEqualTo(3);
    assertThat(written).hasSize(2);
    assertThat(link.channel()).isSameAs(link);
    assertThat(client.serverAddress()).isEqualTo(CLIENT);
    assertThat(client.localAddress()).isEqualTo(LOCAL);
    assertThat(client.retryInterval()).isEmpty();
  }

  @Test
  void aReplyToACallThatWaitsNoLongerIsDropped() throws Exception {
    RpcClient client = open();
    answer = false;
    assertThatThrownBy(() -> plusOne(client.withTimeout(Duration.ofMillis(100)), 1))
        .isInstanceOf(RpcTimeoutException.class);
    assertThat(link.awaitsReplies()).isFalse();
    int[] late = written.poll(30, TimeUnit.SECONDS);
    reply(late[0], 99);
    reply(12_345, 0);
    Future<Integer> next = pool.submit(() -> plusOne(client, 5));
    int[] call = written.poll(30, TimeUnit.SECONDS);
    reply(call[0], 6);
    assertThat(next.get(30, TimeUnit.SECONDS)).isEqualTo(6);
  }

  @Test
  void aFailedWriteFailsTheCallAndEveryLaterOne() {
    RpcClient client = open();
    writeFailure = new IOException("Broken pipe");
    assertThatThrownBy(() -> plusOne(client, 1))
        .isInstanceOfSatisfying(
            RpcConnectionException.class,
            e -> {
              assertThat(e.status()).isEqualTo(RpcStatus.CANT_SEND);
              assertThat(e.reason()).isEqualTo(RpcConnectionException.Reason.CLOSED);
            });
    writeFailure = null;
    assertThatThrownBy(() -> plusOne(client, 2)).isInstanceOf(RpcConnectionException.class);
    assertThatThrownBy(
            () ->
                client.callAsync(PLUS_ONE, XdrCodec.INT, 3, XdrCodec.INT).get(30, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(RpcConnectionException.class);
    assertThat(written).isEmpty();
  }

  @Test
  void aWriteThatThrowsUncheckedFailsTheCallAsUnableToSendAndLeavesNoWaiter() {
    RpcClient client = open();
    writeBug = new IllegalStateException("a TLS layer's bug (expected by the test)");
    TcpSendFailureTest.assertUnableToSendFor(catchThrowable(() -> plusOne(client, 1)), writeBug);
    assertThat(link.awaitsReplies()).isFalse();
    // The record may have gone in part: the connection is given up, for later calls too.
    writeBug = null;
    assertThatThrownBy(() -> plusOne(client, 2)).isInstanceOf(RpcConnectionException.class);
    assertThat(written).isEmpty();
  }

  @Test
  void aWriteThatThrowsUncheckedFailsAnAsynchronousCallsFutureAndABatchedCall() {
    RpcClient client = open().withExecutor(Runnable::run);
    writeBug = new IllegalStateException("a TLS layer's bug (expected by the test)");
    CompletableFuture<Integer> async = client.callAsync(PLUS_ONE, XdrCodec.INT, 3, XdrCodec.INT);
    assertThatThrownBy(() -> async.get(30, TimeUnit.SECONDS))
        .satisfies(e -> TcpSendFailureTest.assertUnableToSendFor(e.getCause(), writeBug));
    assertThat(link.awaitsReplies()).isFalse();
    RpcClient another = open();
    TcpSendFailureTest.assertUnableToSendFor(
        catchThrowable(() -> another.callBatched(PLUS_ONE, XdrCodec.INT, 4)), writeBug);
  }

  @Test
  void aFailedWriteOfAnAsynchronousCallFailsItsFuture() {
    // Completions run at once, so that the connection's failure, which fails every call waiting on
    // it as unable to receive, would reach this call before its own failure to send, if it came
    // first.
    RpcClient client = open().withExecutor(Runnable::run);
    writeFailure = new IOException("Broken pipe");
    assertThatThrownBy(
            () ->
                client.callAsync(PLUS_ONE, XdrCodec.INT, 3, XdrCodec.INT).get(30, TimeUnit.SECONDS))
        .cause()
        .isInstanceOfSatisfying(
            RpcConnectionException.class,
            e -> assertThat(e.status()).isEqualTo(RpcStatus.CANT_SEND));
    assertThatThrownBy(() -> client.callBatched(PLUS_ONE, XdrCodec.INT, 4))
        .isInstanceOf(RpcConnectionException.class);
  }

  @Test
  void theConnectionsEndFailsCallsInProgressWithItsReason() throws Exception {
    RpcClient client = open();
    answer = false;
    CompletableFuture<Integer> async = client.callAsync(PLUS_ONE, XdrCodec.INT, 1, XdrCodec.INT);
    Future<Integer> blocking = pool.submit(() -> plusOne(client, 2));
    written.poll(30, TimeUnit.SECONDS);
    written.poll(30, TimeUnit.SECONDS);
    link.connectionEnded(new PeerClosedException());
    assertThatThrownBy(() -> async.get(30, TimeUnit.SECONDS))
        .cause()
        .isInstanceOfSatisfying(
            RpcConnectionException.class,
            e -> {
              assertThat(e.status()).isEqualTo(RpcStatus.CANT_RECV);
              assertThat(e.reason()).isEqualTo(RpcConnectionException.Reason.CLOSED);
            });
    assertThatThrownBy(() -> blocking.get(30, TimeUnit.SECONDS))
        .cause()
        .isInstanceOfSatisfying(
            RpcConnectionException.class,
            e -> assertThat(e.status()).isEqualTo(RpcStatus.CANT_RECV));
    assertThatThrownBy(() -> plusOne(client, 3))
        .isInstanceOfSatisfying(
            RpcConnectionException.class,
            e -> assertThat(e.reason()).isEqualTo(RpcConnectionException.Reason.CLOSED));
  }

  @Test
  void aBlockingCallOnTheReadingThreadIsRefusedAndAnAsynchronousOneGoes() throws Exception {
    RpcClient client = open(Thread.currentThread());
    assertThatThrownBy(() -> plusOne(client, 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("would wait for ever");
    assertThat(written).isEmpty();
    assertThat(client.callAsync(PLUS_ONE, XdrCodec.INT, 2, XdrCodec.INT).get(30, TimeUnit.SECONDS))
        .isEqualTo(3);
    assertThat(pool.submit(() -> plusOne(client, 4)).get(30, TimeUnit.SECONDS)).isEqualTo(5);
  }

  /**
   * A security that writes AUTH_NONE and checks nothing: enough to take the ordered path (used by
   * TcpChannelBehaviourTest too).
   */
  static final CallSecurity PLAIN =
      new CallSecurity() {
        @Override
        public <A> ReplyCheck writeCall(
            XdrEncoder out, int headerStart, XdrCodec<A> argsCodec, A args) {
          OpaqueAuth.NONE.encode(out);
          OpaqueAuth.NONE.encode(out);
          argsCodec.encode(out, args);
          return new ReplyCheck() {
            @Override
            public <R> R readResults(OpaqueAuth verifier, XdrDecoder in, XdrCodec<R> codec) {
              return codec.decode(in);
            }

            @Override
            public void refused(AuthStat status) {}
          };
        }

        @Override
        public CompletableFuture<Boolean> renewAfter(AuthStat status) {
          return CompletableFuture.completedFuture(false);
        }
      };

  @Test
  void securedCallsFromSeveralThreadsEachLeaveWhole() throws Exception {
    RpcClient client = open().withOptions(CallOptions.DEFAULTS.withSecurity(PLAIN));
    assertThat(plusOne(client, 1)).isEqualTo(2);
    // Another thread: the order lock was given back.
    assertThat(pool.submit(() -> plusOne(client, 2)).get(30, TimeUnit.SECONDS)).isEqualTo(3);
    assertThat(link.awaitsReplies()).isFalse();
  }

  @Test
  void oneWayCallsAreWrittenAtOnce() throws Exception {
    RpcClient client = open();
    answer = false;
    client.callBatched(PLUS_ONE, XdrCodec.INT, 7);
    int[] call = written.poll(30, TimeUnit.SECONDS);
    assertThat(call).containsExactly(client.lastXid(), PROGRAM, PLUS_ONE, 7);
    client.flush();
  }

  @Test
  void closingEndsTheChannelForEveryCall() throws Exception {
    RpcClient client = open();
    answer = false;
    CompletableFuture<Integer> pending = client.callAsync(PLUS_ONE, XdrCodec.INT, 1, XdrCodec.INT);
    client.close();
    assertThatThrownBy(() -> pending.get(30, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(RpcConnectionException.class)
        .hasMessageContaining("back channel to 127.0.0.1 closed");
    assertThatThrownBy(() -> plusOne(client, 2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("back channel to 127.0.0.1 is closed");
  }
}
