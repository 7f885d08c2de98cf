package io.jrpcgen.transport;

import io.jrpcgen.internal.rpc.Reply;
import io.jrpcgen.internal.rpc.RpcMessages;
import io.jrpcgen.internal.transport.Message;
import io.jrpcgen.internal.transport.PeerClosedException;
import io.jrpcgen.internal.transport.RecordMarking;
import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.rpc.RpcConnectionException.Reason;
import io.jrpcgen.rpc.RpcConnectionException;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import io.jrpcgen.xdr.XdrException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
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

  /** Encodes a call into the calling thread's encoder, behind a record mark if {@code tcp}. */
  <A> XdrEncoder encodeCall(boolean tcp, int xid, int program, int version, int procedure,
      CallOptions options, XdrCodec<A> argsCodec, A args) {
    XdrEncoder out = ENCODER.get();
    if (tcp) {
      RecordMarking.begin(out);
    } else {
      out.reset();
    }
    try {
      RpcMessages.writeCall(out, xid, program, version, procedure, options.credential(),
          options.verifier());
      argsCodec.encode(out, args);
    } catch (XdrException e) {
      throw new RpcException(RpcStatus.CANT_ENCODE_ARGS, serverName, e.getMessage(), e);
    }
    return out;
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
  <R> RpcReply<R> decodeReply(int xid, Message message, XdrCodec<R> resultCodec) {
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
      return new RpcReply<>(xid, success.verifier(), resultCodec.decode(in));
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
