package io.jrpcgen.portmap;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.internal.rpc.CallHeader;
import io.jrpcgen.internal.rpc.Reply;
import io.jrpcgen.internal.rpc.RpcMessages;
import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.rpc.RpcTimeoutException;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import io.jrpcgen.xdr.XdrException;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A call over UDP to one host whose reply may come from another port of that host: rpcbind {@code
 * -r} answers CALLIT from the socket it forwarded the call with, so a socket connected to port 111
 * (as a UDP client's is) would never see the reply. This one is not connected; it takes the first
 * reply from the host's address with the call's XID, and resends at the client's retry interval,
 * with the same XID, until the client's timeout, which bounds the whole call.
 */
final class AnyPortUdpCall {
  private static final int MAX_DATAGRAM = 65_507;

  private AnyPortUdpCall() {}

  /**
   * Calls {@code procedure} of the client's program and version at the client's server, with its
   * options, and decodes the results.
   *
   * @throws RpcException as a UDP client would: the reply's error, a timeout, or CANT_SEND
   */
  static <A, R> R call(
      RpcClient client, int procedure, XdrCodec<A> argsCodec, A args, XdrCodec<R> resultCodec) {
    InetSocketAddress server = client.serverAddress();
    String serverName = server.getHostString();
    CallOptions options = client.options();
    int xid = ThreadLocalRandom.current().nextInt();
    byte[] request =
        encode(
            new CallHeader(
                xid,
                client.program(),
                client.version(),
                procedure,
                options.credential(),
                options.verifier()),
            argsCodec,
            args,
            serverName);
    long deadline = System.nanoTime() + options.timeout().toNanos();
    try (DatagramSocket socket = new DatagramSocket()) {
      byte[] buffer = new byte[MAX_DATAGRAM];
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      long nextSend = System.nanoTime();
      while (true) {
        long now = System.nanoTime();
        if (now - deadline >= 0) {
          throw new RpcTimeoutException(serverName, options.timeout());
        }
        if (now - nextSend >= 0) {
          socket.send(new DatagramPacket(request, request.length, server));
          nextSend = now + options.retryInterval().toNanos();
        }
        if (!receive(socket, packet, Math.min(deadline, nextSend) - now)
            || !packet.getAddress().equals(server.getAddress())) {
          continue;
        }
        XdrDecoder in = new XdrDecoder(packet.getData(), 0, packet.getLength());
        Reply reply = readReplyOrNull(in);
        if (reply != null && reply.xid() == xid) {
          return results(reply, in, resultCodec, serverName);
        }
      }
    } catch (IOException e) {
      throw new RpcException(RpcStatus.CANT_SEND, serverName, "errno = " + e.getMessage(), e);
    }
  }

  private static <A> byte[] encode(
      CallHeader header, XdrCodec<A> argsCodec, A args, String serverName) {
    try {
      XdrEncoder out = new XdrEncoder();
      RpcMessages.writeCall(out, header);
      argsCodec.encode(out, args);
      return out.toByteArray();
    } catch (XdrException e) {
      throw new RpcException(RpcStatus.CANT_ENCODE_ARGS, serverName, e.getMessage(), e);
    }
  }

  /**
   * Receives a datagram into {@code packet} (its whole buffer) within {@code waitNanos}, at least a
   * millisecond; false if none came, or the socket reported an error instead, such as an ICMP
   * message about an earlier datagram, which says nothing about the reply awaited.
   */
  static boolean receive(DatagramSocket socket, DatagramPacket packet, long waitNanos)
      throws SocketException {
    long millis = Math.max(1, (waitNanos + 999_999) / 1_000_000);
    socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, millis));
    packet.setLength(packet.getData().length);
    try {
      socket.receive(packet);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The reply header at the start of {@code in}, or null if the datagram is no reply. */
  private static Reply readReplyOrNull(XdrDecoder in) {
    try {
      return RpcMessages.readReply(in);
    } catch (XdrException e) {
      return null;
    }
  }

  private static <R> R results(Reply reply, XdrDecoder in, XdrCodec<R> codec, String serverName) {
    if (!(reply instanceof Reply.Success)) {
      throw reply.toException(serverName);
    }
    try {
      return codec.decode(in);
    } catch (XdrException e) {
      throw new RpcException(RpcStatus.CANT_DECODE_RES, serverName, e.getMessage(), e);
    }
  }
}
