package io.jrpcgen.gss;

/**
 * What an {@link RpcSecGssServer} has refused so far, by reason, and the contexts it made.
 *
 * @param contextsEstablished contexts completed with a client
 * @param contextsDestroyed contexts a client destroyed
 * @param replaysDropped calls dropped unanswered: a sequence number seen before
 * @param tooOldDropped calls dropped unanswered: a sequence number below the window
 * @param badHeaderChecksums calls denied: the verifier is not the header's checksum
 * @param unknownContexts calls denied: a context handle never issued, or no longer known
 * @param badBodies calls answered {@code GARBAGE_ARGS}: arguments that fail their checksum, do not
 *     unwrap, or carry another sequence number
 * @param failedInits context creation calls GSS refused
 * @param contextsExpired contexts refused with {@code RPCSEC_GSS_CTXPROBLEM} once past their
 *     maximum lifetime
 */
public record GssServerStats(
    long contextsEstablished,
    long contextsDestroyed,
    long replaysDropped,
    long tooOldDropped,
    long badHeaderChecksums,
    long unknownContexts,
    long badBodies,
    long failedInits,
    long contextsExpired) {}
