package io.jrpcgen.portmap;

import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrCodec;

/**
 * The result of PMAPPROC_CALLIT ({@code call_result}, RFC 1833 §3.1): the port of the program
 * called and its encoded results.
 *
 * @param port the port the program was found on
 * @param result the procedure's results, XDR-encoded
 */
public record CallResult(int port, Opaque result) {
  /** The codec: an unsigned int and {@code opaque res<>}. */
  public static final XdrCodec<CallResult> CODEC =
      XdrCodec.of(
          (out, r) -> {
            out.writeInt(r.port);
            out.writeVariableOpaque(r.result, XdrCodec.UNBOUNDED);
          },
          in -> new CallResult(in.readInt(), in.readVariableOpaque(XdrCodec.UNBOUNDED)),
          8);

  public CallResult {
    if (result == null) {
      throw new IllegalArgumentException("result is null");
    }
  }
}
