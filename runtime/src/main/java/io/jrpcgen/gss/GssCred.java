package io.jrpcgen.gss;

import io.jrpcgen.rpc.AuthFlavor;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import io.jrpcgen.xdr.XdrException;

/**
 * The body of an RPCSEC_GSS credential ({@code rpc_gss_cred_vers_1_t}, RFC 2203 §5).
 *
 * <pre>
 * version=1 | gss_proc | seq_num | service | handle&lt;&gt;
 * </pre>
 */
record GssCred(int version, int procedure, int sequence, int service, Opaque handle) {
  static final int VERSION = 1;
  static final int DATA = 0;
  static final int INIT = 1;
  static final int CONTINUE_INIT = 2;
  static final int DESTROY = 3;

  /** Sequence numbers stay below this (RFC 2203 §5.3.3.1). */
  static final int MAXSEQ = 0x80000000;

  OpaqueAuth toOpaqueAuth() {
    XdrEncoder out = new XdrEncoder(20 + handle.length());
    out.writeInt(version);
    out.writeInt(procedure);
    out.writeInt(sequence);
    out.writeInt(service);
    out.writeVariableOpaque(handle, OpaqueAuth.MAX_BODY);
    return new OpaqueAuth(AuthFlavor.RPCSEC_GSS.value(), Opaque.copyOf(out.toByteArray()));
  }

  /**
   * Decodes a credential's body.
   *
   * @throws XdrException if it is not one
   */
  static GssCred decode(OpaqueAuth credential) {
    XdrDecoder in = new XdrDecoder(credential.body().toByteArray());
    GssCred cred =
        new GssCred(
            in.readInt(),
            in.readInt(),
            in.readInt(),
            in.readInt(),
            in.readVariableOpaque(OpaqueAuth.MAX_BODY));
    in.requireEnd();
    return cred;
  }
}
