package io.jrpcgen.internal.rpc;

import io.jrpcgen.rpc.AcceptStat;
import io.jrpcgen.rpc.AuthStat;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.rpc.RpcAuthException;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.rpc.RpcMismatchException;
import io.jrpcgen.rpc.RpcStatus;

/**
 * The header of a reply message ({@code reply_body}, RFC 5531 §9): one record per outcome. For
 * {@link Success} the procedure's results follow the header in the same message.
 */
public sealed interface Reply {
  /** The transaction id of the call this answers. */
  int xid();

  /** {@code MSG_ACCEPTED / SUCCESS}. */
  record Success(int xid, OpaqueAuth verifier) implements Reply {}

  /** {@code MSG_ACCEPTED / PROG_MISMATCH}, with the versions of the program the server has. */
  record ProgramMismatch(int xid, OpaqueAuth verifier, int low, int high) implements Reply {}

  /** {@code MSG_ACCEPTED} with PROG_UNAVAIL, PROC_UNAVAIL, GARBAGE_ARGS or SYSTEM_ERR. */
  record AcceptedError(int xid, OpaqueAuth verifier, AcceptStat status) implements Reply {}

  /** {@code MSG_DENIED / RPC_MISMATCH}, with the RPC versions the server speaks. */
  record RpcMismatch(int xid, int low, int high) implements Reply {}

  /** {@code MSG_DENIED / AUTH_ERROR}. */
  record AuthError(int xid, AuthStat status) implements Reply {}

  /** The exception a client raises for this reply; for {@link Success} there is none. */
  default RpcException toException(String server) {
    if (this instanceof ProgramMismatch m) {
      return new RpcMismatchException(RpcStatus.PROG_VERS_MISMATCH, server, m.low(), m.high());
    } else if (this instanceof AcceptedError e) {
      RpcStatus status =
          switch (e.status()) {
            case PROG_UNAVAIL -> RpcStatus.PROG_UNAVAIL;
            case PROC_UNAVAIL -> RpcStatus.PROC_UNAVAIL;
            case GARBAGE_ARGS -> RpcStatus.CANT_DECODE_ARGS;
            case SYSTEM_ERR -> RpcStatus.SYSTEM_ERROR;
            case SUCCESS, PROG_MISMATCH -> throw new IllegalStateException("not an error: " + e);
          };
      return new RpcException(status, server);
    } else if (this instanceof RpcMismatch m) {
      return new RpcMismatchException(RpcStatus.VERS_MISMATCH, server, m.low(), m.high());
    } else if (this instanceof AuthError a) {
      return new RpcAuthException(server, a.status());
    }
    throw new IllegalStateException("a successful reply has no exception");
  }
}
