package io.jrpcgen.transport;

import io.jrpcgen.rpc.OpaqueAuth;

/**
 * A successful reply: the decoded results with the transaction id and the server's verifier
 * (for example an {@code AUTH_SHORT} handle to send as the next credential).
 *
 * @param <R> the result type
 * @param xid the call's transaction id
 * @param verifier the verifier the server returned
 * @param value the decoded results
 */
public record RpcReply<R>(int xid, OpaqueAuth verifier, R value) {}
