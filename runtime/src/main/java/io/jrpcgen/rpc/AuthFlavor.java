package io.jrpcgen.rpc;

/**
 * The registered authentication flavors this runtime knows by name (RFC 5531 §8.2); a credential
 * keeps its flavor as a number so that unknown flavors pass through.
 */
public enum AuthFlavor {
  AUTH_NONE(0),
  AUTH_SYS(1),
  AUTH_SHORT(2),
  AUTH_DH(3),
  RPCSEC_GSS(6),
  /** The RPC-with-TLS probe's flavor (RFC 9289). */
  AUTH_TLS(7);

  private final int value;

  AuthFlavor(int value) {
    this.value = value;
  }

  /** The flavor's number on the wire. */
  public int value() {
    return value;
  }
}
