package io.jrpcgen.internal.transport;

import java.io.IOException;

/** The peer closed the connection (FIN) at a record boundary. */
public final class PeerClosedException extends IOException {
  private static final long serialVersionUID = 1L;

  public PeerClosedException() {
    super("connection closed by peer");
  }
}
