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
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
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
  private static final class FailingOutput extends FilterOutputStream {
    private final AtomicReference<Throwable> next;

    FailingOutput(OutputStream out, AtomicReference<Throwable> next) {
      super(out);
      this.next = next;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      Throwable failure = next.getAndSet(null);
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
  private RpcServer server;
  private RpcClient client;

  @BeforeEach
  void start() {
    server =
        RpcServer.builder().program(Square.program()).bindAddress(Square.LOOPBACK).tcp(0).start();
    TcpChannel channel =
        TcpChannel.connect(
            new InetSocketAddress(Square.LOOPBACK, server.tcpPort()),
            ChannelOptions.DEFAULTS,
            out -> new FailingOutput(out, failNext));
    client = RpcClient.create(channel, Square.PROGRAM, Square.VERSION).withTimeout(SHORT);
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
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
