package io.jrpcgen.xdr;

import java.nio.charset.StandardCharsets;

/** How Java strings map to the bytes of XDR {@code string<N>} values. */
public final class XdrStrings {
  private XdrStrings() {}

  /** The number of bytes {@code value} takes on the wire, which is what a string's bound counts. */
  public static int byteLength(String value) {
    return value.getBytes(StandardCharsets.UTF_8).length;
  }
}
