package io.jrpcgen.server;

import io.jrpcgen.gss.GssCaller;
import io.jrpcgen.internal.rpc.CallHeader;
import io.jrpcgen.rpc.AuthStat;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import java.util.function.Consumer;

/**
 * A security flavor the server checks call by call, before the call reaches a procedure, and whose
 * replies it protects (RPCSEC_GSS, RFC 2203). Set with {@link RpcServer.Builder#security};
 * implemented by {@code io.jrpcgen.gss.RpcSecGssServer}.
 */
public interface CallAuthenticator {

  /** The credential flavor this authenticator checks. */
  int flavor();

  /**
   * Checks a call with this flavor's credential.
   *
   * @param header the call's header
   * @param message the call message, from its first byte (the XID)
   * @param credentialEnd the offset in {@code message} just after the credential
   * @param body the arguments as they came, positioned after the verifier
   * @return what to do with the call
   */
  Verdict verify(CallHeader header, byte[] message, int credentialEnd, XdrDecoder body);

  /** What the server does with a checked call. */
  sealed interface Verdict {}

  /** Send no reply at all (RFC 2203 §5.3.3.1: a replayed or too old sequence number). */
  record Drop(String reason) implements Verdict {}

  /** Deny the call with {@code MSG_DENIED / AUTH_ERROR} and {@code status}. */
  record Deny(AuthStat status) implements Verdict {}

  /**
   * Answer a control message here (no procedure runs): {@code SUCCESS} with {@code verifier} and
   * the results {@code results} writes.
   */
  record Answer(OpaqueAuth verifier, Consumer<XdrEncoder> results) implements Verdict {}

  /** Dispatch the call to its procedure, protected as {@code call} says. */
  record Accept(SecureCall call) implements Verdict {}

  /** An accepted call: who made it, its reply verifier, and how arguments and results travel. */
  interface SecureCall {
    /** Who made the call, as the security context established. */
    GssCaller caller();

    /** The verifier of every accepted reply to this call. */
    OpaqueAuth replyVerifier();

    /**
     * The arguments, checked and unwrapped from {@code body}.
     *
     * @throws io.jrpcgen.xdr.XdrException if they fail their check or cannot be unwrapped: the
     *     server then replies {@code GARBAGE_ARGS}
     */
    XdrDecoder arguments(XdrDecoder body);

    /** Replaces the results written from {@code resultsStart} in {@code out} by their wrapping. */
    void protectResults(XdrEncoder out, int resultsStart);
  }
}
