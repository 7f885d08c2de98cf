package io.jrpcgen.transport;

import io.jrpcgen.rpc.OpaqueAuth;
import java.net.InetSocketAddress;

/**
 * A successful reply: the decoded results with what the call used and got besides, which belong to
 * this call alone (unlike {@code lastXid()} on a channel that other threads share).
 *
 * @param <R> the result type
 * @param xid the call's transaction id
 * @param server the address the call went to
 * @param verifier the verifier the server returned (for example an {@code AUTH_SHORT} handle to
 *     send as the next credential)
 * @param value the decoded results
 */
public record RpcReply<R>(int xid, InetSocketAddress server, OpaqueAuth verifier, R value) {}
