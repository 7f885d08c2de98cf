package io.jrpcgen.transport;

import io.jrpcgen.internal.rpc.Reply;
import io.jrpcgen.internal.rpc.RpcMessages;
import io.jrpcgen.internal.transport.Message;
import io.jrpcgen.internal.transport.PeerClosedException;
import io.jrpcgen.internal.transport.RecordMarking;
import io.jrpcgen.observe.RpcCall;
import io.jrpcgen.observe.RpcListener;
import io.jrpcgen.rpc.AuthStat;
import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.rpc.CallSecurity;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.rpc.RpcAuthException;
import io.jrpcgen.rpc.RpcConnectionException;
import io.jrpcgen.rpc.RpcConnectionException.Reason;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.rpc.RpcTimeoutException;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import io.jrpcgen.xdr.XdrException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/** What TCP and UDP channels share: XIDs, encoding calls, decoding replies, error mapping. */
abstract sealed class AbstractChannel implements RpcChannel
    permits TcpChannel, UdpChannel, BackChannel {
  // Encoding happens in the caller's thread into its own reused buffer; one kept past this size
  // is dropped after the call so that a single huge call does not pin memory for ever.
  private static final int KEEP_ENCODER_BELOW = 4 << 20;
  // With the encoder, the call as encoded without a CallSecurity, so that such a call makes none.
  private static final ThreadLocal<EncodedCall> ENCODER =
      ThreadLocal.withInitial(() -> new EncodedCall(new XdrEncoder(512), null));

  final InetSocketAddress server;
  final String serverName;
  final ChannelOptions options;
  // Observability hook: null without a listener, the default, which then costs a null check.
  final RpcListener listener;
  final ThreadFactory readerThreads;
  private final AtomicInteger nextXid = new AtomicInteger(ThreadLocalRandom.current().nextInt());
  private final Semaphore slots;
  private volatile int lastXid;

  AbstractChannel(InetSocketAddress server, ChannelOptions options) {
    this.server = server;
    this.serverName = server.getHostString();
    this.options = options;
    this.listener = options.listener() == null ? null : RpcListener.guarded(options.listener());
    this.slots = new Semaphore(options.maxInFlight());
    String readerName = "jrpcgen-reader " + server;
    this.readerThreads =
        r -> {
          Thread t = new Thread(r, readerName);
          t.setDaemon(true);
          return t;
        };
  }

  @Override
  public int maxInFlight() {
    return options.maxInFlight();
  }

  /**
   * Takes one of the {@code maxInFlight} slots of calls awaiting replies, waiting for one until
   * {@code deadlineNanos}; the call then times out, as it would waiting for its reply.
   */
  void acquireSlot(long deadlineNanos, Duration timeout) {
    if (slots.tryAcquire()) {
      return;
    }
    try {
      long left = deadlineNanos - System.nanoTime();
      if (left > 0 && slots.tryAcquire(left, TimeUnit.NANOSECONDS)) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RpcException(
          RpcStatus.FAILED,
          serverName,
          "interrupted while waiting for one of " + options.maxInFlight() + " call slots",
          e);
    }
    throw new RpcTimeoutException(serverName, timeout);
  }

  void releaseSlot() {
    slots.release();
  }

  /** How an asynchronous call, given its slot and XID, is encoded, registered and sent. */
  interface AsyncStart<R> {
    void start(AsyncCall<R> call, long deadlineNanos);
  }

  /**
   * Starts an asynchronous call: takes a slot (waiting within the deadline), then lets {@code
   * start} send it. Failures before anything was sent end the future, not the caller. With a {@link
   * CallSecurity}, the caller first waits (within the deadline) for the call's leave to be
   * outstanding, as a blocking call does, and the call goes once more after a renewal, as in {@link
   * #secured}, without a thread waiting for it. A security not {@link CallSecurity#ready() ready}
   * yet (its first context being made) is not waited for here: the call is admitted and sent by the
   * thread that makes it ready.
   */
  <R> CompletableFuture<RpcReply<R>> startAsync(
      int program,
      int version,
      int procedure,
      CallOptions callOptions,
      XdrCodec<R> resultCodec,
      Executor executor,
      AsyncStart<R> start) {
    long deadline = System.nanoTime() + callOptions.timeout().toNanos();
    CallSecurity security = callOptions.security();
    try {
      if (security == null) {
        return startCall(
                program, version, procedure, callOptions, resultCodec, executor, start, deadline)
            .future();
      }
    } catch (RpcException e) {
      return CompletableFuture.failedFuture(e);
    }
    SecuredAsyncCall<R> call =
        new SecuredAsyncCall<R>(
            this,
            security,
            executor,
            deadline,
            callOptions.timeout(),
            () ->
                startCall(
                    program,
                    version,
                    procedure,
                    callOptions,
                    resultCodec,
                    executor,
                    start,
                    deadline));
    CompletableFuture<?> ready = security.ready();
    if (!ready.isDone() || ready.isCompletedExceptionally()) {
      return call.startWhen(ready);
    }
    try {
      admit(security, callOptions.timeout(), deadline);
    } catch (RpcException e) {
      return CompletableFuture.failedFuture(e);
    }
    return call.start();
  }

  /** Takes a slot (waiting within {@code deadline}) and lets {@code start} send the call. */
  private <R> AsyncCall<R> startCall(
      int program,
      int version,
      int procedure,
      CallOptions callOptions,
      XdrCodec<R> resultCodec,
      Executor executor,
      AsyncStart<R> start,
      long deadline) {
    acquireSlot(deadline, callOptions.timeout());
    // Observability hook: null without a listener.
    ClientCallProbe probe =
        listener == null ? null : probe(program, version, procedure, callOptions);
    AsyncCall<R> call =
        new AsyncCall<>(this, newXid(), resultCodec, executor, callOptions.timeout(), probe);
    try {
      start.start(call, deadline);
    } catch (RpcException e) {
      call.fail(e);
    } catch (RuntimeException | Error e) {
      // A closed channel, or the caller's codec failing its own way (an Error too: a stack
      // overflow on a deeply nested value): thrown to the caller; the slot is given back, else
      // each such call would keep one for good.
      call.future().cancel(false);
      throw e;
    }
    return call;
  }

  @Override
  public final <A, R> RpcReply<R> call(
      int program,
      int version,
      int procedure,
      CallOptions callOptions,
      XdrCodec<A> argsCodec,
      A args,
      XdrCodec<R> resultCodec) {
    // Observability hook: with no listener, straight through, with nothing allocated for it.
    if (listener == null) {
      return secured(program, version, procedure, callOptions, argsCodec, args, resultCodec, null);
    }
    ClientCallProbe probe = probe(program, version, procedure, callOptions);
    RpcReply<R> reply;
    try {
      reply =
          secured(program, version, procedure, callOptions, argsCodec, args, resultCodec, probe);
    } catch (RuntimeException | Error e) {
      probe.ended(e);
      throw e;
    }
    probe.ended(null);
    return reply;
  }

  @Override
  public final <A> void callBatched(
      int program,
      int version,
      int procedure,
      CallOptions callOptions,
      XdrCodec<A> argsCodec,
      A args) {
    CallSecurity security = callOptions.security();
    if (security != null) {
      awaitSecurity(
          security.ready(),
          callOptions.timeout(),
          System.nanoTime() + callOptions.timeout().toNanos());
    }
    // Observability hook, as in call.
    if (listener == null) {
      sendBatched(program, version, procedure, callOptions, argsCodec, args, null);
      return;
    }
    ClientCallProbe probe = probe(program, version, procedure, callOptions);
    try {
      sendBatched(program, version, procedure, callOptions, argsCodec, args, probe);
    } catch (RuntimeException | Error e) {
      probe.ended(e);
      throw e;
    }
    probe.sent();
  }

  private ClientCallProbe probe(int program, int version, int procedure, CallOptions options) {
    return new ClientCallProbe(
        listener,
        this,
        this instanceof UdpChannel ? RpcCall.Transport.UDP : RpcCall.Transport.TCP,
        program,
        version,
        procedure,
        options.names());
  }

  /**
   * What {@link #call} does: takes a slot (waiting within the call's timeout) and an XID, then lets
   * {@link #callInSlot} send the call and wait for its reply; an error it throws carries the XID.
   */
  private <A, R> RpcReply<R> exchange(
      int program,
      int version,
      int procedure,
      CallOptions callOptions,
      XdrCodec<A> argsCodec,
      A args,
      XdrCodec<R> resultCodec,
      ClientCallProbe probe) {
    long deadline = System.nanoTime() + callOptions.timeout().toNanos();
    acquireSlot(deadline, callOptions.timeout());
    int xid = newXid();
    try {
      return callInSlot(
          deadline,
          xid,
          program,
          version,
          procedure,
          callOptions,
          argsCodec,
          args,
          resultCodec,
          probe);
    } catch (RpcException e) {
      throw e.withXid(xid);
    } finally {
      releaseSlot();
    }
  }

  /**
   * Sends call {@code xid} and waits for its reply until {@code deadline} (a {@link
   * System#nanoTime()} value), telling {@code probe} (null without a listener) through {@link
   * #encodeCall} and {@link #decodeReply}.
   */
  abstract <A, R> RpcReply<R> callInSlot(
      long deadline,
      int xid,
      int program,
      int version,
      int procedure,
      CallOptions callOptions,
      XdrCodec<A> argsCodec,
      A args,
      XdrCodec<R> resultCodec,
      ClientCallProbe probe);

  /** What {@link #callBatched} does, telling {@code probe} through {@link #encodeCall}. */
  abstract <A> void sendBatched(
      int program,
      int version,
      int procedure,
      CallOptions callOptions,
      XdrCodec<A> argsCodec,
      A args,
      ClientCallProbe probe);

  @Override
  public InetSocketAddress serverAddress() {
    return server;
  }

  @Override
  public int lastXid() {
    return lastXid;
  }

  /** Test seam: the next call's XID is {@code xid}, the one after it {@code xid + 1}, and so on. */
  void firstXid(int xid) {
    nextXid.set(xid);
  }

  int newXid() {
    int xid = nextXid.getAndIncrement();
    lastXid = xid;
    return xid;
  }

  /**
   * Calls as {@link #exchange} does. With a {@link CallSecurity}, the call waits for it to be ready
   * and for its leave to be outstanding, and when the security renews a context the server refused
   * without running the procedure, it is sent once more; all within the call's timeout.
   */
  private <A, R> RpcReply<R> secured(
      int program,
      int version,
      int procedure,
      CallOptions callOptions,
      XdrCodec<A> argsCodec,
      A args,
      XdrCodec<R> resultCodec,
      ClientCallProbe probe) {
    CallSecurity security = callOptions.security();
    if (security == null) {
      return exchange(
          program, version, procedure, callOptions, argsCodec, args, resultCodec, probe);
    }
    long deadline = System.nanoTime() + callOptions.timeout().toNanos();
    awaitSecurity(security.ready(), callOptions.timeout(), deadline);
    admit(security, callOptions.timeout(), deadline);
    try {
      try {
        return exchange(
            program,
            version,
            procedure,
            remaining(callOptions, deadline),
            argsCodec,
            args,
            resultCodec,
            probe);
      } catch (RpcAuthException e) {
        if (!renewed(security, e, callOptions.timeout(), deadline)) {
          throw e;
        }
        return exchange(
            program,
            version,
            procedure,
            remaining(callOptions, deadline),
            argsCodec,
            args,
            resultCodec,
            probe);
      }
    } finally {
      security.done();
    }
  }

  /**
   * Waits, within the call's {@code deadline}, for {@code security} to renew what refused a call
   * with {@code refusal}; whether the call may go once more.
   */
  private boolean renewed(
      CallSecurity security, RpcAuthException refusal, Duration timeout, long deadline) {
    return awaitSecurity(security.renewAfter(refusal.authStat()), timeout, deadline);
  }

  /**
   * What {@code work} of a {@link CallSecurity} (a renewal, or its first context) ends with, waited
   * for within the call's {@code deadline}; its failure is the call's.
   */
  private <T> T awaitSecurity(CompletableFuture<T> work, Duration timeout, long deadline) {
    try {
      return work.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new RpcTimeoutException(serverName, timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RpcException(RpcStatus.CANT_SEND, serverName, "interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw securityFailure(e.getCause());
    }
  }

  /**
   * What a failed renewal or context creation of a {@link CallSecurity} ends a call with: its own
   * exception if unchecked.
   */
  RuntimeException securityFailure(Throwable cause) {
    if (cause instanceof RuntimeException e) {
      return e;
    }
    return new RpcException(RpcStatus.FAILED, serverName, "security failed: " + cause, cause);
  }

  /** Waits, within the call's {@code deadline}, for {@code security} to admit the call. */
  void admit(CallSecurity security, Duration timeout, long deadline) {
    boolean admitted;
    try {
      admitted = security.admit(Math.max(0, deadline - System.nanoTime()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RpcException(RpcStatus.CANT_SEND, serverName, "interrupted", e);
    }
    if (!admitted) {
      throw new RpcTimeoutException(serverName, timeout);
    }
  }

  /** The options with what is left of the call's time as timeout. */
  private CallOptions remaining(CallOptions callOptions, long deadline) {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new RpcTimeoutException(serverName, callOptions.timeout());
    }
    return callOptions.withTimeout(Duration.ofNanos(left));
  }

  /** An encoded call, with the check of its reply when a {@link CallSecurity} protects it. */
  record EncodedCall(XdrEncoder encoder, CallSecurity.ReplyCheck check) {
    /**
     * This call as {@code again} encodes it anew (in the same encoder), whose reply check also
     * accepts a reply to this transmission.
     */
    EncodedCall resent(EncodedCall again) {
      return new EncodedCall(again.encoder(), either(check, again.check()));
    }

    /** A check that accepts a reply to either of two transmissions of a call. */
    static CallSecurity.ReplyCheck either(
        CallSecurity.ReplyCheck earlier, CallSecurity.ReplyCheck later) {
      return new CallSecurity.ReplyCheck() {
        @Override
        public <R> R readResults(OpaqueAuth verifier, XdrDecoder in, XdrCodec<R> codec) {
          try {
            return later.readResults(verifier, in, codec);
          } catch (RpcAuthException e) {
            // The verifier is checked before anything is read: the earlier check reads afresh.
            return earlier.readResults(verifier, in, codec);
          }
        }

        @Override
        public void refused(AuthStat status) {
          earlier.refused(status);
          later.refused(status);
        }
      };
    }
  }

  /**
   * Encodes a call into the calling thread's encoder, behind a record mark if {@code tcp}, and
   * tells {@code probe} (if not null) that the call begins.
   */
  <A> EncodedCall encodeCall(
      boolean tcp,
      int xid,
      int program,
      int version,
      int procedure,
      CallOptions options,
      XdrCodec<A> argsCodec,
      A args,
      ClientCallProbe probe) {
    EncodedCall unsecured = ENCODER.get();
    XdrEncoder out = unsecured.encoder();
    if (tcp) {
      RecordMarking.begin(out);
    } else {
      out.reset();
    }
    int size = 0;
    CallSecurity.ReplyCheck check = null;
    try {
      if (options.security() == null) {
        RpcMessages.writeCall(
            out, xid, program, version, procedure, options.credential(), options.verifier());
        argsCodec.encode(out, args);
      } else {
        int headerStart = out.position();
        RpcMessages.writeCallStart(out, xid, program, version, procedure);
        check = options.security().writeCall(out, headerStart, argsCodec, args);
      }
      size = out.position() - (tcp ? RecordMarking.HEADER_SIZE : 0);
    } catch (XdrException e) {
      throw new RpcException(RpcStatus.CANT_ENCODE_ARGS, serverName, e.getMessage(), e);
    } finally {
      // Observability hook: the call begins, whether or not its arguments could be encoded.
      if (probe != null) {
        probe.started(xid, size);
      }
    }
    return check == null ? unsecured : new EncodedCall(out, check);
  }

  static void releaseEncoder(XdrEncoder out) {
    if (out.capacity() > KEEP_ENCODER_BELOW) {
      ENCODER.remove();
    } else {
      // Forgets the large opaques it referenced: they are the caller's, not the thread's.
      out.reset();
    }
  }

  /**
   * Decodes a reply: its results (through {@code check} when a {@link CallSecurity} protects the
   * call), or the exception its status calls for; tells {@code probe} (if not null) of the reply.
   */
  <R> RpcReply<R> decodeReply(
      int xid,
      Message message,
      XdrCodec<R> resultCodec,
      CallSecurity.ReplyCheck check,
      ClientCallProbe probe) {
    XdrDecoder in = message.decoder();
    Reply reply;
    try {
      reply = RpcMessages.readReply(in);
    } catch (XdrException e) {
      throw new RpcException(RpcStatus.CANT_DECODE_RES, serverName, e.getMessage(), e);
    }
    // Observability hook.
    if (probe != null) {
      probe.replied(reply, message.length());
    }
    if (!(reply instanceof Reply.Success success)) {
      RpcException refusal = reply.toException(serverName);
      if (check != null && refusal instanceof RpcAuthException denied) {
        check.refused(denied.authStat());
      }
      throw refusal;
    }
    try {
      R value =
          check == null
              ? resultCodec.decode(in)
              : check.readResults(success.verifier(), in, resultCodec);
      return new RpcReply<>(xid, server, success.verifier(), value);
    } catch (XdrException e) {
      throw new RpcException(RpcStatus.CANT_DECODE_RES, serverName, e.getMessage(), e);
    }
  }

  /**
   * What an unchecked failure {@code e} of writing a record (thrown by a TLS layer, say) is to the
   * calls: a failure of the transport, since the record may have gone in part.
   */
  static IOException writeFailure(Throwable e) {
    return new IOException("writing a record failed: " + e, e);
  }

  /** The client-side error for a failed send ({@code CANT_SEND}) or receive ({@code CANT_RECV}). */
  RpcConnectionException connectionError(RpcStatus status, IOException e) {
    return new RpcConnectionException(status, serverName, reasonOf(e), e);
  }

  private static Reason reasonOf(IOException e) {
    if (e instanceof PeerClosedException) {
      return Reason.CLOSED;
    }
    if (e instanceof ConnectException || e instanceof PortUnreachableException) {
      return Reason.REFUSED;
    }
    String message = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
    if (message.contains("connection reset")) {
      return Reason.RESET;
    }
    if (message.contains("broken pipe")) {
      // Writing after the peer closed its end: it had sent FIN before this call.
      return Reason.CLOSED;
    }
    return Reason.OTHER;
  }
}
