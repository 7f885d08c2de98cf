package io.jrpcgen.transport;

import io.jrpcgen.internal.rpc.RpcWithTls;
import io.jrpcgen.internal.transport.Message;
import io.jrpcgen.internal.transport.SocketTimeouts;
import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.rpc.RpcTimeoutException;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * A UDP channel: a connected datagram socket. A call resends its datagram, with the same XID, each
 * time the retry interval passes without a reply, until the call's deadline (libtirpc's {@code
 * clnt_dg} behaviour); replies are matched by XID and stale ones dropped.
 */
public final class UdpChannel extends AbstractChannel {
  private static final int MAX_DATAGRAM = 65_507;

  private final DatagramSocket socket;
  private final ReplyDispatcher dispatcher;
  // Used only by the dispatcher's current reader.
  private final DatagramPacket packet;
  private int soTimeoutMillis = -1;

  private UdpChannel(InetSocketAddress server, ChannelOptions options, DatagramSocket socket) {
    super(server, options);
    this.socket = socket;
    this.dispatcher = new ReplyDispatcher(this::receive, false, readerThreads);
    int size = Math.min(MAX_DATAGRAM, options.maxRecordSize());
    this.packet = new DatagramPacket(new byte[size], size);
  }

  /**
   * Opens a UDP socket connected to {@code server}.
   *
   * @throws IllegalArgumentException if {@code options} ask for TLS (DTLS is not implemented)
   */
  public static UdpChannel open(InetSocketAddress server, ChannelOptions options) {
    if (options.tls() != null) {
      throw RpcWithTls.noDtls(server);
    }
    if (options.backChannel() != null) {
      throw new IllegalArgumentException(
          "a back channel needs a connection for the server to call back on: use TCP to " + server);
    }
    try {
      DatagramSocket socket = new DatagramSocket();
      try {
        socket.connect(server);
      } catch (IOException | RuntimeException e) {
        socket.close();
        throw e;
      }
      return new UdpChannel(server, options, socket);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a UDP socket to " + server, e);
    }
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
    requireOpen();
    long start = System.nanoTime();
    long retry = callOptions.retryInterval().toNanos();
    EncodedCall call =
        encodeCall(false, xid, program, version, procedure, callOptions, argsCodec, args, probe);
    XdrEncoder request = call.encoder();
    try {
      ReplyDispatcher.Waiter waiter;
      try {
        waiter = dispatcher.register(xid);
      } catch (IOException e) {
        throw connectionError(RpcStatus.CANT_SEND, e);
      }
      long nextSend = start;
      while (true) {
        long now = System.nanoTime();
        if (now - deadline >= 0) {
          dispatcher.cancel(xid, waiter);
          throw new RpcTimeoutException(serverName, callOptions.timeout());
        }
        if (now - nextSend >= 0) {
          if (nextSend != start && call.check() != null) {
            // RFC 2203 §5.3.3.1: a resent RPCSEC_GSS call needs a sequence number of its own
            // (the server drops the old one as a replay); the reply may answer either.
            // The listener was told of the call when it was first encoded.
            call =
                call.resent(
                    encodeCall(
                        false,
                        xid,
                        program,
                        version,
                        procedure,
                        callOptions,
                        argsCodec,
                        args,
                        null));
            request = call.encoder();
          }
          send(xid, waiter, request);
          nextSend = now + retry;
        }
        Message reply;
        try {
          reply = dispatcher.await(waiter, deadline - nextSend > 0 ? nextSend : deadline);
        } catch (IOException e) {
          throw connectionError(RpcStatus.CANT_RECV, e);
        }
        if (reply != null) {
          return decodeReply(xid, reply, resultCodec, call.check(), probe);
        }
      }
    } finally {
      releaseEncoder(request);
    }
  }

  /**
   * {@inheritDoc} The datagram is sent at once, and again each retry interval until the call ends.
   */
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
    requireOpen();
    return startAsync(
        program,
        version,
        procedure,
        callOptions,
        resultCodec,
        executor,
        (call, deadline) -> {
          Function<ClientCallProbe, EncodedCall> encode =
              probe ->
                  encodeCall(
                      false,
                      call.xid(),
                      program,
                      version,
                      procedure,
                      callOptions,
                      argsCodec,
                      args,
                      probe);
          EncodedCall encoded = encode.apply(call.probe());
          call.checkWith(encoded.check());
          DatagramPacket datagram = copyAndRelease(encoded.encoder());
          try {
            call.await(dispatcher, deadline, e -> connectionError(RpcStatus.CANT_RECV, e));
            socket.send(datagram);
          } catch (IOException e) {
            call.fail(connectionError(RpcStatus.CANT_SEND, e));
            return;
          }
          call.resendEvery(
              callOptions.retryInterval().toNanos(),
              encoded.check() == null
                  ? () -> resend(call, datagram)
                  : () -> call.runLater(() -> resendAnew(call, encode)));
        });
  }

  /**
   * Resends an RPCSEC_GSS call encoded anew, with a sequence number of its own (see callInSlot); on
   * the call's executor, as the arguments' codec is the caller's code and the timer thread is
   * shared. The listener was told of the call when it was first encoded.
   */
  private void resendAnew(AsyncCall<?> call, Function<ClientCallProbe, EncodedCall> encode) {
    // An executor of several threads may run two resends of the call at once.
    synchronized (call) {
      if (call.future().isDone()) {
        return;
      }
      EncodedCall again;
      try {
        again = encode.apply(null);
      } catch (RuntimeException e) {
        // The context was closed, or could not be renewed at 2^31 calls.
        call.future().completeExceptionally(e);
        return;
      }
      call.checkWith(EncodedCall.either(call.check(), again.check()));
      resend(call, copyAndRelease(again.encoder()));
    }
  }

  /** The datagram of an encoded call, kept for resends: the encoder is the thread's, and reused. */
  private static DatagramPacket copyAndRelease(XdrEncoder request) {
    DatagramPacket datagram =
        new DatagramPacket(Arrays.copyOf(request.array(), request.position()), request.position());
    releaseEncoder(request);
    return datagram;
  }

  private void resend(AsyncCall<?> call, DatagramPacket datagram) {
    try {
      socket.send(datagram);
    } catch (IOException e) {
      call.failLater(connectionError(RpcStatus.CANT_SEND, e));
    }
  }

  @Override
  <A> void sendBatched(
      int program,
      int version,
      int procedure,
      CallOptions callOptions,
      XdrCodec<A> argsCodec,
      A args,
      ClientCallProbe probe) {
    requireOpen();
    XdrEncoder request =
        encodeCall(
                false, newXid(), program, version, procedure, callOptions, argsCodec, args, probe)
            .encoder();
    try {
      socket.send(new DatagramPacket(request.array(), request.position()));
    } catch (IOException e) {
      throw connectionError(RpcStatus.CANT_SEND, e);
    } finally {
      releaseEncoder(request);
    }
  }

  /** Datagrams are never held back, so there is nothing to flush. */
  @Override
  public void flush() {}

  /** A datagram may be lost: a call is sent again at its retry interval. */
  @Override
  public boolean resends() {
    return true;
  }

  /** The local address of the socket. */
  @Override
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  /** Closes the socket: calls in progress fail, and later calls throw IllegalStateException. */
  @Override
  public void close() {
    socket.close();
    dispatcher.failAll(new IOException("channel closed"));
  }

  private void requireOpen() {
    if (socket.isClosed()) {
      throw new IllegalStateException("channel to " + serverName + " is closed");
    }
  }

  private void send(int xid, ReplyDispatcher.Waiter waiter, XdrEncoder request) {
    try {
      socket.send(new DatagramPacket(request.array(), request.position()));
    } catch (IOException e) {
      dispatcher.cancel(xid, waiter);
      throw connectionError(RpcStatus.CANT_SEND, e);
    }
  }

  private Message receive(long deadlineNanos) throws IOException {
    // One datagram per receive: the dispatcher asks again, with what is left, after a stale one.
    int millis = SocketTimeouts.toMillis(deadlineNanos - System.nanoTime());
    if (millis != soTimeoutMillis) {
      socket.setSoTimeout(millis);
      soTimeoutMillis = millis;
    }
    try {
      packet.setLength(packet.getData().length);
      socket.receive(packet);
    } catch (SocketTimeoutException e) {
      return null;
    }
    // Each message gets its own array so that decoded opaques may view it.
    return new Message(Arrays.copyOf(packet.getData(), packet.getLength()), packet.getLength());
  }
}
