package io.jrpcgen.portmap;

import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrCodec;

/**
 * The result of RPCBPROC_CALLIT and BCAST ({@code rpcb_rmtcallres}, RFC 1833 §2.2): the universal
 * address of the program called and its encoded results.
 *
 * @param address the universal address the program was found at
 * @param result the procedure's results, XDR-encoded
 */
public record RemoteCallResult(String address, Opaque result) {
  /** The codec: {@code string addr<>} and {@code opaque results<>}. */
  public static final XdrCodec<RemoteCallResult> CODEC =
      XdrCodec.of(
          (out, r) -> {
            out.writeString(r.address, XdrCodec.UNBOUNDED);
            out.writeVariableOpaque(r.result, XdrCodec.UNBOUNDED);
          },
          in ->
              new RemoteCallResult(
                  in.readString(XdrCodec.UNBOUNDED), in.readVariableOpaque(XdrCodec.UNBOUNDED)),
          8);

  public RemoteCallResult {
    if (address == null || result == null) {
      throw new IllegalArgumentException("address and result must not be null");
    }
  }
}
