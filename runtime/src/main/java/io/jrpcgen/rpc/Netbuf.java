package io.jrpcgen.rpc;

import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;

/**
 * libtirpc's {@code struct netbuf}, a transport address as rpcbind's {@code UADDR2TADDR} and {@code
 * TADDR2UADDR} carry it: {@code maxlen} then the address bytes, as {@code xdr_netbuf} writes them.
 *
 * @param maxlen the size of the buffer the address came from
 * @param buf the address bytes
 */
public record Netbuf(int maxlen, Opaque buf) {
  /** Encodes and decodes {@code struct netbuf}; generated code uses it for that type. */
  public static final XdrCodec<Netbuf> CODEC = XdrCodec.of(Netbuf::encode, Netbuf::decode, 8);

  public Netbuf {
    if (buf == null) {
      throw new IllegalArgumentException("buf is null");
    }
  }

  private static void encode(XdrEncoder out, Netbuf value) {
    out.writeInt(value.maxlen);
    out.writeVariableOpaque(value.buf, XdrCodec.UNBOUNDED);
  }

  private static Netbuf decode(XdrDecoder in) {
    return new Netbuf(in.readInt(), in.readVariableOpaque(XdrCodec.UNBOUNDED));
  }
}
