package io.jrpcgen.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.rpc.RpcConnectionException;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.server.RpcServer;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A TCP connection whose stream throws something unchecked in the middle of a record (a TLS layer's
 * bug, say): the record may have gone in part, so the calls fail as unable to send, no waiter stays
 * behind, and the next call opens a new connection rather than writing after the half record.
 */
@Timeout(60)
class TcpSendFailureTest {
  private static final Duration SHORT = Duration.ofSeconds(5);

  /** What the stream throws in these tests in place of a TLS layer's bug. */
  private static final class WriteBug extends Error {
    WriteBug() {
      super("a TLS layer's bug (expected by the test)");
    }
  }

  /**
   * Writes through to the connection's stream until told to fail: then the next write sends the
   * first half of its bytes and throws.
   */
  private final class FailingOutput extends FilterOutputStream {
    FailingOutput(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      CountDownLatch gate = holdNext.getAndSet(null);
      if (gate != null) {
        held.countDown();
        awaitQuietly(gate);
      }
      Throwable failure = failNext.getAndSet(null);
      if (failure == null) {
        out.write(b, off, len);
        return;
      }
      out.write(b, off, len / 2);
      out.flush();
      if (failure instanceof Error e) {
        throw e;
      }
      throw (RuntimeException) failure;
    }
  }

  private final AtomicReference<Throwable> failNext = new AtomicReference<>();
  // The next write waits for this latch, once it has counted down held.
  private final AtomicReference<CountDownLatch> holdNext = new AtomicReference<>();
  private final CountDownLatch held = new CountDownLatch(1);
  private final ExecutorService pool = Executors.newSingleThreadExecutor();
  private TcpChannel channel;
  private RpcServer server;
  private RpcClient client;

  @BeforeEach
  void start() {
    server =
        RpcServer.builder().program(Square.program()).bindAddress(Square.LOOPBACK).tcp(0).start();
    channel =
        TcpChannel.connect(
            new InetSocketAddress(Square.LOOPBACK, server.tcpPort()),
            ChannelOptions.DEFAULTS,
            FailingOutput::new);
    client = RpcClient.create(channel, Square.PROGRAM, Square.VERSION).withTimeout(SHORT);
  }

  @AfterEach
  void stop() {
    pool.shutdownNow();
    client.close();
    server.close();
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      assertThat(latch.await(20, TimeUnit.SECONDS)).as("released").isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The channel's current connection, an object of a class private to the channel. */
  private Object connection() throws ReflectiveOperationException {
    Field connection = TcpChannel.class.getDeclaredField("connection");
    connection.setAccessible(true);
    return connection.get(channel);
  }

  private static Field field(Object connection, String name) throws NoSuchFieldException {
    Field field = connection.getClass().getDeclaredField(name);
    field.setAccessible(true);
    return field;
  }

  @Test
  void aCallWhoseRecordCannotBeQueuedFailsAloneAndLeavesNoWaiter() throws Exception {
    assertThat(Square.square(client, 3)).isEqualTo(9);
    Object connection = connection();
    ReplyDispatcher dispatcher = (ReplyDispatcher) field(connection, "dispatcher").get(connection);
    Field pendingLength = field(connection, "pendingLength");
    CountDownLatch release = new CountDownLatch(1);
    holdNext.set(release);
    Future<Integer> writing = pool.submit(() -> Square.square(client, 4));
    awaitQuietly(held);
    // While that call's write holds the connection, this one's record must be queued: as if 2 GiB
    // were queued already, it cannot be.
    pendingLength.setInt(connection, Integer.MAX_VALUE - 8);
    try {
      assertThatThrownBy(() -> Square.square(client, 5))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("exceed 2 GiB");
    } finally {
      pendingLength.setInt(connection, 0);
      release.countDown();
    }
    assertThat(writing.get(20, TimeUnit.SECONDS)).isEqualTo(16);
    assertThat(dispatcher.awaitsReplies()).as("a call awaits a reply").isFalse();
    // The connection serves on: nothing of the failed call was written.
    assertThat(Square.square(client, 6)).isEqualTo(36);
    assertThat(connection()).as("the connection").isSameAs(connection);
  }

  /**
   * Asserts that {@code thrown} is the failure to send of a write that failed with {@code cause}.
   */
  static void assertUnableToSendFor(Throwable thrown, Throwable cause) {
    assertThat(thrown)
        .isInstanceOfSatisfying(
            RpcConnectionException.class,
            e -> assertThat(e.status()).isEqualTo(RpcStatus.CANT_SEND))
        .hasRootCause(cause);
  }

  @Test
  void aCallWhoseWriteThrowsUncheckedFailsUnableToSendAndTheNextGetsANewConnection() {
    assertThat(Square.square(client, 3)).isEqualTo(9);
    WriteBug bug = new WriteBug();
    failNext.set(bug);
    Throwable thrown = catchThrowable(() -> Square.square(client, 4));
    assertUnableToSendFor(thrown, bug);
    // Not after the half record on the old connection, which would make it the server's garbage.
    assertThat(Square.square(client, 5)).isEqualTo(25);
  }

  @Test
  void anAsyncCallWhoseWriteThrowsUncheckedEndsItsFutureAndTheConnection() throws Exception {
    assertThat(Square.square(client, 3)).isEqualTo(9);
    UncheckedIOException bug =
        new UncheckedIOException(new IOException("a TLS layer's bug (expected by the test)"));
    failNext.set(bug);
    CompletableFuture<Square.Out> result =
        client.callAsync(Square.SQUAREPROC, Square.In.CODEC, new Square.In(4), Square.Out.CODEC);
    assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .satisfies(e -> assertUnableToSendFor(e.getCause(), bug.getCause()));
    assertThat(Square.square(client, 5)).isEqualTo(25);
  }

  @Test
  void aFlushWhoseWriteThrowsUncheckedFailsUnableToSendAndTheNextCallGetsANewConnection() {
    assertThat(Square.square(client, 3)).isEqualTo(9);
    client.callBatched(Square.SQUAREPROC, Square.In.CODEC, new Square.In(6));
    client.callBatched(Square.SQUAREPROC, Square.In.CODEC, new Square.In(7));
    WriteBug bug = new WriteBug();
    failNext.set(bug);
    Throwable thrown = catchThrowable(client::flush);
    assertUnableToSendFor(thrown, bug);
    assertThat(Square.square(client, 5)).isEqualTo(25);
  }
}
