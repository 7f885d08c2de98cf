package io.jrpcgen.transport;

import io.jrpcgen.internal.rpc.RpcWithTls;
import io.jrpcgen.internal.transport.DatagramLink;
import io.jrpcgen.internal.transport.Message;
import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.rpc.RpcTimeoutException;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A UDP channel: a connected datagram socket. A call resends its datagram, with the same XID, each
 * time the retry interval passes without a reply, until the call's deadline (libtirpc's {@code
 * clnt_dg} behaviour); replies are matched by XID and stale ones dropped.
 *
 * <p>Threads share the channel. A synchronous call made while another waits on the channel's socket
 * goes, whole (resends included), through a further connected socket of the channel's, one that no
 * other call uses meanwhile, and reads its reply itself: no thread reads for it and wakes it. The
 * channel opens such sockets as concurrent calls need them, at most {@value #MAX_LANES}, keeps them
 * for later calls and closes them with the channel. A lone caller, asynchronous calls and batched
 * calls use the channel's own socket, whose address {@link #localAddress()} is.
 */
public final class UdpChannel extends AbstractChannel {
  private static final int MAX_DATAGRAM = 65_507;
  // What calls in progress are told when the channel is closed, as TCP tells them.
  private static final String CLOSED = "channel closed";
  // The further sockets of one channel: each costs a receive buffer and a descriptor (three
  // before JDK 21: see DatagramLink).
  static final int MAX_LANES = 32;

  private final DatagramLink socket;
  // The channel's socket as the dispatcher's current reader reads it.
  private final Lane own;
  private final ReplyDispatcher dispatcher;
  // The further sockets not in use by a call; and how many were opened, for the bound.
  private final ConcurrentLinkedDeque<Lane> idleLanes = new ConcurrentLinkedDeque<>();
  private final AtomicInteger lanesOpened = new AtomicInteger();
  // Every further socket opened, so that close() ends the calls on them too.
  private final Set<Lane> lanes = ConcurrentHashMap.newKeySet();

  private UdpChannel(InetSocketAddress server, ChannelOptions options, DatagramLink socket) {
    super(server, options);
    this.socket = socket;
    this.own = new Lane(socket);
    this.dispatcher = new ReplyDispatcher(own::receive, false, readerThreads);
  }

  /**
   * Opens a UDP socket connected to {@code server}.
   *
   * @throws IllegalArgumentException if {@code options} ask for TLS, which over UDP would need DTLS
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
      return new UdpChannel(server, options, DatagramLink.connect(server));
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
    // Another call waits on the channel's socket: this one takes a socket of its own, if it can,
    // and reads its reply there itself.
    Lane lane = dispatcher.awaitsReplies() ? takeLane() : null;
    ReplyDispatcher.Waiter waiter = null;
    try {
      if (lane == null) {
        try {
          waiter = dispatcher.register(xid);
        } catch (IOException e) {
          throw connectionError(RpcStatus.CANT_SEND, e);
        }
      }
      long nextSend = start;
      while (true) {
        long now = System.nanoTime();
        if (now - deadline >= 0) {
          if (waiter != null) {
            dispatcher.cancel(xid, waiter);
          }
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
          if (lane == null) {
            send(xid, waiter, request);
          } else {
            lane.send(request);
          }
          nextSend = now + retry;
        }
        long until = deadline - nextSend > 0 ? nextSend : deadline;
        Message reply;
        try {
          reply = lane == null ? dispatcher.await(waiter, until) : lane.replyTo(xid, until);
        } catch (IOException e) {
          // A lane's read ends when close() closes its socket: the cause is the close.
          throw connectionError(
              RpcStatus.CANT_RECV, socket.isClosed() ? new IOException(CLOSED) : e);
        }
        if (reply != null) {
          return decodeReply(xid, reply, resultCodec, call.check(), probe);
        }
      }
    } catch (RuntimeException | Error e) {
      // A resend could not be encoded (its security's context closed, say), or sent: the waiter
      // goes, or the channel would take a call to be waiting on its socket ever after.
      if (waiter != null) {
        dispatcher.cancel(xid, waiter);
      }
      throw e;
    } finally {
      releaseEncoder(request);
      if (lane != null) {
        releaseLane(lane);
      }
    }
  }

  /** An idle further socket, or a new one within the bound; null if neither is to be had. */
  private Lane takeLane() {
    Lane lane = idleLanes.pollFirst();
    if (lane != null) {
      return lane;
    }
    if (lanesOpened.getAndIncrement() >= MAX_LANES) {
      lanesOpened.getAndDecrement();
      return null;
    }
    try {
      lane = new Lane(DatagramLink.connect(server));
    } catch (IOException e) {
      // Out of descriptors, say: the call shares the channel's socket instead.
      lanesOpened.getAndDecrement();
      return null;
    }
    lanes.add(lane);
    if (socket.isClosed()) {
      // Closed meanwhile: close() may have missed this one.
      lane.socket.close();
    }
    return lane;
  }

  /** Gives {@code lane} back for later calls; most recently used first, while its cache is warm. */
  private void releaseLane(Lane lane) {
    if (lane.socket.isClosed()) {
      lanes.remove(lane);
      lanesOpened.getAndDecrement();
    } else {
      idleLanes.offerFirst(lane);
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
          byte[] datagram = copyAndRelease(encoded.encoder());
          try {
            call.await(dispatcher, deadline, (w, e) -> connectionError(RpcStatus.CANT_RECV, e));
            socket.send(datagram, datagram.length);
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
  private static byte[] copyAndRelease(XdrEncoder request) {
    byte[] datagram = Arrays.copyOf(request.array(), request.position());
    releaseEncoder(request);
    return datagram;
  }

  private void resend(AsyncCall<?> call, byte[] datagram) {
    try {
      socket.send(datagram, datagram.length);
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
      socket.send(request.array(), request.position());
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
    try {
      return socket.localAddress();
    } catch (IOException e) {
      // Closed: as a closed DatagramSocket answers.
      return null;
    }
  }

  /** Closes the socket: calls in progress fail, and later calls throw IllegalStateException. */
  @Override
  public void close() {
    // Calls waiting are told first, as on TCP, so that none reports the socket pulled away from
    // under its read instead.
    dispatcher.failAll(new IOException(CLOSED));
    socket.close();
    for (Lane lane : lanes) {
      lane.socket.close();
    }
  }

  private void requireOpen() {
    if (socket.isClosed()) {
      throw new IllegalStateException("channel to " + serverName + " is closed");
    }
  }

  private void send(int xid, ReplyDispatcher.Waiter waiter, XdrEncoder request) {
    try {
      socket.send(request.array(), request.position());
    } catch (IOException e) {
      dispatcher.cancel(xid, waiter);
      throw connectionError(RpcStatus.CANT_SEND, e);
    }
  }

  /**
   * A connected socket and what reading it needs: the channel's own, read by the dispatcher's
   * current reader, or a further one, used by one synchronous call at a time, which sends on it and
   * reads its reply from it, dropping the stale replies of earlier calls on it.
   */
  private final class Lane {
    final DatagramLink socket;
    private final ByteBuffer buffer;

    Lane(DatagramLink socket) {
      this.socket = socket;
      this.buffer = ByteBuffer.allocate(Math.min(MAX_DATAGRAM, options.maxRecordSize()));
    }

    void send(XdrEncoder request) {
      try {
        socket.send(request.array(), request.position());
      } catch (IOException e) {
        throw connectionError(RpcStatus.CANT_SEND, e);
      }
    }

    /**
     * The reply to {@code xid}, or null if it has not come by {@code deadlineNanos}; reads at least
     * once, even if the deadline has passed.
     */
    Message replyTo(int xid, long deadlineNanos) throws IOException {
      do {
        Message message = receive(deadlineNanos);
        // What the dispatcher takes as the reply to xid, this takes too.
        if (message == null || (message.hasXid() && !message.isCall() && message.xid() == xid)) {
          return message;
        }
      } while (deadlineNanos - System.nanoTime() > 0);
      return null;
    }

    /** The next datagram, or null if none came by {@code deadlineNanos}; reads at least once. */
    Message receive(long deadlineNanos) throws IOException {
      // One datagram per receive: the dispatcher asks again, with what is left, after a stale one.
      int length = socket.receive(buffer, deadlineNanos);
      if (length < 0) {
        return null;
      }
      // Each message gets its own array so that decoded opaques may view it.
      return new Message(Arrays.copyOf(buffer.array(), length), length);
    }
  }
}
