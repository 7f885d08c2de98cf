package io.jrpcgen.portmap;

import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;

/**
 * Arguments or results that are already XDR: written as they are, and read as every byte left.
 * CALLIT forwards a call's arguments and relays its results without knowing their types.
 */
final class RawBytes {
  static final XdrCodec<Opaque> CODEC =
      new XdrCodec<>() {
        @Override
        public void encode(XdrEncoder out, Opaque value) {
          byte[] bytes = value.toByteArray();
          out.writeRaw(bytes, 0, bytes.length);
        }

        @Override
        public Opaque decode(XdrDecoder in) {
          return in.readFixedOpaque(in.remaining());
        }

        @Override
        public int minEncodedSize() {
          return 0;
        }
      };

  private RawBytes() {}

  /** {@code value} encoded with {@code codec}. */
  static <T> Opaque encode(XdrCodec<T> codec, T value) {
    XdrEncoder out = new XdrEncoder();
    codec.encode(out, value);
    return Opaque.copyOf(out.array(), 0, out.position());
  }

  /** {@code bytes} decoded with {@code codec}. */
  static <T> T decode(XdrCodec<T> codec, Opaque bytes) {
    return codec.decode(new XdrDecoder(bytes.toByteArray()));
  }
}
