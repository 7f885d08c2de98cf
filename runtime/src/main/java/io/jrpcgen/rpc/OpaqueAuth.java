package io.jrpcgen.rpc;

import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;

/**
 * A credential or verifier as it travels: a flavor number and at most 400 bytes of body ({@code
 * opaque_auth}, RFC 5531 §8.2).
 *
 * @param flavor the authentication flavor, see {@link AuthFlavor}
 * @param body the flavor-specific body
 */
public record OpaqueAuth(int flavor, Opaque body) {
  /** The largest body RFC 5531 allows. */
  public static final int MAX_BODY = 400;

  /** {@code AUTH_NONE} with an empty body. */
  public static final OpaqueAuth NONE = new OpaqueAuth(AuthFlavor.AUTH_NONE.value(), Opaque.EMPTY);

  public OpaqueAuth {
    if (body == null) {
      throw new IllegalArgumentException("body is null");
    }
    if (body.length() > MAX_BODY) {
      throw new IllegalArgumentException("auth body > 400 bytes: " + body.length());
    }
  }

  /** An {@code AUTH_SHORT} credential carrying the body of a verifier a server returned. */
  public static OpaqueAuth shortHand(Opaque body) {
    return new OpaqueAuth(AuthFlavor.AUTH_SHORT.value(), body);
  }

  /** Whether the flavor is {@code flavor}. */
  public boolean is(AuthFlavor flavor) {
    return this.flavor == flavor.value();
  }

  /** Writes this {@code opaque_auth} to {@code out}. */
  public void encode(XdrEncoder out) {
    out.writeInt(flavor);
    out.writeVariableOpaque(body, MAX_BODY);
  }

  /** Reads an {@code opaque_auth} from {@code in}. */
  public static OpaqueAuth decode(XdrDecoder in) {
    int flavor = in.readInt();
    Opaque body = in.readVariableOpaque(MAX_BODY);
    return flavor == 0 && body.length() == 0 ? NONE : new OpaqueAuth(flavor, body);
  }
}
