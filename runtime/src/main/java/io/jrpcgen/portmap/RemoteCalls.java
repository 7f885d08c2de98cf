package io.jrpcgen.portmap;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.transport.UdpChannel;
import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrException;

/** Calls made through CALLIT: the call itself, its arguments and its results. */
final class RemoteCalls {
  private RemoteCalls() {}

  /**
   * Calls CALLIT (BCAST in rpcbind version 4) and returns its reply, taken from any port of the
   * portmapper's host: rpcbind answers from the socket it forwarded with.
   *
   * @throws IllegalStateException over TCP, where rpcbind never answers CALLIT
   */
  static <T> T callIt(RpcClient client, RemoteCallArgs args, XdrCodec<T> replyCodec) {
    if (!(client.channel() instanceof UdpChannel)) {
      throw new IllegalStateException(
          "CALLIT is a UDP call (rpcbind ignores it over TCP): use a"
              + " client over UDP for "
              + client.serverAddress().getHostString());
    }
    return AnyPortUdpCall.call(
        client, PortmapProtocol.PROC_CALLIT, RemoteCallArgs.CODEC, args, replyCodec);
  }

  static <A> Opaque encodeArgs(RpcClient client, XdrCodec<A> codec, A args) {
    try {
      return RawBytes.encode(codec, args);
    } catch (XdrException e) {
      throw new RpcException(RpcStatus.CANT_ENCODE_ARGS, serverName(client), e.getMessage(), e);
    }
  }

  static <R> R decodeResult(RpcClient client, XdrCodec<R> codec, Opaque result) {
    try {
      return RawBytes.decode(codec, result);
    } catch (XdrException e) {
      throw new RpcException(RpcStatus.CANT_DECODE_RES, serverName(client), e.getMessage(), e);
    }
  }

  private static String serverName(RpcClient client) {
    return client.serverAddress().getHostString();
  }
}
