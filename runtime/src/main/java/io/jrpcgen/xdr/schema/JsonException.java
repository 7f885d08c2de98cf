package io.jrpcgen.xdr.schema;

/** JSON text that is not JSON, or JSON that is not a value of the XDR type it should be. */
public final class JsonException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception with a message that says what and where. */
  public JsonException(String message) {
    super(message);
  }
}
