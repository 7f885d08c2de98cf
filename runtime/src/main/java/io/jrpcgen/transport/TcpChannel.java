package io.jrpcgen.transport;

import io.jrpcgen.internal.transport.DeadlineInputStream;
import io.jrpcgen.internal.transport.Message;
import io.jrpcgen.internal.transport.RecordMarking;
import io.jrpcgen.internal.transport.RecordReader;
import io.jrpcgen.internal.transport.SocketStreams;
import io.jrpcgen.observe.RpcCall;
import io.jrpcgen.observe.RpcConnection;
import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.rpc.RpcTimeoutException;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrEncoder;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import jdk.net.ExtendedSocketOptions;

/**
 * A TCP channel: one connection, opened when the channel is created and reused by every call, as
 * rpcgen clients do. Concurrent calls are pipelined on it. If the connection fails (reset by a
 * rebooted server, closed by the server) the failing calls report it and the next call opens a new
 * connection; a call is never re-sent behind the caller's back. A connection the server closed or
 * reset while no call was pending is replaced before the next call is sent, since none of that call
 * can have reached the server: when a reader already saw the end, or, after 100 ms or more without
 * a call, when a look at the connection before sending sees it. A call's timeout bounds the whole
 * wait for its reply, however the reply trickles in; a reply left half-read when the wait ends,
 * with no call waiting for it any more, makes the channel drop the connection.
 *
 * <p>With a {@link ChannelOptions#withBackChannel back channel}, each connection also serves the
 * calls the server makes on it, and a thread reads it for as long as it is open; a connection that
 * ends is replaced by the next call, and the new one is served as well.
 */
public final class TcpChannel extends AbstractChannel {
  // Batched calls are flushed once this much is buffered, as libtirpc does when its buffer fills.
  private static final int BATCH_FLUSH_SIZE = 64 * 1024;
  private static final int PENDING_INITIAL = 4 * 1024;
  private static final int KEEP_PENDING_BELOW = 1 << 20;
  // Before a call on a connection idle this long, a look at whether the server closed or reset it
  // meanwhile. A look finding nothing waits 1 ms (the shortest socket timeout: a Socket has no
  // non-blocking read), so calls closer together skip it.
  private static final long CHECK_IDLE_AFTER_NANOS = 100_000_000;

  private final Object connectLock = new Object();
  // Held from numbering an RPCSEC_GSS call to queueing it for the connection (see callInSlot).
  private final ReentrantLock securedSends = new ReentrantLock();
  // What each connection's records are written through: its stream, but in tests.
  private final UnaryOperator<OutputStream> outputs;
  private volatile Connection connection;
  private volatile boolean closed;

  private TcpChannel(
      InetSocketAddress server, ChannelOptions options, UnaryOperator<OutputStream> outputs) {
    super(server, options);
    this.outputs = outputs;
  }

  /**
   * Connects to {@code server}.
   *
   * @throws io.jrpcgen.rpc.RpcConnectionException if the connection cannot be opened
   */
  public static TcpChannel connect(InetSocketAddress server, ChannelOptions options) {
    return connect(server, options, UnaryOperator.identity());
  }

  /**
   * Test seam: connects as {@link #connect(InetSocketAddress, ChannelOptions)} does, each
   * connection writing through the stream {@code outputs} makes of its own (one that fails when a
   * test says so).
   */
  static TcpChannel connect(
      InetSocketAddress server, ChannelOptions options, UnaryOperator<OutputStream> outputs) {
    TcpChannel channel = new TcpChannel(server, options, outputs);
    channel.connection(System.nanoTime() + options.connectTimeout().toNanos());
    return channel;
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
    // RPCSEC_GSS: a server drops a call whose sequence number fell out of its window behind later
    // ones (RFC 2203 section 5.3.3.1). Numbered and queued for the connection under one lock,
    // secured calls leave in the order of their sequence numbers, whatever the threads do.
    ReentrantLock order = callOptions.security() == null ? null : securedSends;
    if (order != null) {
      order.lock();
    }
    EncodedCall call;
    Connection c;
    ReplyDispatcher.Waiter waiter;
    try {
      call =
          encodeCall(true, xid, program, version, procedure, callOptions, argsCodec, args, probe);
      XdrEncoder request = call.encoder();
      try {
        c = liveConnection(deadline);
        try {
          waiter = c.dispatcher.register(xid);
        } catch (IOException e) {
          throw c.fail(RpcStatus.CANT_SEND, e);
        }
        try {
          c.send(request, waiter, null);
        } catch (IOException e) {
          // Fails this call's waiter with every other one on the connection. Its own record may
          // have left whole before a write of others' records failed.
          throw c.fail(c.status(waiter), e);
        } catch (RuntimeException | Error e) {
          // Not the stream's failure (send makes those IOExceptions): this call's record was not
          // queued (no memory for its copy, too much pending), and none of it was written. Its
          // waiter goes, or replies would be routed to a thread that left; the connection serves
          // on.
          c.dispatcher.cancel(xid, waiter);
          throw e;
        }
      } finally {
        releaseEncoder(request);
      }
    } finally {
      if (order != null) {
        order.unlock();
      }
    }
    Message reply;
    try {
      reply = c.dispatcher.await(waiter, deadline);
    } catch (IOException e) {
      // Unless its record was written whole, the call was not sent, whoever saw the failure first.
      RpcException failure = c.fail(c.status(waiter), e);
      if (e instanceof SocketTimeoutException && System.nanoTime() - deadline >= 0) {
        // This call's wait ended inside a reply nobody awaits: the connection is dropped.
        throw new RpcTimeoutException(serverName, callOptions.timeout());
      }
      throw failure;
    } finally {
      c.lastCallEnded = System.nanoTime();
    }
    if (reply == null) {
      c.dispatcher.cancel(xid, waiter);
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
    return startAsync(
        program,
        version,
        procedure,
        callOptions,
        resultCodec,
        executor,
        (call, deadline) -> {
          // RPCSEC_GSS: numbered and queued in order, as in callInSlot.
          ReentrantLock order = callOptions.security() == null ? null : securedSends;
          if (order != null) {
            order.lock();
          }
          try {
            EncodedCall encoded =
                encodeCall(
                    true,
                    call.xid(),
                    program,
                    version,
                    procedure,
                    callOptions,
                    argsCodec,
                    args,
                    call.probe());
            call.checkWith(encoded.check());
            sendAsync(call, encoded.encoder(), deadline);
          } finally {
            if (order != null) {
              order.unlock();
            }
          }
        });
  }

  private void sendAsync(AsyncCall<?> call, XdrEncoder request, long deadline) {
    try {
      Connection c = liveConnection(deadline);
      try {
        call.await(c.dispatcher, deadline, c::failure);
        c.send(request, call.waiter(), call);
      } catch (IOException e) {
        // Fails every other call on the connection, and this one, registered or not. Its own
        // record may have left whole before a write of others' records failed.
        call.fail(c.fail(c.status(call.waiter()), e));
      } finally {
        c.lastCallEnded = System.nanoTime();
      }
    } finally {
      releaseEncoder(request);
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
    XdrEncoder request =
        encodeCall(true, newXid(), program, version, procedure, callOptions, argsCodec, args, probe)
            .encoder();
    Connection c = connection(System.nanoTime() + callOptions.timeout().toNanos());
    try {
      c.buffer(request);
    } catch (IOException e) {
      throw c.fail(RpcStatus.CANT_SEND, e);
    } finally {
      releaseEncoder(request);
    }
  }

  @Override
  public void flush() {
    Connection c = connection;
    if (c != null) {
      try {
        c.flush();
      } catch (IOException e) {
        throw c.fail(RpcStatus.CANT_SEND, e);
      }
    }
  }

  /** The local address of the current connection, or null if none is open. */
  @Override
  public InetSocketAddress localAddress() {
    Connection c = connection;
    return c == null ? null : (InetSocketAddress) c.socket.getLocalSocketAddress();
  }

  /** TCP delivers or fails: a call is sent once. */
  @Override
  public boolean resends() {
    return false;
  }

  /** Whether the current connection has SO_KEEPALIVE on. */
  public boolean keepAlive() {
    Connection c = connection;
    try {
      return c != null && c.socket.getKeepAlive();
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether the current connection has TCP_NODELAY on; false if none is open. */
  boolean noDelay() throws IOException {
    Connection c = connection;
    return c != null && c.socket.getTcpNoDelay();
  }

  /**
   * The keep-alive timers of the current connection as the kernel has them: empty when no
   * connection is open, keep-alive is off, or the platform cannot tell.
   */
  public Optional<ChannelOptions.KeepAlive> keepAliveTimers() {
    Connection c = connection;
    try {
      if (c == null
          || !c.socket.getKeepAlive()
          || !c.socket.supportedOptions().contains(ExtendedSocketOptions.TCP_KEEPIDLE)) {
        return Optional.empty();
      }
      return Optional.of(
          new ChannelOptions.KeepAlive(
              Duration.ofSeconds(c.socket.getOption(ExtendedSocketOptions.TCP_KEEPIDLE)),
              Duration.ofSeconds(c.socket.getOption(ExtendedSocketOptions.TCP_KEEPINTERVAL)),
              c.socket.getOption(ExtendedSocketOptions.TCP_KEEPCOUNT)));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Closes the connection: calls in progress fail, and later calls throw IllegalStateException. */
  @Override
  public void close() {
    synchronized (connectLock) {
      closed = true;
      Connection c = connection;
      connection = null;
      if (c != null) {
        c.closeQuietly();
      }
    }
  }

  private Connection connection(long deadline) {
    Connection c = connection;
    if (c != null) {
      return c;
    }
    synchronized (connectLock) {
      if (closed) {
        throw new IllegalStateException("channel to " + serverName + " is closed");
      }
      c = connection;
      if (c == null) {
        c = open(deadline);
        connection = c;
      }
      return c;
    }
  }

  /**
   * The connection for a call: the current one, unless it failed already (a reader saw the failure
   * after the last call) or it has been idle a while and the server closed or reset it meanwhile;
   * then, as nothing of this call was sent on it, a new one.
   */
  private Connection liveConnection(long deadline) {
    Connection c = connection(deadline);
    if (c.dispatcher.broken()
        || (System.nanoTime() - c.lastCallEnded >= CHECK_IDLE_AFTER_NANOS
            && c.dispatcher.endedWhileIdle(deadline))) {
      c.retire();
      c = connection(deadline);
    }
    return c;
  }

  /** Sets the timers where the platform has them; elsewhere the system's stay. */
  private static void setKeepAliveTimers(Socket socket, ChannelOptions.KeepAlive timers)
      throws IOException {
    Set<SocketOption<?>> supported = socket.supportedOptions();
    if (timers == null
        || !supported.contains(ExtendedSocketOptions.TCP_KEEPIDLE)
        || !supported.contains(ExtendedSocketOptions.TCP_KEEPINTERVAL)
        || !supported.contains(ExtendedSocketOptions.TCP_KEEPCOUNT)) {
      return;
    }
    socket.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, seconds(timers.idle()));
    socket.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, seconds(timers.interval()));
    socket.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, timers.count());
  }

  private static int seconds(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, d.getSeconds());
  }

  private Connection open(long deadline) {
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.setKeepAlive(options.keepAlive());
      setKeepAliveTimers(socket, options.keepAliveTimers());
      long millis = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
      socket.connect(server, (int) Math.min(millis, options.connectTimeout().toMillis()));
      return new Connection(TlsClientHandshake.secure(socket, server, options, deadline));
    } catch (SocketTimeoutException e) {
      closeQuietly(socket);
      throw new RpcTimeoutException(serverName, options.connectTimeout());
    } catch (IOException e) {
      closeQuietly(socket);
      throw connectionError(RpcStatus.CANT_SEND, e);
    } catch (RuntimeException e) {
      closeQuietly(socket);
      throw e;
    }
  }

  /**
   * A record appended for the next write, with the waiter and the asynchronous call it belongs to,
   * or nulls.
   */
  private record PendingRecord(byte[] bytes, ReplyDispatcher.Waiter waiter, AsyncCall<?> call) {}

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Nothing more to do for a socket we are abandoning.
    }
  }

  /**
   * One TCP connection with its reader state and pending calls.
   *
   * <p>Writes are combined: a caller that finds the connection free writes its record at once; one
   * that finds another thread writing appends its record to {@code pending} and goes on to wait for
   * its reply, and the writing thread sends everything appended in its next write. Under load many
   * records thus leave in one system call; a lone caller writes its own, without a copy. Batched
   * calls wait in {@code pending} too, until the next call or {@link #flush()}.
   */
  private final class Connection {
    final Socket socket;
    final OutputStream out;
    final DeadlineInputStream in;
    final RecordReader reader;
    final ReplyDispatcher dispatcher;
    // When the last call's wait ended (System.nanoTime), or when the connection opened.
    volatile long lastCallEnded = System.nanoTime();
    private final ReentrantLock writing = new ReentrantLock();
    private final Object pendingLock = new Object();
    // Records appended for the next write, and their bytes; guarded by pendingLock.
    private ArrayDeque<PendingRecord> pending = new ArrayDeque<>();
    private int pendingLength;
    // Observability hook: the connection as listeners see it, null without a listener.
    private final RpcConnection observed;
    private final AtomicBoolean closeReported = new AtomicBoolean();
    // The queue the last write took, reused as the next pending one; guarded by writing.
    private ArrayDeque<PendingRecord> spare = new ArrayDeque<>();
    // What a write of several records is gathered in; guarded by writing.
    private byte[] gathered = new byte[PENDING_INITIAL];
    // The waiter of the record the last write ended, while pending records are written: a failure
    // cuts that record (see abandon); guarded by writing.
    private ReplyDispatcher.Waiter lastEnded;
    // Why the stream was given up (see abandon), or null; guarded by writing.
    private IOException abandoned;

    Connection(SocketStreams streams) {
      this.socket = streams.socket();
      this.out = outputs.apply(streams.out());
      this.in = new DeadlineInputStream(socket, streams.in());
      this.reader = new RecordReader(in, options.maxRecordSize());
      this.dispatcher =
          new ReplyDispatcher(
              new ReplyDispatcher.Receiver() {
                @Override
                public Message receive(long deadlineNanos) throws IOException {
                  return Connection.this.receive(deadlineNanos);
                }

                @Override
                public boolean hasBuffered() {
                  return reader.hasBufferedRecord();
                }

                @Override
                public boolean inMessage() {
                  return reader.inRecord();
                }

                @Override
                public OptionalInt partialXid() {
                  return reader.partialXid();
                }
              },
              true,
              readerThreads,
              options.backChannel() == null ? null : served(options.backChannel()));
      this.observed =
          listener == null
              ? null
              : new RpcConnection(
                  RpcCall.Side.CLIENT, (InetSocketAddress) socket.getLocalSocketAddress(), server);
      if (observed != null) {
        listener.connectionOpened(observed);
      }
      if (options.backChannel() != null) {
        dispatcher.startReader();
      }
    }

    /**
     * The back channel's calls on this connection: their replies leave as calls do, and when the
     * connection ends the next call opens another.
     */
    private BackChannelService.Calls served(BackChannelService service) {
      BackChannelService.Calls calls =
          service.serve(TcpChannel.this, reply -> send(reply, null, null));
      AtomicBoolean ended = new AtomicBoolean();
      return new BackChannelService.Calls() {
        @Override
        public void received(byte[] message, int length) {
          calls.received(message, length);
        }

        @Override
        public void ended() {
          if (ended.compareAndSet(false, true)) {
            calls.ended();
            retire();
          }
        }
      };
    }

    /** Called only by the dispatcher's current reader. */
    private Message receive(long deadlineNanos) throws IOException {
      in.deadlineAfterOneRead(deadlineNanos);
      try {
        return reader.read();
      } catch (SocketTimeoutException e) {
        return null;
      }
    }

    /**
     * Sends a call's record: now, or with the write of the thread that is writing. A record holding
     * a large opaque by reference is always written by its own thread, from the opaque's array:
     * appending it would copy the payload. {@code waiter} and {@code call} are the waiter and the
     * asynchronous call whose record it is, or null.
     */
    void send(XdrEncoder request, ReplyDispatcher.Waiter waiter, AsyncCall<?> call)
        throws IOException {
      XdrEncoder framed = RecordMarking.frame(request, options.maxFragmentSize());
      try {
        if (!framed.isContiguous()) {
          writing.lock();
          try {
            writePending(null);
            markSent(waiter);
            try {
              framed.writeTo(out);
              // A TLS stream holds the message's records until the flush.
              out.flush();
            } catch (IOException | RuntimeException | Error e) {
              throw abandon(e, waiter);
            }
          } finally {
            writing.unlock();
          }
        } else if (writing.tryLock()) {
          try {
            // Batched calls and records appended meanwhile leave with this one, in one write.
            ReplyDispatcher.Waiter ended = null;
            if (!appendIfPending(framed.array(), framed.position(), waiter, call)) {
              requireWritable();
              markSent(waiter);
              try {
                out.write(framed.array(), 0, framed.position());
              } catch (IOException | RuntimeException | Error e) {
                throw abandon(e, waiter);
              }
              ended = waiter;
            }
            writePending(ended);
          } finally {
            writing.unlock();
          }
        } else {
          append(framed.array(), framed.position(), waiter, call);
        }
      } catch (RuntimeException | Error e) {
        // This record failed alone (see callInSlot): those appended meanwhile still leave.
        writeLeftovers();
        throw e;
      }
      writeLeftovers();
    }

    /** Holds a batched call's record until the next call or flush. */
    void buffer(XdrEncoder request) throws IOException {
      XdrEncoder framed = RecordMarking.frame(request, options.maxFragmentSize());
      append(framed.array(), framed.position(), null, null);
      if (pendingBytes() >= BATCH_FLUSH_SIZE) {
        flush();
      }
    }

    void flush() throws IOException {
      writing.lock();
      try {
        writePending(null);
      } finally {
        writing.unlock();
      }
      writeLeftovers();
    }

    /**
     * Writes what was appended after the last writer's last look. Every thread checks after it
     * unlocks, so a record appended while the lock was held is never left behind.
     */
    private void writeLeftovers() throws IOException {
      while (pendingBytes() > 0 && writing.tryLock()) {
        try {
          writePending(null);
        } finally {
          writing.unlock();
        }
      }
    }

    /**
     * Writes pending records until there are none, then flushes; the caller holds {@code writing}
     * and passes the waiter of the record its own write just ended, if any, as a flush that fails
     * leaves that record cut (TLS holds what was written until the flush).
     */
    private void writePending(ReplyDispatcher.Waiter ended) throws IOException {
      requireWritable();
      lastEnded = ended;
      try {
        writePendingMarked();
      } catch (IOException | RuntimeException | Error e) {
        throw abandon(e, lastEnded);
      } finally {
        lastEnded = null;
      }
    }

    /**
     * Gives the stream up after writing into it failed with {@code e}, which may have left a record
     * sent in part: the server would read any byte written after it as the rest of that record, so
     * none may follow. The record the failed write was to end ({@code cut}'s, when it is a call's)
     * did not reach the server whole, and its call reports CANT_SEND; those written before it in
     * the same write or an earlier one may have, and theirs report CANT_RECV. Under the writing
     * lock, the calls fail and the socket closes before any other write can begin; the failure
     * returned is the one of the connection (an unchecked one, say from a TLS layer, made an
     * IOException), which the caller {@link #fail}s it with.
     */
    private IOException abandon(Throwable e, ReplyDispatcher.Waiter cut) {
      if (cut != null) {
        cut.unsent();
      }
      IOException failure = e instanceof IOException io ? io : writeFailure(e);
      abandoned = failure;
      dispatcher.failAll(failure);
      TcpChannel.closeQuietly(socket);
      return failure;
    }

    /**
     * Marks the call of {@code waiter}, if any, as one whose record may reach the server: before
     * its end is written, so that a reader that sees the connection end meanwhile reports the call
     * as one that may have run, as it may.
     */
    private static void markSent(ReplyDispatcher.Waiter waiter) {
      if (waiter != null) {
        waiter.sent();
      }
    }

    /** Refuses to write once the stream was given up; the caller holds {@code writing}. */
    private void requireWritable() throws IOException {
      if (abandoned != null) {
        throw new IOException("an earlier write failed: " + abandoned.getMessage(), abandoned);
      }
    }

    /**
     * Writes pending records, marking each call sent before the write that carries its record, and
     * keeping {@code lastEnded} the waiter of the record that ends the last write.
     */
    private void writePendingMarked() throws IOException {
      while (true) {
        ArrayDeque<PendingRecord> records = null;
        int length;
        synchronized (pendingLock) {
          length = pendingLength;
          if (length > 0) {
            records = pending;
            pending = spare;
            pendingLength = 0;
          }
        }
        if (records == null) {
          // Outside pendingLock: callers append while this thread writes.
          out.flush();
          return;
        }
        // Null while this write is gathered: if that fails, none of it left.
        lastEnded = null;
        if (gathered.length < length) {
          gathered = new byte[Math.max(length, 2 * gathered.length)];
        }
        int at = 0;
        for (PendingRecord r = records.poll(); r != null; r = records.poll()) {
          if (r.call == null || r.call.takeForWrite()) {
            System.arraycopy(r.bytes, 0, gathered, at, r.bytes.length);
            at += r.bytes.length;
            markSent(r.waiter);
            // Null for a batched call's record, which no call waits on.
            lastEnded = r.waiter;
          }
        }
        spare = records;
        if (gathered.length > KEEP_PENDING_BELOW) {
          // A huge batch's array is not kept for ever.
          byte[] batch = gathered;
          gathered = new byte[PENDING_INITIAL];
          out.write(batch, 0, at);
        } else {
          out.write(gathered, 0, at);
        }
      }
    }

    private int pendingBytes() {
      synchronized (pendingLock) {
        return pendingLength;
      }
    }

    private void append(
        byte[] record, int length, ReplyDispatcher.Waiter waiter, AsyncCall<?> call) {
      PendingRecord copy = new PendingRecord(Arrays.copyOf(record, length), waiter, call);
      synchronized (pendingLock) {
        appendLocked(copy);
      }
    }

    private boolean appendIfPending(
        byte[] record, int length, ReplyDispatcher.Waiter waiter, AsyncCall<?> call) {
      synchronized (pendingLock) {
        boolean pendingAlready = pendingLength > 0;
        if (pendingAlready) {
          appendLocked(new PendingRecord(Arrays.copyOf(record, length), waiter, call));
        }
        return pendingAlready;
      }
    }

    private void appendLocked(PendingRecord record) {
      if (pendingLength > Integer.MAX_VALUE - 8 - record.bytes.length) {
        throw new IllegalStateException("records pending to " + serverName + " exceed 2 GiB");
      }
      pending.add(record);
      pendingLength += record.bytes.length;
    }

    /**
     * What a transport failure is to the call of {@code waiter}: one of receiving once its record
     * may have reached the server whole, else one of sending (also with no waiter: a call never
     * registered was never sent), whichever thread saw the failure first.
     */
    RpcStatus status(ReplyDispatcher.Waiter waiter) {
      return waiter != null && waiter.wasSent() ? RpcStatus.CANT_RECV : RpcStatus.CANT_SEND;
    }

    /** The client-side error of the call of {@code waiter} for a transport failure. */
    RpcException failure(ReplyDispatcher.Waiter waiter, IOException e) {
      return connectionError(status(waiter), e);
    }

    /** Retires this connection after {@code e}: its calls fail, the next call reconnects. */
    RpcException fail(RpcStatus status, IOException e) {
      dispatcher.failAll(e);
      retire();
      return connectionError(status, e);
    }

    /** Closes this connection and makes the next call open a new one. */
    void retire() {
      synchronized (connectLock) {
        if (connection == this) {
          connection = null;
        }
      }
      closeQuietly();
    }

    void closeQuietly() {
      dispatcher.failAll(new IOException("channel closed"));
      TcpChannel.closeQuietly(socket);
      if (observed != null && closeReported.compareAndSet(false, true)) {
        listener.connectionClosed(observed);
      }
    }
  }
}
