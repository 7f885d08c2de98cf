package io.jrpcgen.portmap;

import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrCodec;

/**
 * The argument of CALLIT: a call the portmapper makes on the caller's behalf to a program
 * registered with it ({@code call_args}, RFC 1833 §3.1, and {@code rpcb_rmtcallargs}, §2.2, which
 * have the same encoding).
 *
 * @param program the program to call
 * @param version its version
 * @param procedure the procedure
 * @param args the procedure's arguments, already XDR-encoded
 */
public record RemoteCallArgs(int program, int version, int procedure, Opaque args) {
  /** The codec: three unsigned ints and {@code opaque args<>}. */
  public static final XdrCodec<RemoteCallArgs> CODEC =
      XdrCodec.of(
          (out, a) -> {
            out.writeInt(a.program);
            out.writeInt(a.version);
            out.writeInt(a.procedure);
            out.writeVariableOpaque(a.args, XdrCodec.UNBOUNDED);
          },
          in ->
              new RemoteCallArgs(
                  in.readInt(),
                  in.readInt(),
                  in.readInt(),
                  in.readVariableOpaque(XdrCodec.UNBOUNDED)),
          16);

  public RemoteCallArgs {
    if (args == null) {
      throw new IllegalArgumentException("args is null");
    }
  }
}
