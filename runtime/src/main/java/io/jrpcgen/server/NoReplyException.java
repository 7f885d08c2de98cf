package io.jrpcgen.server;

/**
 * Thrown by a procedure handler to send no reply at all: the caller sees a timeout. rpcbind does
 * this for a CALLIT whose forwarded call fails, so that a broadcast is answered only by servers
 * that could serve it.
 */
public final class NoReplyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception whose message says why no reply is sent, for logs. */
  public NoReplyException(String reason) {
    super(reason, null, false, false);
  }
}
