package io.jrpcgen.internal.transport;

import java.io.IOException;

/** A record's fragments add up to more than the reader's maximum record size. */
public final class RecordTooLongException extends IOException {
  private static final long serialVersionUID = 1L;

  public RecordTooLongException(String message) {
    super(message);
  }
}
