package io.jrpcgen.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.internal.rpc.CallHeader;
import io.jrpcgen.internal.rpc.RpcMessages;
import io.jrpcgen.internal.transport.RecordMarking;
import io.jrpcgen.rpc.AcceptStat;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.rpc.RpcConnectionException;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * How a TCP channel combines the records of calls made while another thread writes: they wait,
 * whole and in order, for that thread's next write, whatever their sizes and fragments. When the
 * connection fails, a call reports that it could not be sent only if its record surely did not
 * reach the peer whole: still queued, or the one a failing write was cutting. Any other may have
 * run, and reports that its reply could not be received.
 */
@Timeout(60)
class TcpWriteCombiningTest {
  /** The peer answers this procedure with the CRC-32 of the opaque it was sent. */
  private static final int CHECKSUM = 4;

  private static final XdrCodec<Opaque> BLOB = XdrCodec.opaque(XdrCodec.UNBOUNDED);
  // Larger than the socket buffers: its write blocks while the peer reads nothing.
  private static final int BLOCKING = 8 << 20;

  private static Opaque payload(int length, int seed) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (i * 31 + seed);
    }
    return Opaque.copyOf(b);
  }

  private static int crc(Opaque o) {
    CRC32 crc = new CRC32();
    crc.update(o.toByteArray());
    return (int) crc.getValue();
  }

  /** A call as the peer read it: XID, procedure and the CRC-32 of its opaque argument. */
  private record Received(int xid, int procedure, int crc) {}

  /**
   * A loopback peer with a small receive buffer that reads only when told, so that a large call's
   * write blocks and later calls queue behind it.
   */
  private static final class Peer implements AutoCloseable {
    private final ServerSocket listener;
    private Socket socket;
    private DataInputStream in;
    // The bytes of the last record read, its fragments' headers included.
    private int lastRecordBytes;

    Peer() throws IOException {
      listener = new ServerSocket();
      listener.setReceiveBufferSize(4096);
      listener.bind(new InetSocketAddress(Square.LOOPBACK, 0), 4);
    }

    InetSocketAddress address() {
      return new InetSocketAddress(Square.LOOPBACK, listener.getLocalPort());
    }

    /** Takes the next connection; later reads and answers are on it. */
    void accept() throws IOException {
      socket = listener.accept();
      socket.setSoTimeout(20_000);
      in = new DataInputStream(socket.getInputStream());
    }

    /** Reads one call record, of any number of fragments, and answers it with the CRC-32. */
    Received answerNext() throws IOException {
      Received call = readNext();
      XdrEncoder reply = new XdrEncoder();
      RecordMarking.begin(reply);
      RpcMessages.writeAccepted(reply, call.xid(), OpaqueAuth.NONE, AcceptStat.SUCCESS);
      reply.writeInt(call.crc());
      RecordMarking.write(socket.getOutputStream(), reply, RecordMarking.MAX_FRAGMENT);
      return call;
    }

    /** Reads one call record, of any number of fragments, and leaves it unanswered. */
    Received readNext() throws IOException {
      ByteArrayOutputStream record = new ByteArrayOutputStream();
      boolean last = false;
      lastRecordBytes = 0;
      while (!last) {
        int mark = in.readInt();
        lastRecordBytes += RecordMarking.HEADER_SIZE + (mark & ~RecordMarking.LAST_FRAGMENT);
        last = (mark & RecordMarking.LAST_FRAGMENT) != 0;
        byte[] fragment = new byte[mark & ~RecordMarking.LAST_FRAGMENT];
        in.readFully(fragment);
        record.write(fragment);
      }
      byte[] bytes = record.toByteArray();
      XdrDecoder d = new XdrDecoder(bytes, 0, bytes.length);
      CallHeader call = RawRpc.readSquareCall(d);
      int crc = call.procedure() == CHECKSUM ? crc(d.readVariableOpaque(Integer.MAX_VALUE)) : 0;
      return new Received(call.xid(), call.procedure(), crc);
    }

    /** Ends the peer's side of the connection, reading nothing: the client's write goes on. */
    void endOutput() throws IOException {
      socket.shutdownOutput();
    }

    /** Resets the connection: the client's write in progress fails. */
    void reset() throws IOException {
      socket.setSoLinger(true, 0);
      socket.close();
    }

    @Override
    public void close() throws IOException {
      if (socket != null) {
        socket.close();
      }
      listener.close();
    }
  }

  /** A call, in a thread of its own, whose record is too large for the socket buffers. */
  private static final class BlockingCall {
    final Opaque sent = payload(BLOCKING, 99);
    final CompletableFuture<Object> result;
    final Thread caller;

    BlockingCall(RpcClient client) throws InterruptedException {
      Thread[] thread = new Thread[1];
      result = callInThread(client, sent, thread);
      caller = thread[0];
      AsyncCallTest.awaitBlockedInWrite(caller);
    }
  }

  /**
   * A blocking call in a thread of its own (put in {@code thread}), with its result or the
   * RpcException it threw.
   */
  private static CompletableFuture<Object> callInThread(
      RpcClient client, Opaque sent, Thread[] thread) {
    CompletableFuture<Object> result = new CompletableFuture<>();
    thread[0] =
        new Thread(
            () -> {
              try {
                result.complete(client.call(CHECKSUM, BLOB, sent, XdrCodec.INT));
              } catch (RpcException e) {
                result.complete(e);
              }
            },
            "caller");
    thread[0].start();
    return result;
  }

  /**
   * An asynchronous call started in a thread of its own (which writes its record), with its result
   * or the exception its future failed with.
   */
  private static CompletableFuture<Object> asyncInThread(RpcClient client, Opaque sent) {
    CompletableFuture<Object> result = new CompletableFuture<>();
    new Thread(
            () -> {
              try {
                result.complete(outcome(checksumAsync(client, sent)));
              } catch (Exception e) {
                result.completeExceptionally(e);
              }
            },
            "async caller")
        .start();
    return result;
  }

  /** A blocking call whose record was queued or sent: its caller waits for the reply. */
  private static CompletableFuture<Object> queuedCall(RpcClient client, Opaque sent)
      throws InterruptedException {
    Thread[] caller = new Thread[1];
    CompletableFuture<Object> result = callInThread(client, sent, caller);
    awaitWaitingForReply(caller[0]);
    return result;
  }

  /** Waits (bounded) until {@code caller} waits for its reply: its record was queued or sent. */
  private static void awaitWaitingForReply(Thread caller) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < end) {
      // Waiting for a reader, or reading the connection itself.
      if (Arrays.stream(caller.getStackTrace())
          .anyMatch(
              f ->
                  f.getClassName().endsWith("ReplyDispatcher")
                      && f.getMethodName().equals("await"))) {
        return;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("the call never waited for its reply");
  }

  /** Three calls queued behind a blocked write: asynchronous, blocking and asynchronous. */
  private static List<CompletableFuture<?>> queueBehind(RpcClient client)
      throws InterruptedException {
    List<CompletableFuture<?>> queued = new ArrayList<>();
    queued.add(checksumAsync(client, payload(100, 1)));
    queued.add(queuedCall(client, payload(200, 2)));
    queued.add(checksumAsync(client, payload(50_000, 3)));
    return queued;
  }

  /** A client of {@code peer}, with calls of 30 s, whose connection the peer has taken. */
  private static RpcClient connect(Peer peer, ChannelOptions options) throws IOException {
    return connect(peer, TcpChannel.connect(peer.address(), options));
  }

  /** A client of {@code peer} as above, whose connection writes through {@code script}. */
  private static RpcClient connect(Peer peer, StreamScript script) throws IOException {
    return connect(peer, TcpChannel.connect(peer.address(), ChannelOptions.DEFAULTS, script::over));
  }

  private static RpcClient connect(Peer peer, TcpChannel channel) throws IOException {
    RpcClient client =
        RpcClient.create(channel, Square.PROGRAM, Square.VERSION)
            .withTimeout(Duration.ofSeconds(30));
    peer.accept();
    return client;
  }

  private static CompletableFuture<Integer> checksumAsync(RpcClient client, Opaque sent) {
    return client.callAsync(CHECKSUM, BLOB, sent, XdrCodec.INT);
  }

  @Test
  void recordsQueuedBehindABlockedWriteLeaveWholeAndInOrder() throws Exception {
    // Sizes from a few bytes to over a megabyte in all: the write that gathers them grows its
    // buffer, and a second round after it gathers again.
    int[][] rounds = {
      {
        1, 5_000, 120_000, 3, 120_000, 120_000, 120_000, 120_000, 120_000, 120_000, 120_000,
        120_000, 120_000, 9_999
      },
      {17, 2_000, 4_000, 60_000, 8}
    };
    try (Peer peer = new Peer();
        RpcClient client = connect(peer, ChannelOptions.DEFAULTS)) {
      int seed = 0;
      for (int[] sizes : rounds) {
        BlockingCall blocking = new BlockingCall(client);
        List<Opaque> sent = new ArrayList<>();
        List<CompletableFuture<Integer>> results = new ArrayList<>();
        for (int size : sizes) {
          Opaque o = payload(size, ++seed);
          sent.add(o);
          results.add(checksumAsync(client, o));
        }
        assertThat(peer.answerNext().crc()).isEqualTo(crc(blocking.sent));
        for (Opaque o : sent) {
          assertThat(peer.answerNext().crc())
              .as("record of %d bytes", o.length())
              .isEqualTo(crc(o));
        }
        for (int i = 0; i < sent.size(); i++) {
          assertThat(results.get(i).get(20, TimeUnit.SECONDS)).isEqualTo(crc(sent.get(i)));
        }
        assertThat(blocking.result.get(20, TimeUnit.SECONDS)).isEqualTo(crc(blocking.sent));
      }
    }
  }

  @Test
  void recordsLargerThanAFragmentQueuedOrBatchedLeaveWhole() throws Exception {
    try (Peer peer = new Peer();
        RpcClient client = connect(peer, ChannelOptions.DEFAULTS.withMaxFragmentSize(1000))) {
      Opaque batched = payload(3_500, 1);
      client.callBatched(CHECKSUM, BLOB, batched);
      BlockingCall blocking = new BlockingCall(client);
      Opaque queued = payload(2_100, 2);
      CompletableFuture<Integer> result = checksumAsync(client, queued);
      // The batch left before the blocking call's own record, the queued one after it.
      assertThat(peer.answerNext().crc()).isEqualTo(crc(batched));
      assertThat(peer.answerNext().crc()).isEqualTo(crc(blocking.sent));
      assertThat(peer.answerNext().crc()).isEqualTo(crc(queued));
      assertThat(result.get(20, TimeUnit.SECONDS)).isEqualTo(crc(queued));
      assertThat(blocking.result.get(20, TimeUnit.SECONDS)).isEqualTo(crc(blocking.sent));
    }
  }

  /** How the peer ends the connection while the client's write blocks. */
  enum PeerEnds {
    /** The client's write fails; so does a read, whichever thread sees it first. */
    RESET,
    /** A reader sees the end first; the write goes on until the client gives up. */
    END_OUTPUT
  }

  @ParameterizedTest
  @EnumSource(PeerEnds.class)
  void callsInAWriteThatFailsOrQueuedForItAreUnableToSendAndTheNextCallReconnects(PeerEnds end)
      throws Exception {
    try (Peer peer = new Peer();
        RpcClient client = connect(peer, ChannelOptions.DEFAULTS)) {
      BlockingCall blocking = new BlockingCall(client);
      // Its blocking caller reads the connection while it waits.
      List<CompletableFuture<?>> queued = queueBehind(client);
      if (end == PeerEnds.RESET) {
        peer.reset();
      } else {
        peer.endOutput();
      }

      assertUnableToSend(blocking.result);
      // Whether the writer's failure or a reader's comes first: no record of theirs was written;
      // each is told that failure, not the close that retires the connection after it.
      for (CompletableFuture<?> call : queued) {
        assertUnableToSend(call);
        assertThat(outcome(call)).asString().doesNotContain("channel closed");
      }
      // None of those calls is sent again; the next one goes out on a new connection.
      Opaque next = payload(10, 4);
      CompletableFuture<Integer> result = checksumAsync(client, next);
      peer.accept();
      Received received = peer.answerNext();
      assertThat(received.crc()).isEqualTo(crc(next));
      assertThat(result.get(20, TimeUnit.SECONDS)).isEqualTo(crc(next));
    }
  }

  @Test
  void callsWrittenWholeAreUnableToReceiveWhenThePeerEndsTheConnectionUnanswered()
      throws Exception {
    try (Peer peer = new Peer();
        RpcClient client = connect(peer, ChannelOptions.DEFAULTS)) {
      // Written by its own thread from the opaque's array, the others after it in one write.
      BlockingCall blocking = new BlockingCall(client);
      List<CompletableFuture<?>> queued = queueBehind(client);
      for (int i = 0; i < 1 + queued.size(); i++) {
        peer.readNext();
      }
      // Its write, and the queued records' after it, have ended: it waits for its reply.
      awaitWaitingForReply(blocking.caller);
      peer.endOutput();

      assertUnableToReceive(blocking.result);
      for (CompletableFuture<?> call : queued) {
        assertUnableToReceive(call);
      }
      // A lone call written at once, then the end.
      CompletableFuture<Integer> lone = checksumAsync(client, payload(10, 5));
      peer.accept();
      peer.readNext();
      peer.endOutput();
      assertUnableToReceive(lone);
    }
  }

  @Test
  void aCallWrittenForItByAnotherThreadIsUnableToReceiveIfTheEndComesBeforeThatWriteIsDone()
      throws Exception {
    StreamScript script = new StreamScript();
    try (Peer peer = new Peer();
        RpcClient client = connect(peer, script)) {
      StreamScript.Hold ownWrite = script.holdNextWrite();
      Thread[] writer = new Thread[1];
      Opaque first = payload(100, 1);
      CompletableFuture<Object> writes = callInThread(client, first, writer);
      ownWrite.awaitReached();
      // Queued while the writer holds the connection; it reads the connection while it waits.
      Opaque second = payload(200, 2);
      CompletableFuture<Object> queued = queuedCall(client, second);
      StreamScript.Hold flush = script.holdNextFlush();
      ownWrite.release();
      // Both records written whole, the writer not yet back from the write that carried them.
      flush.awaitReached();
      assertThat(peer.readNext().crc()).isEqualTo(crc(first));
      assertThat(peer.readNext().crc()).isEqualTo(crc(second));
      peer.endOutput();

      // The peer read it: it may have run, whatever the writer has yet to do.
      assertUnableToReceive(queued);
      flush.release();
      assertUnableToReceive(writes);
    }
  }

  /** The kind of call whose thread writes its own record, then those queued meanwhile. */
  enum Writer {
    BLOCKING,
    ASYNC
  }

  @ParameterizedTest
  @EnumSource(Writer.class)
  void aFailingWriteLeavesUnableToSendOnlyTheCallWhoseRecordItCut(Writer kind) throws Exception {
    StreamScript script = new StreamScript();
    try (Peer peer = new Peer();
        RpcClient client = connect(peer, script)) {
      StreamScript.Hold ownWrite = script.holdNextWrite();
      Opaque first = payload(100, 1);
      CompletableFuture<Object> writes =
          kind == Writer.BLOCKING
              ? callInThread(client, first, new Thread[1])
              : asyncInThread(client, first);
      ownWrite.awaitReached();
      // Gathered into one write, of which the first half (the small record whole) leaves.
      Opaque small = payload(100, 2);
      CompletableFuture<Integer> whole = checksumAsync(client, small);
      CompletableFuture<Object> cut = queuedCall(client, payload(10_000, 3));
      script.failNextWrite(new IOException("the connection broke (expected by the test)"));
      ownWrite.release();

      assertUnableToSend(cut);
      assertUnableToReceive(whole);
      // Its own record was written whole before the write that failed.
      assertUnableToReceive(writes);
      assertThat(peer.readNext().crc()).isEqualTo(crc(first));
      assertThat(peer.readNext().crc()).as("the record before the cut").isEqualTo(crc(small));
    }
  }

  @Test
  void batchedCallsLeaveByThemselvesOnceExactly64KiBAreBuffered() throws Exception {
    try (Peer peer = new Peer();
        RpcClient client = connect(peer, ChannelOptions.DEFAULTS.withMaxFragmentSize(1 << 20))) {
      client.callBatched(CHECKSUM, BLOB, payload(0, 0));
      client.flush();
      peer.readNext();
      // The record of a batched call whose opaque brings it to 64 KiB, the limit.
      Opaque fills = payload(64 * 1024 - peer.lastRecordBytes, 1);
      client.callBatched(CHECKSUM, BLOB, fills);
      assertThat(peer.readNext().crc()).isEqualTo(crc(fills));
      assertThat(peer.lastRecordBytes).isEqualTo(64 * 1024);
    }
  }

  /** How a thread makes a batch leave: {@link RpcClient#flush} or a batch grown past its limit. */
  enum BatchLeaves {
    FLUSH {
      @Override
      void make(RpcClient client) {
        client.flush();
      }
    },
    BATCH_LIMIT {
      @Override
      void make(RpcClient client) {
        // With the batch already buffered, past the 64 KiB at which a batch leaves by itself.
        client.callBatched(CHECKSUM, BLOB, payload(70_000, 7));
      }
    };

    abstract void make(RpcClient client);
  }

  @ParameterizedTest
  @EnumSource(BatchLeaves.class)
  void aBatchWhoseWriteFailsIsUnableToSend(BatchLeaves leaves) throws Exception {
    try (Peer peer = new Peer();
        RpcClient client = connect(peer, ChannelOptions.DEFAULTS)) {
      BlockingCall blocking = new BlockingCall(client);
      client.callBatched(CHECKSUM, BLOB, payload(100, 1));
      CompletableFuture<Object> result = new CompletableFuture<>();
      Thread batcher =
          new Thread(
              () -> {
                try {
                  leaves.make(client);
                  result.complete("left");
                } catch (RpcException e) {
                  result.complete(e);
                }
              },
              "batcher");
      batcher.start();
      // It waits for the blocking call's write to end, then writes the batch on a reset connection.
      awaitWaitingIn(batcher, "flush");
      peer.reset();
      assertUnableToSend(blocking.result);
      assertUnableToSend(result);
    }
  }

  /** Waits (bounded) until {@code thread} waits in a method of the connection named {@code m}. */
  private static void awaitWaitingIn(Thread thread, String m) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < end) {
      if (thread.getState() == Thread.State.WAITING
          && Arrays.stream(thread.getStackTrace())
              .anyMatch(
                  f ->
                      f.getClassName().endsWith("TcpChannel$Connection")
                          && f.getMethodName().equals(m))) {
        return;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("the thread never waited in " + m);
  }

  /** The call ended (as a result or as its future's failure) with CANT_SEND. */
  private static void assertUnableToSend(CompletableFuture<?> call) throws Exception {
    assertThat(outcome(call))
        .isInstanceOf(RpcConnectionException.class)
        .hasFieldOrPropertyWithValue("status", RpcStatus.CANT_SEND);
  }

  /** The call ended (as a result or as its future's failure) with CANT_RECV. */
  private static void assertUnableToReceive(CompletableFuture<?> call) throws Exception {
    assertThat(outcome(call))
        .isInstanceOf(RpcConnectionException.class)
        .hasFieldOrPropertyWithValue("status", RpcStatus.CANT_RECV);
  }

  /** What the call ended with: its result, or its future's failure. */
  private static Object outcome(CompletableFuture<?> call) throws Exception {
    try {
      return call.get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }
}
