package io.jrpcgen.gss;

import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrCodec;

/**
 * The results of a context creation call ({@code rpc_gss_init_res}, RFC 2203 §5.2.3.1).
 *
 * @param handle the context's handle, for the calls that follow
 * @param major the GSS major status of the server's accept
 * @param minor the GSS minor status
 * @param window the sequence window once the context is complete
 * @param token the token for the client's next step
 */
record InitResult(Opaque handle, int major, int minor, int window, Opaque token) {
  static final int GSS_S_COMPLETE = 0;
  static final int GSS_S_CONTINUE_NEEDED = 1;
  static final int GSS_S_DEFECTIVE_TOKEN = 9 << 16;
  static final int GSS_S_FAILURE = 13 << 16;

  static final XdrCodec<InitResult> CODEC =
      XdrCodec.of(
          (out, r) -> {
            out.writeVariableOpaque(r.handle(), Integer.MAX_VALUE);
            out.writeInt(r.major());
            out.writeInt(r.minor());
            out.writeInt(r.window());
            out.writeVariableOpaque(r.token(), Integer.MAX_VALUE);
          },
          in ->
              new InitResult(
                  in.readVariableOpaque(in.remaining()),
                  in.readInt(),
                  in.readInt(),
                  in.readInt(),
                  in.readVariableOpaque(in.remaining())));
}
