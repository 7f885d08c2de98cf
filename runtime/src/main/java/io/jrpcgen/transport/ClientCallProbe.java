package io.jrpcgen.transport;

import io.jrpcgen.internal.rpc.Reply;
import io.jrpcgen.observe.CallEnd;
import io.jrpcgen.observe.CallObserver;
import io.jrpcgen.observe.CallStatus;
import io.jrpcgen.observe.ProgramNames;
import io.jrpcgen.observe.RpcCall;
import io.jrpcgen.observe.RpcListener;
import io.jrpcgen.rpc.AcceptStat;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.rpc.RpcStatus;

/**
 * One client call on its way, for the channel's {@link RpcListener}: made only when there is a
 * listener. The channel tells it when the call is encoded and when a reply arrives, and the call's
 * end; it tells the listener.
 */
final class ClientCallProbe {
  private final RpcListener listener;
  private final AbstractChannel channel;
  private final RpcCall.Transport transport;
  private final int program;
  private final int version;
  private final int procedure;
  private final ProgramNames names;
  private final long start = System.nanoTime();
  private RpcCall call;
  private CallObserver observer;
  private Reply reply;
  private int replyBytes;

  ClientCallProbe(
      RpcListener listener,
      AbstractChannel channel,
      RpcCall.Transport transport,
      int program,
      int version,
      int procedure,
      ProgramNames names) {
    this.listener = listener;
    this.channel = channel;
    this.transport = transport;
    this.program = program;
    this.version = version;
    this.procedure = procedure;
    this.names = names;
  }

  /** The call is encoded: it has its XID and size, and the listener hears it begin. */
  void started(int xid, int requestBytes) {
    call =
        new RpcCall(
            RpcCall.Side.CLIENT,
            transport,
            channel.options.tls() != null,
            null,
            channel.server,
            xid,
            program,
            version,
            procedure,
            names == null ? null : names.program(),
            names == null ? null : names.procedure(procedure),
            requestBytes);
    observer = listener.callStarted(call);
  }

  /** A reply to the call arrived, of {@code bytes} bytes. */
  void replied(Reply reply, int bytes) {
    this.reply = reply;
    this.replyBytes = bytes;
  }

  /** The call ended: with its results, or with {@code failure}. */
  void ended(Throwable failure) {
    observer.callEnded(
        call, new CallEnd(status(failure), replyBytes, System.nanoTime() - start, failure));
  }

  /** A batched call was sent: it expects no reply. */
  void sent() {
    observer.callEnded(
        call, new CallEnd(new CallStatus.NoReply(), 0, System.nanoTime() - start, null));
  }

  private CallStatus status(Throwable failure) {
    if (failure == null) {
      return CallStatus.accepted(AcceptStat.SUCCESS);
    }
    if (reply instanceof Reply.ProgramMismatch) {
      return CallStatus.accepted(AcceptStat.PROG_MISMATCH);
    } else if (reply instanceof Reply.AcceptedError e) {
      return CallStatus.accepted(e.status());
    } else if (reply instanceof Reply.AuthError a) {
      return new CallStatus.AuthError(a.status());
    } else if (reply instanceof Reply.RpcMismatch) {
      return new CallStatus.RpcMismatch();
    }
    return new CallStatus.Failed(failure instanceof RpcException e ? e.status() : RpcStatus.FAILED);
  }
}
