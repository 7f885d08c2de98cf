package io.jrpcgen.portmap;

import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.transport.RpcClient;
import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrException;

/** Encoding the arguments and decoding the results of a call made through CALLIT. */
final class RemoteCalls {
  private RemoteCalls() {}

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
