package io.jrpcgen.rpc;

/**
 * The outcome of a call as a client sees it: the same set, and the same words, as libtirpc's {@code
 * clnt_stat} and {@code clnt_sperrno}, so that messages read like a C client's.
 */
public enum RpcStatus {
  SUCCESS("RPC: Success"),
  CANT_ENCODE_ARGS("RPC: Can't encode arguments"),
  CANT_DECODE_RES("RPC: Can't decode result"),
  CANT_SEND("RPC: Unable to send"),
  CANT_RECV("RPC: Unable to receive"),
  TIMED_OUT("RPC: Timed out"),
  VERS_MISMATCH("RPC: Incompatible versions of RPC"),
  AUTH_ERROR("RPC: Authentication error"),
  PROG_UNAVAIL("RPC: Program unavailable"),
  PROG_VERS_MISMATCH("RPC: Program/version mismatch"),
  PROC_UNAVAIL("RPC: Procedure unavailable"),
  CANT_DECODE_ARGS("RPC: Server can't decode arguments"),
  SYSTEM_ERROR("RPC: Remote system error"),
  UNKNOWN_HOST("RPC: Unknown host"),
  UNKNOWN_PROTO("RPC: Unknown protocol"),
  PMAP_FAILURE("RPC: Port mapper failure"),
  PROG_NOT_REGISTERED("RPC: Program not registered"),
  FAILED("RPC: Failed (unspecified error)");

  private final String message;

  RpcStatus(String message) {
    this.message = message;
  }

  /** The status in words, as {@code clnt_sperrno} gives it. */
  public String message() {
    return message;
  }
}
