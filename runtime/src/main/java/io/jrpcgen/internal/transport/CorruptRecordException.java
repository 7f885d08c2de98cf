package io.jrpcgen.internal.transport;

import java.io.IOException;

/** The stream ended inside a record: a fragment header or body was cut short. */
public final class CorruptRecordException extends IOException {
  private static final long serialVersionUID = 1L;

  public CorruptRecordException(String message) {
    super(message);
  }
}
