package io.jrpcgen.internal.rpc;

import io.jrpcgen.rpc.OpaqueAuth;

/**
 * The header of an RPC version 2 call ({@code call_body}, RFC 5531 §9); the procedure's arguments
 * follow it in the same message.
 */
public record CallHeader(
    int xid, int program, int version, int procedure, OpaqueAuth credential, OpaqueAuth verifier) {

  public CallHeader {
    if (credential == null || verifier == null) {
      throw new IllegalArgumentException("credential and verifier must not be null");
    }
  }
}
