package io.jrpcgen.rpc;

import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import java.util.concurrent.CompletableFuture;

/**
 * A security flavor whose credential, verifier and arguments depend on each call (RPCSEC_GSS, RFC
 * 2203): the channel lets it write them and check the reply. Set with {@link
 * CallOptions#withSecurity}; implemented by {@code io.jrpcgen.gss.RpcSecGssClient}.
 */
public interface CallSecurity {

  /**
   * Writes the credential, the verifier and the arguments of a call whose header up to the
   * procedure number starts at {@code headerStart} in {@code out} (and ends at its position).
   *
   * @return the check of this call's reply
   * @throws io.jrpcgen.xdr.XdrException if the arguments cannot be encoded
   * @throws RpcAuthException if the security context cannot protect the call
   */
  <A> ReplyCheck writeCall(XdrEncoder out, int headerStart, XdrCodec<A> argsCodec, A args);

  /**
   * Whether a call refused with {@code status} may be sent again, once, after what the server
   * refused has been renewed (a new context for {@code RPCSEC_GSS_CREDPROBLEM} or {@code
   * RPCSEC_GSS_CTXPROBLEM}): only when the server cannot have run the procedure. The renewal runs
   * on a thread of its own, shared by the calls refused together; the channel waits for the future
   * no longer than the call's deadline. It fails with what failed the renewal.
   */
  CompletableFuture<Boolean> renewAfter(AuthStat status);

  /**
   * Done when calls can be written: at once for a security that has what it needs, or once the
   * security context that the first calls need is made, on a thread of its own that they share. It
   * fails with what failed the making. The channel waits for it before {@link #admit}, a blocking
   * call within its deadline, an asynchronous call without a thread waiting for it.
   */
  default CompletableFuture<?> ready() {
    return CompletableFuture.completedFuture(null);
  }

  /**
   * Waits, at most {@code timeoutNanos}, until one more call may be outstanding: RPCSEC_GSS keeps
   * no more calls in flight than the server's sequence window, below which the server drops calls
   * unanswered. A call let through is ended with {@link #done()}.
   *
   * @return whether the call may be sent
   */
  default boolean admit(long timeoutNanos) throws InterruptedException {
    return true;
  }

  /** Ends a call that {@link #admit} let through, answered or not. */
  default void done() {}

  /** Checks one call's reply and reads its results. */
  interface ReplyCheck {
    /**
     * Checks the reply's {@code verifier} and decodes the results from {@code in}, which is
     * positioned after the accept status. The verifier is checked before anything is read, so that
     * a reply failing it can be offered to the check of another transmission of the call.
     *
     * @throws RpcAuthException with {@code AUTH_INVALIDRESP} if the verifier is not the server's
     * @throws io.jrpcgen.xdr.XdrException if the results cannot be decoded or unwrapped
     */
    <R> R readResults(OpaqueAuth verifier, XdrDecoder in, XdrCodec<R> resultCodec);

    /**
     * Tells the check that the server denied its call with {@code status}, before {@link
     * CallSecurity#renewAfter} is asked: what the call used is what needs renewing.
     */
    void refused(AuthStat status);
  }
}
