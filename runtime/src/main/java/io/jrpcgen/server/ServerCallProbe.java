package io.jrpcgen.server;

import io.jrpcgen.internal.rpc.RpcMessages;
import io.jrpcgen.internal.transport.Message;
import io.jrpcgen.internal.xdr.Bytes;
import io.jrpcgen.observe.CallEnd;
import io.jrpcgen.observe.CallObserver;
import io.jrpcgen.observe.CallStatus;
import io.jrpcgen.observe.RpcCall;
import io.jrpcgen.observe.RpcListener;
import io.jrpcgen.rpc.AcceptStat;
import io.jrpcgen.rpc.AuthStat;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.xdr.XdrEncoder;
import java.net.InetSocketAddress;

/**
 * One call being served, for the server's {@link RpcListener}: made only when there is a listener.
 * It reads what it reports from the call's bytes and from the reply's header once written, so that
 * the dispatcher's many ways of answering need no hook of their own.
 */
final class ServerCallProbe {
  // xid, msg_type, rpcvers, prog, vers, proc: the words every call starts with.
  private static final int HEADER_WORDS = 6;
  private static final int MSG_ACCEPTED = 0;
  private static final int RPC_MISMATCH = 0;

  private final RpcCall call;
  private final CallObserver observer;
  private final long start = System.nanoTime();

  private ServerCallProbe(RpcCall call, CallObserver observer) {
    this.call = call;
    this.observer = observer;
  }

  /**
   * Tells {@code listener} that the call in {@code request} begins; null (and nothing told) if the
   * message is not a call whose program, version and procedure can be read.
   */
  static ServerCallProbe start(
      RpcListener listener,
      CallDispatcher dispatcher,
      Message request,
      InetSocketAddress local,
      InetSocketAddress remote,
      CallContext.Transport transport,
      boolean tls) {
    byte[] b = request.bytes();
    if (request.length() < 4 * HEADER_WORDS || Bytes.getInt(b, 4) != RpcMessages.CALL) {
      return null;
    }
    int program = Bytes.getInt(b, 12);
    int version = Bytes.getInt(b, 16);
    int procedure = Bytes.getInt(b, 20);
    RpcCall call =
        new RpcCall(
            RpcCall.Side.SERVER,
            transport == CallContext.Transport.TCP ? RpcCall.Transport.TCP : RpcCall.Transport.UDP,
            tls,
            local,
            remote,
            Bytes.getInt(b, 0),
            program,
            version,
            procedure,
            dispatcher.programName(program),
            dispatcher.procedureName(program, version, procedure),
            request.length());
    return new ServerCallProbe(call, listener.callStarted(call));
  }

  /**
   * The call was served: {@code replied} tells whether a reply was written into {@code out} from
   * {@code from} on, whose header gives the status.
   */
  void ended(boolean replied, XdrEncoder out, int from) {
    CallStatus status = replied ? statusOf(out, from) : new CallStatus.NoReply();
    observer.callEnded(
        call,
        new CallEnd(status, replied ? out.position() - from : 0, System.nanoTime() - start, null));
  }

  /** Serving the call threw {@code failure}: it has no reply. */
  void failed(Throwable failure) {
    observer.callEnded(
        call,
        new CallEnd(
            new CallStatus.Failed(RpcStatus.FAILED), 0, System.nanoTime() - start, failure));
  }

  /** The status in the header of the reply the server wrote (xid, REPLY, reply_stat, ...). */
  private static CallStatus statusOf(XdrEncoder out, int from) {
    if (out.getInt(from + 8) == MSG_ACCEPTED) {
      int verifierLength = out.getInt(from + 16);
      return CallStatus.accepted(
          AcceptStat.fromValue(out.getInt(from + 20 + XdrEncoder.padded(verifierLength))));
    }
    if (out.getInt(from + 12) == RPC_MISMATCH) {
      return new CallStatus.RpcMismatch();
    }
    return new CallStatus.AuthError(AuthStat.fromValue(out.getInt(from + 16)));
  }
}
