package io.jrpcgen.transport;

import io.jrpcgen.internal.transport.Message;
import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.rpc.RpcTimeoutException;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrEncoder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The channel of a {@link BackChannelLink}: calls go out through the connection owner's writer, and
 * replies come in from its reader, never read here. The XIDs are this channel's own numbering,
 * apart from the client's: the owner tells calls from replies by their message type.
 */
final class BackChannel extends AbstractChannel implements BackChannelLink {
  private final InetSocketAddress local;
  private final RecordWriter writer;
  private final Thread reader;
  private final ReplyDispatcher dispatcher;
  // Held from numbering an RPCSEC_GSS call to writing it, so that they leave in sequence order.
  private final ReentrantLock securedSends = new ReentrantLock();
  private volatile boolean closed;

  BackChannel(
      InetSocketAddress client,
      InetSocketAddress local,
      RecordWriter writer,
      Thread reader,
      ChannelOptions options) {
    super(client, options);
    this.local = local;
    this.writer = writer;
    this.reader = reader;
    // Nothing is read here: a waiting thread parks until the owner's reader hands it its reply.
    this.dispatcher = new ReplyDispatcher(BackChannel::awaitHandOver, true, null);
  }

  private static Message awaitHandOver(long deadlineNanos) {
    LockSupport.parkNanos(deadlineNanos - System.nanoTime());
    return null;
  }

  @Override
  public RpcChannel channel() {
    return this;
  }

  @Override
  public boolean awaitsReplies() {
    return dispatcher.awaitsReplies();
  }

  @Override
  public void replyReceived(byte[] message, int length) {
    dispatcher.delivered(new Message(message, length));
  }

  @Override
  public void connectionEnded(IOException cause) {
    dispatcher.failAll(cause);
  }

  @Override
  <A, R> RpcReply<R> callInSlot(
      long deadline,
      int xid,
      int program,
      int version,
      int procedure,
      CallOptions callOptions,
      XdrCodec<A> argsCodec,
      A args,
      XdrCodec<R> resultCodec,
      ClientCallProbe probe) {
    checkOpen();
    if (Thread.currentThread() == reader) {
      throw new IllegalStateException(
          "a blocking call to "
              + serverName
              + " on the thread that reads its connection would wait for ever: call back"
              + " asynchronously, or from another thread");
    }
    EncodedCall call;
    ReplyDispatcher.Waiter waiter;
    ReentrantLock order = callOptions.security() == null ? null : securedSends;
    if (order != null) {
      order.lock();
    }
    try {
      call =
          encodeCall(true, xid, program, version, procedure, callOptions, argsCodec, args, probe);
      try {
        waiter = dispatcher.register(xid);
        write(call.encoder());
      } catch (IOException e) {
        throw failed(RpcStatus.CANT_SEND, e);
      } finally {
        releaseEncoder(call.encoder());
      }
    } finally {
      if (order != null) {
        order.unlock();
      }
    }
    Message reply;
    try {
      reply = dispatcher.await(waiter, deadline);
    } catch (IOException e) {
      throw connectionError(RpcStatus.CANT_RECV, e);
    }
    if (reply == null) {
      dispatcher.cancel(xid, waiter);
      throw new RpcTimeoutException(serverName, callOptions.timeout());
    }
    return decodeReply(xid, reply, resultCodec, call.check(), probe);
  }

  @Override
  public <A, R> CompletableFuture<RpcReply<R>> callAsync(
      int program,
      int version,
      int procedure,
      CallOptions callOptions,
      XdrCodec<A> argsCodec,
      A args,
      XdrCodec<R> resultCodec,
      Executor executor) {
    checkOpen();
    return startAsync(
        program,
        version,
        procedure,
        callOptions,
        resultCodec,
        executor,
        (call, deadline) -> {
          XdrEncoder request =
              encodeCall(
                      true,
                      call.xid(),
                      program,
                      version,
                      procedure,
                      callOptions,
                      argsCodec,
                      args,
                      call.probe())
                  .encoder();
          try {
            call.await(dispatcher, deadline, (w, e) -> connectionError(RpcStatus.CANT_RECV, e));
            if (call.takeForWrite()) {
              write(request);
            }
          } catch (IOException e) {
            // This call's own failure first: failing the others completes this one too, as
            // unable to receive, since it is registered already.
            call.fail(connectionError(RpcStatus.CANT_SEND, e));
            dispatcher.failAll(e);
          } finally {
            releaseEncoder(request);
          }
        });
  }

  /** One-way calls leave at once: the connection's writer holds no records back. */
  @Override
  <A> void sendBatched(
      int program,
      int version,
      int procedure,
      CallOptions callOptions,
      XdrCodec<A> argsCodec,
      A args,
      ClientCallProbe probe) {
    checkOpen();
    XdrEncoder request =
        encodeCall(true, newXid(), program, version, procedure, callOptions, argsCodec, args, probe)
            .encoder();
    try {
      write(request);
    } catch (IOException e) {
      throw failed(RpcStatus.CANT_SEND, e);
    } finally {
      releaseEncoder(request);
    }
  }

  /** Nothing is buffered: one-way calls have left already. */
  @Override
  public void flush() {
    checkOpen();
  }

  /** The server's end of the connection. */
  @Override
  public InetSocketAddress localAddress() {
    return local;
  }

  /** TCP delivers or fails: a call is sent once. */
  @Override
  public boolean resends() {
    return false;
  }

  /**
   * Ends this back channel: calls in progress fail, later calls throw IllegalStateException. The
   * connection is the client's and stays open.
   */
  @Override
  public void close() {
    closed = true;
    dispatcher.failAll(new IOException("back channel to " + serverName + " closed"));
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("back channel to " + serverName + " is closed");
    }
  }

  /**
   * Writes a call's record with the owner's writer; what the writer throws unchecked (its TLS
   * layer's failure, say) is a failure of the connection, as an IOException is: the record may have
   * gone in part.
   */
  private void write(XdrEncoder record) throws IOException {
    try {
      writer.write(record);
    } catch (RuntimeException | Error e) {
      throw writeFailure(e);
    }
  }

  /** A write failed: the connection is broken, for every call on it. */
  private RpcException failed(RpcStatus status, IOException e) {
    dispatcher.failAll(e);
    return connectionError(status, e);
  }
}
