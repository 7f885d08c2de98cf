package io.jrpcgen.transport;

import io.jrpcgen.internal.rpc.Reply;
import io.jrpcgen.internal.rpc.RpcMessages;
import io.jrpcgen.internal.transport.Message;
import io.jrpcgen.internal.transport.PeerClosedException;
import io.jrpcgen.internal.transport.RecordMarking;
import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.rpc.CallSecurity;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.rpc.RpcAuthException;
import io.jrpcgen.rpc.RpcConnectionException.Reason;
import io.jrpcgen.rpc.RpcConnectionException;
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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** What TCP and UDP channels share: XIDs, encoding calls, decoding replies, error mapping. */
abstract sealed class AbstractChannel implements RpcChannel permits TcpChannel, UdpChannel {
  // Encoding happens in the caller's thread into its own reused buffer; one kept past this size
  // is dropped after the call so that a single huge call does not pin memory for ever.
  private static final int KEEP_ENCODER_BELOW = 4 << 20;
  private static final ThreadLocal<XdrEncoder> ENCODER =
      ThreadLocal.withInitial(() -> new XdrEncoder(512));

  final InetSocketAddress server;
  final String serverName;
  final ChannelOptions options;
  private final AtomicInteger nextXid = new AtomicInteger(ThreadLocalRandom.current().nextInt());
  private volatile int lastXid;

  AbstractChannel(InetSocketAddress server, ChannelOptions options) {
    this.server = server;
    this.serverName = server.getHostString();
    this.options = options;
  }

  @Override
  public InetSocketAddress serverAddress() {
    return server;
  }

  @Override
  public int lastXid() {
    return lastXid;
  }

  int newXid() {
    int xid = nextXid.getAndIncrement();
    lastXid = xid;
    return xid;
  }

  /**
   * Calls as {@link #callOnce} does. With a {@link CallSecurity}, the call waits for its leave
   * to be outstanding, and when the security renews a context the server refused without
   * running the procedure, it is sent once more; all within the call's timeout.
   */
  @Override
  public final <A, R> RpcReply<R> call(int program, int version, int procedure,
      CallOptions callOptions, XdrCodec<A> argsCodec, A args, XdrCodec<R> resultCodec) {
    CallSecurity security = callOptions.security();
    if (security == null) {
      return callOnce(program, version, procedure, callOptions, argsCodec, args, resultCodec);
    }
    long deadline = System.nanoTime() + callOptions.timeout().toNanos();
    admit(security, callOptions.timeout());
    try {
      try {
        return callOnce(program, version, procedure, remaining(callOptions, deadline), argsCodec,
            args, resultCodec);
      } catch (RpcAuthException e) {
        if (!security.renewAfter(e.authStat())) {
          throw e;
        }
        return callOnce(program, version, procedure, remaining(callOptions, deadline), argsCodec,
            args, resultCodec);
      }
    } finally {
      security.done();
    }
  }

  private void admit(CallSecurity security, Duration timeout) {
    boolean admitted;
    try {
      admitted = security.admit(timeout.toNanos());
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

  /** Sends one call and waits for its reply. */
  abstract <A, R> RpcReply<R> callOnce(int program, int version, int procedure,
      CallOptions callOptions, XdrCodec<A> argsCodec, A args, XdrCodec<R> resultCodec);

  /** An encoded call, with the check of its reply when a {@link CallSecurity} protects it. */
  record EncodedCall(XdrEncoder encoder, CallSecurity.ReplyCheck check) {
    /**
     * This call as {@code again} encodes it anew (in the same encoder), whose reply check also
     * accepts a reply to this transmission.
     */
    EncodedCall resent(EncodedCall again) {
      CallSecurity.ReplyCheck earlier = check;
      CallSecurity.ReplyCheck later = again.check();
      return new EncodedCall(again.encoder(), new CallSecurity.ReplyCheck() {
        @Override
        public <R> R readResults(OpaqueAuth verifier, XdrDecoder in, XdrCodec<R> codec) {
          try {
            return later.readResults(verifier, in, codec);
          } catch (RpcAuthException e) {
            // The verifier is checked before anything is read: the earlier check reads afresh.
            return earlier.readResults(verifier, in, codec);
          }
        }
      });
    }
  }

  /** Encodes a call into the calling thread's encoder, behind a record mark if {@code tcp}. */
  <A> EncodedCall encodeCall(boolean tcp, int xid, int program, int version, int procedure,
      CallOptions options, XdrCodec<A> argsCodec, A args) {
    XdrEncoder out = ENCODER.get();
    if (tcp) {
      RecordMarking.begin(out);
    } else {
      out.reset();
    }
    CallSecurity.ReplyCheck check = null;
    try {
      if (options.security() == null) {
        RpcMessages.writeCall(out, xid, program, version, procedure, options.credential(),
            options.verifier());
        argsCodec.encode(out, args);
      } else {
        int headerStart = out.position();
        RpcMessages.writeCallStart(out, xid, program, version, procedure);
        check = options.security().writeCall(out, headerStart, argsCodec, args);
      }
    } catch (XdrException e) {
      throw new RpcException(RpcStatus.CANT_ENCODE_ARGS, serverName, e.getMessage(), e);
    }
    return new EncodedCall(out, check);
  }

  static void releaseEncoder(XdrEncoder out) {
    if (out.capacity() > KEEP_ENCODER_BELOW) {
      ENCODER.remove();
    } else {
      // Forgets the large opaques it referenced: they are the caller's, not the thread's.
      out.reset();
    }
  }

  /** Decodes a reply: its results, or the exception its status calls for. */
  <R> RpcReply<R> decodeReply(int xid, Message message, XdrCodec<R> resultCodec,
      CallSecurity.ReplyCheck check) {
    XdrDecoder in = message.decoder();
    Reply reply;
    try {
      reply = RpcMessages.readReply(in);
    } catch (XdrException e) {
      throw new RpcException(RpcStatus.CANT_DECODE_RES, serverName, e.getMessage(), e);
    }
    if (!(reply instanceof Reply.Success success)) {
      throw reply.toException(serverName);
    }
    try {
      R value = check == null ? resultCodec.decode(in)
          : check.readResults(success.verifier(), in, resultCodec);
      return new RpcReply<>(xid, success.verifier(), value);
    } catch (XdrException e) {
      throw new RpcException(RpcStatus.CANT_DECODE_RES, serverName, e.getMessage(), e);
    }
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
