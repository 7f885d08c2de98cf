package io.jrpcgen.gss;

/**
 * Who made an RPCSEC_GSS call, as its security context established.
 *
 * @param principal the caller's principal, e.g. {@code alice@EXAMPLE.ORG}
 * @param mechanism the GSS mechanism's object identifier ({@code 1.2.840.113554.1.2.2} for Kerberos
 *     V5)
 * @param service the protection the call came with
 */
public record GssCaller(String principal, String mechanism, GssService service) {
  /** The Kerberos V5 mechanism's object identifier (RFC 1964). */
  public static final String KERBEROS_V5 = "1.2.840.113554.1.2.2";
}
