package io.jrpcgen.rpc;

import io.jrpcgen.observe.ProgramNames;
import java.time.Duration;

/**
 * How a client makes its calls: the deadline of each call, the UDP retry interval, and the
 * credential and verifier it sends. Immutable; the {@code with} methods return copies.
 *
 * @param timeout the deadline of a whole call, retransmissions included (rpcgen's 25 s default)
 * @param retryInterval how long a UDP call waits before sending the same XID again
 * @param credential the credential every call carries
 * @param verifier the verifier every call carries
 * @param names the {@code .x} names of the program and its procedures, for listeners; or null
 * @param security writes credential, verifier and arguments per call instead (RPCSEC_GSS), or null
 */
public record CallOptions(
    Duration timeout,
    Duration retryInterval,
    OpaqueAuth credential,
    OpaqueAuth verifier,
    ProgramNames names,
    CallSecurity security) {
  /** rpcgen's stubs wait 25 s for a reply. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(25);

  /** libtirpc's UDP clients resend after 15 s. */
  public static final Duration DEFAULT_RETRY_INTERVAL = Duration.ofSeconds(15);

  /** The defaults: 25 s timeout, 15 s UDP retry, {@code AUTH_NONE}. */
  public static final CallOptions DEFAULTS =
      new CallOptions(
          DEFAULT_TIMEOUT, DEFAULT_RETRY_INTERVAL, OpaqueAuth.NONE, OpaqueAuth.NONE, null, null);

  public CallOptions {
    requirePositive("timeout", timeout);
    requirePositive("retryInterval", retryInterval);
    if (credential == null || verifier == null) {
      throw new IllegalArgumentException("credential and verifier must not be null");
    }
  }

  /** Options with a fixed credential and verifier. */
  public CallOptions(
      Duration timeout, Duration retryInterval, OpaqueAuth credential, OpaqueAuth verifier) {
    this(timeout, retryInterval, credential, verifier, null, null);
  }

  /** A copy with another call timeout. */
  public CallOptions withTimeout(Duration timeout) {
    return new CallOptions(timeout, retryInterval, credential, verifier, names, security);
  }

  /** A copy with another UDP retry interval. */
  public CallOptions withRetryInterval(Duration retryInterval) {
    return new CallOptions(timeout, retryInterval, credential, verifier, names, security);
  }

  /** A copy that sends {@code credential} with an {@code AUTH_NONE} verifier. */
  public CallOptions withCredential(OpaqueAuth credential) {
    return new CallOptions(timeout, retryInterval, credential, OpaqueAuth.NONE, names, security);
  }

  /**
   * A copy whose calls {@code security} protects (RPCSEC_GSS); it replaces the fixed credential and
   * verifier, and null goes back to them.
   */
  public CallOptions withSecurity(CallSecurity security) {
    return new CallOptions(timeout, retryInterval, credential, verifier, names, security);
  }

  /** A copy that sends {@code AUTH_SYS} credentials. */
  public CallOptions withAuthSys(AuthSys authSys) {
    return withCredential(authSys.toOpaqueAuth());
  }

  /** A copy whose calls listeners see with {@code names} (null: as numbers only). */
  public CallOptions withNames(ProgramNames names) {
    return new CallOptions(timeout, retryInterval, credential, verifier, names, security);
  }

  private static void requirePositive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " <= 0: " + d);
    }
  }
}
