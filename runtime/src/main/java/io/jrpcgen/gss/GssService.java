package io.jrpcgen.gss;

/**
 * The protection RPCSEC_GSS gives each call's arguments and results ({@code rpc_gss_service_t}, RFC
 * 2203 §5): named after the NFS security flavors for Kerberos.
 */
public enum GssService {
  /** krb5: the header is checksummed, arguments and results travel as they are. */
  NONE(1),
  /** krb5i: arguments and results carry a checksum (integrity). */
  INTEGRITY(2),
  /** krb5p: arguments and results are encrypted (privacy). */
  PRIVACY(3);

  private final int value;

  GssService(int value) {
    this.value = value;
  }

  /** The service's number on the wire. */
  public int value() {
    return value;
  }

  /** The service with wire number {@code value}, or null if there is none. */
  static GssService fromValue(int value) {
    for (GssService s : values()) {
      if (s.value == value) {
        return s;
      }
    }
    return null;
  }
}
