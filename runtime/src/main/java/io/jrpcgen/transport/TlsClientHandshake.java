package io.jrpcgen.transport;

import io.jrpcgen.internal.rpc.Reply;
import io.jrpcgen.internal.rpc.RpcMessages;
import io.jrpcgen.internal.rpc.RpcWithTls;
import io.jrpcgen.internal.transport.Message;
import io.jrpcgen.internal.transport.RecordMarking;
import io.jrpcgen.internal.transport.RecordReader;
import io.jrpcgen.internal.transport.SocketStreams;
import io.jrpcgen.internal.transport.SocketTimeouts;
import io.jrpcgen.internal.transport.TlsLayer;
import io.jrpcgen.rpc.RpcTlsException;
import io.jrpcgen.xdr.XdrEncoder;
import io.jrpcgen.xdr.XdrException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The client's side of RPC-with-TLS on a fresh TCP connection: the {@code AUTH_TLS} probe, then a
 * TLS 1.3 handshake over the same socket. A handshake reads many times inside the JDK, so a read
 * timeout alone cannot bound it: the socket is closed when the deadline passes.
 */
final class TlsClientHandshake {
  private static final System.Logger LOG = System.getLogger(TcpChannel.class.getName());
  // The probe's reply is a header and a verifier: anything much larger is not a reply to it.
  private static final int MAX_PROBE_REPLY = 1024;
  private static final ScheduledThreadPoolExecutor ALARMS = alarms();

  private TlsClientHandshake() {}

  /**
   * Returns the socket and streams to speak RPC on: {@code plain}'s when {@code options} ask for no
   * TLS; else, after probing the server, a TLS socket's over {@code plain}, or {@code plain}'s when
   * the server does not offer TLS and the policy allows it. The set-up ends by {@code deadline} or
   * the connect timeout, whichever is first. On failure the caller closes {@code plain}.
   *
   * @throws RpcTlsException if TLS is required and refused, or the handshake fails
   * @throws SocketTimeoutException if {@code deadline} (System.nanoTime) passes first
   */
  static SocketStreams secure(
      Socket plain, InetSocketAddress server, ChannelOptions options, long callDeadline)
      throws IOException {
    TlsSettings tls = options.tls();
    if (tls == null) {
      return SocketStreams.of(plain);
    }
    long connectDeadline = System.nanoTime() + options.connectTimeout().toNanos();
    long deadline = callDeadline - connectDeadline < 0 ? callDeadline : connectDeadline;
    String serverName = server.getHostString();
    ScheduledFuture<?> alarm =
        ALARMS.schedule(
            () -> closeQuietly(plain),
            Math.max(0, deadline - System.nanoTime()),
            TimeUnit.NANOSECONDS);
    try {
      plain.setSoTimeout(SocketTimeouts.toMillis(deadline - System.nanoTime()));
      Reply reply = probe(plain, serverName);
      if (!RpcWithTls.acceptsProbe(reply)) {
        String why = "server did not accept the AUTH_TLS probe (" + reply + ")";
        if (tls.policy() == TlsSettings.Policy.REQUIRE) {
          throw new RpcTlsException(serverName, why, null);
        }
        LOG.log(Level.WARNING, serverName + ": " + why + "; RPC goes on WITHOUT TLS");
        return SocketStreams.of(plain);
      }
      TlsLayer layer =
          TlsLayer.over(tls.context().getSocketFactory(), plain, serverName, server.getPort());
      SSLSocket secured = layer.socket();
      SSLParameters parameters = RpcWithTls.restrict(secured.getSSLParameters());
      if (tls.verifyHostname()) {
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
      }
      secured.setSSLParameters(parameters);
      secured.setUseClientMode(true);
      handshake(secured, serverName, tls.requireAlpn(), deadline);
      return layer.streams();
    } catch (IOException e) {
      if (System.nanoTime() - deadline >= 0) {
        SocketTimeoutException timeout =
            new SocketTimeoutException("RPC-with-TLS set-up not done in time");
        timeout.initCause(e);
        throw timeout;
      }
      throw e;
    } finally {
      alarm.cancel(false);
    }
  }

  private static Reply probe(Socket plain, String serverName) throws IOException {
    int xid = ThreadLocalRandom.current().nextInt();
    XdrEncoder out = new XdrEncoder(64);
    RecordMarking.begin(out);
    RpcMessages.writeCall(out, RpcWithTls.probe(xid, 0, 0));
    RecordMarking.write(plain.getOutputStream(), out, RecordMarking.MAX_FRAGMENT);
    RecordReader reader = new RecordReader(plain.getInputStream(), MAX_PROBE_REPLY);
    Message message = reader.read();
    Reply reply;
    try {
      reply = RpcMessages.readReply(message.decoder());
    } catch (XdrException e) {
      throw new RpcTlsException(serverName, "malformed reply to the AUTH_TLS probe", e);
    }
    if (reply.xid() != xid) {
      throw new RpcTlsException(
          serverName,
          "reply to the AUTH_TLS probe has xid "
              + Integer.toUnsignedString(reply.xid())
              + ", sent "
              + Integer.toUnsignedString(xid),
          null);
    }
    if (reader.hasBufferedBytes()) {
      // RFC 9289 §5.1.1: nothing may come between the probe's reply and the handshake.
      throw new RpcTlsException(
          serverName, "unexpected bytes after the AUTH_TLS probe's reply", null);
    }
    return reply;
  }

  private static void handshake(
      SSLSocket secured, String serverName, boolean requireAlpn, long deadline) throws IOException {
    try {
      secured.startHandshake();
    } catch (SSLException e) {
      if (System.nanoTime() - deadline >= 0) {
        throw e;
      }
      throw new RpcTlsException(serverName, "TLS handshake failed: " + e.getMessage(), e);
    }
    String selected = secured.getApplicationProtocol();
    // Only "sunrpc" is offered, so a server selects it or nothing.
    if (requireAlpn && !RpcWithTls.ALPN.equals(selected)) {
      throw new RpcTlsException(
          serverName,
          "server did not negotiate ALPN \""
              + RpcWithTls.ALPN
              + "\" (RFC 9289 §5): \""
              + selected
              + "\"",
          null);
    }
  }

  private static ScheduledThreadPoolExecutor alarms() {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            task -> {
              Thread t = new Thread(task, "jrpcgen-tls-handshake-deadline");
              t.setDaemon(true);
              return t;
            });
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // The handshake's thread sees the closed socket; nothing else to do.
    }
  }
}
