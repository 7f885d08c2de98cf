package io.jrpcgen.xdr;

/** Thrown when bytes cannot be decoded as the expected XDR type, or a value cannot be encoded. */
public final class XdrException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public XdrException(String message) {
    super(message);
  }
}
