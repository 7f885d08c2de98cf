package io.jrpcgen.server;

import io.jrpcgen.internal.rpc.RpcMessages;
import io.jrpcgen.internal.rpc.RpcWithTls;
import io.jrpcgen.internal.transport.Message;
import io.jrpcgen.internal.transport.RecordMarking;
import io.jrpcgen.internal.transport.SocketStreams;
import io.jrpcgen.internal.transport.TlsLayer;
import io.jrpcgen.rpc.AcceptStat;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import io.jrpcgen.xdr.XdrException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The server's side of RPC-with-TLS on one TCP connection: recognising the {@code AUTH_TLS} probe,
 * answering it with STARTTLS, and the TLS 1.3 handshake that follows on the same socket.
 */
final class TlsAcceptor {
  private TlsAcceptor() {}

  /** The probe's xid if {@code request} is an {@code AUTH_TLS} probe, else null. */
  static Integer probeXid(Message request) {
    XdrDecoder in = request.decoder();
    try {
      int xid = in.readInt();
      if (in.readInt() != RpcMessages.CALL || in.readInt() != RpcMessages.RPC_VERSION) {
        return null;
      }
      return RpcWithTls.isProbe(RpcMessages.readCallBody(xid, in)) ? xid : null;
    } catch (XdrException e) {
      // Not even a call: the dispatcher deals with it as with any malformed message.
      return null;
    }
  }

  /**
   * Answers the probe {@code xid} with STARTTLS on {@code plain}, runs the server's handshake and
   * returns the TLS socket with its streams. The caller bounds the handshake (its socket's read
   * timeout and the stuck-write watchdog).
   */
  static SocketStreams accept(Socket plain, OutputStream plainOutput, int xid, ServerTls tls)
      throws IOException {
    XdrEncoder reply = new XdrEncoder(64);
    RecordMarking.begin(reply);
    RpcMessages.writeAccepted(reply, xid, RpcWithTls.STARTTLS, AcceptStat.SUCCESS);
    RecordMarking.write(plainOutput, reply, RecordMarking.MAX_FRAGMENT);
    InetSocketAddress remote = (InetSocketAddress) plain.getRemoteSocketAddress();
    TlsLayer layer =
        TlsLayer.over(
            tls.context().getSocketFactory(), plain, remote.getHostString(), remote.getPort());
    SSLSocket secured = layer.socket();
    secured.setUseClientMode(false);
    SSLParameters parameters = RpcWithTls.restrict(secured.getSSLParameters());
    switch (tls.clientAuth()) {
      case NEED -> parameters.setNeedClientAuth(true);
      case WANT -> parameters.setWantClientAuth(true);
      case NONE -> parameters.setWantClientAuth(false);
    }
    secured.setSSLParameters(parameters);
    secured.startHandshake();
    return layer.streams();
  }
}
