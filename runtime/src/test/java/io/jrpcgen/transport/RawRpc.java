package io.jrpcgen.transport;

import io.jrpcgen.internal.rpc.CallHeader;
import io.jrpcgen.internal.rpc.RpcMessages;
import io.jrpcgen.internal.transport.RecordMarking;
import io.jrpcgen.internal.transport.RecordReader;
import io.jrpcgen.rpc.AcceptStat;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import java.io.IOException;
import java.net.Socket;

/** A hand-rolled square server for one call, for tests that need to misbehave afterwards. */
final class RawRpc {
  private RawRpc() {}

  /** Parses a square call: the header, then arg1. */
  static CallHeader readSquareCall(XdrDecoder in) {
    int xid = in.readInt();
    in.readInt(); // msg_type
    in.readInt(); // rpcvers
    return RpcMessages.readCallBody(xid, in);
  }

  /** Encodes the SUCCESS reply to a square call of {@code n}. */
  static XdrEncoder squareReply(int xid, OpaqueAuth verifier, int n) {
    XdrEncoder out = new XdrEncoder();
    RpcMessages.writeAccepted(out, xid, verifier, AcceptStat.SUCCESS);
    out.writeInt(n * n);
    return out;
  }

  /** Reads one square call record from {@code socket} and answers it. */
  static void answerOneSquareCall(Socket socket) throws IOException {
    RecordReader reader = new RecordReader(socket.getInputStream(), 1 << 16);
    XdrDecoder in = reader.read().decoder();
    CallHeader call = readSquareCall(in);
    XdrEncoder reply = new XdrEncoder();
    RecordMarking.begin(reply);
    RpcMessages.writeAccepted(reply, call.xid(), OpaqueAuth.NONE, AcceptStat.SUCCESS);
    int n = in.readInt();
    reply.writeInt(n * n);
    RecordMarking.write(socket.getOutputStream(), reply, RecordMarking.MAX_FRAGMENT);
  }
}
