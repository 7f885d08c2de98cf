package io.jrpcgen.rpc;

import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import java.util.List;

/**
 * {@code AUTH_SYS} (formerly {@code AUTH_UNIX}) credentials: who the caller says it is ({@code
 * authsys_parms}, RFC 5531 Appendix A).
 *
 * @param stamp an arbitrary id the caller may use to tell its credentials apart
 * @param machineName the caller's host name, at most 255 bytes; bytes that are not UTF-8 come
 *     through unchanged (see {@link io.jrpcgen.xdr.XdrStrings})
 * @param uid the caller's effective user id
 * @param gid the caller's effective group id
 * @param gids supplementary group ids, at most 16
 */
public record AuthSys(int stamp, String machineName, int uid, int gid, List<Integer> gids) {
  private static final int MAX_MACHINE_NAME = 255;
  private static final int MAX_GIDS = 16;

  /** Encodes and decodes {@code authsys_parms}; generated code uses it for that type. */
  public static final XdrCodec<AuthSys> CODEC = XdrCodec.of(AuthSys::encode, AuthSys::decode, 20);

  public AuthSys {
    if (machineName == null) {
      throw new IllegalArgumentException("machineName is null");
    }
    if (gids == null) {
      throw new IllegalArgumentException("gids is null");
    }
    gids = List.copyOf(gids);
    if (gids.size() > MAX_GIDS) {
      throw new IllegalArgumentException("more than 16 gids: " + gids.size());
    }
  }

  /** These credentials as the {@code opaque_auth} a call carries. */
  public OpaqueAuth toOpaqueAuth() {
    XdrEncoder out = new XdrEncoder(64);
    encode(out, this);
    return new OpaqueAuth(AuthFlavor.AUTH_SYS.value(), Opaque.copyOf(out.toByteArray()));
  }

  /**
   * Parses the body of an {@code AUTH_SYS} credential.
   *
   * @throws io.jrpcgen.xdr.XdrException if the body is malformed or has trailing bytes
   */
  public static AuthSys fromOpaqueAuth(OpaqueAuth credential) {
    if (!credential.is(AuthFlavor.AUTH_SYS)) {
      throw new IllegalArgumentException(
          "not an AUTH_SYS credential: flavor " + credential.flavor());
    }
    byte[] body = credential.body().toByteArray();
    XdrDecoder in = new XdrDecoder(body);
    AuthSys parsed = decode(in);
    in.requireEnd();
    return parsed;
  }

  private static void encode(XdrEncoder out, AuthSys value) {
    out.writeInt(value.stamp);
    out.writeString(value.machineName, MAX_MACHINE_NAME);
    out.writeInt(value.uid);
    out.writeInt(value.gid);
    out.writeVariableArray(value.gids, MAX_GIDS, XdrCodec.INT);
  }

  private static AuthSys decode(XdrDecoder in) {
    return new AuthSys(
        in.readInt(),
        in.readString(MAX_MACHINE_NAME),
        in.readInt(),
        in.readInt(),
        in.readVariableArray(MAX_GIDS, XdrCodec.INT));
  }
}
