package io.jrpcgen.observe;

/**
 * How a call ended, as a listener sees it.
 *
 * @param status what the reply said, or why there was none
 * @param replyBytes the size of the reply message, without TCP record marks; 0 without a reply
 * @param durationNanos from the call's start (before encoding, for a client; after reading the
 *     call, for a server) to its end (reply decoded or failure; reply encoded)
 * @param failure what a client's call threw, or what the server's dispatch threw; else null
 */
public record CallEnd(CallStatus status, int replyBytes, long durationNanos, Throwable failure) {}
