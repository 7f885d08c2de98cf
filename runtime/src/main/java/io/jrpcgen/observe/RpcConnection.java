package io.jrpcgen.observe;

import java.net.InetSocketAddress;

/**
 * One TCP connection as a listener sees it; the same instance is given when it opens and when it
 * closes.
 *
 * @param side whether this process opened it (a client) or accepted it (a server)
 * @param local this end's address
 * @param peer the other end's address
 */
public record RpcConnection(RpcCall.Side side, InetSocketAddress local, InetSocketAddress peer) {}
