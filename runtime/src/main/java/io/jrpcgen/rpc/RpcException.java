package io.jrpcgen.rpc;

import java.util.OptionalInt;

/**
 * A call that did not succeed, with its {@link RpcStatus}. The message has the shape of {@code
 * clnt_sperror}: {@code server: RPC: Timed out}, followed by details where the status has some.
 */
public class RpcException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final RpcStatus status;
  private final String server;
  // The failed call's XID, recorded by the transport once the call had one; -1 until then.
  private volatile long xid = -1;

  /** An exception for {@code status} on a call to {@code server}, with optional detail. */
  public RpcException(RpcStatus status, String server, String detail, Throwable cause) {
    super(format(status, server, detail), cause);
    this.status = status;
    this.server = server;
  }

  /** An exception for {@code status} on a call to {@code server}. */
  public RpcException(RpcStatus status, String server) {
    this(status, server, null, null);
  }

  /** What went wrong. */
  public RpcStatus status() {
    return status;
  }

  /** The server as the message names it (host or address), or null if unknown. */
  public String server() {
    return server;
  }

  /**
   * The XID of the call that failed, if it got as far as having one: this call's own, which {@code
   * lastXid()} on a channel shared with other threads may not be.
   */
  public OptionalInt xid() {
    long x = xid;
    return x < 0 ? OptionalInt.empty() : OptionalInt.of((int) x);
  }

  /**
   * Records the XID of the failed call, for the transport that made it; an XID already recorded
   * stays. Returns this exception.
   */
  public RpcException withXid(int xid) {
    if (this.xid < 0) {
      this.xid = xid & 0xFFFF_FFFFL;
    }
    return this;
  }

  private static String format(RpcStatus status, String server, String detail) {
    StringBuilder sb = new StringBuilder();
    if (server != null) {
      sb.append(server).append(": ");
    }
    sb.append(status.message());
    if (detail != null) {
      sb.append("; ").append(detail);
    }
    return sb.toString();
  }
}
