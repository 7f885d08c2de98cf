package io.jrpcgen.observe;

import io.jrpcgen.rpc.AcceptStat;
import io.jrpcgen.rpc.AuthStat;
import io.jrpcgen.rpc.RpcStatus;
import java.util.Arrays;

/**
 * How a call ended: the reply's status (accepted with its {@code accept_stat}, or denied), no
 * reply, or a client-side failure without a reply that says more.
 */
public sealed interface CallStatus {

  /**
   * A short, stable name for metrics and events: the {@code accept_stat} ({@code SUCCESS}, {@code
   * PROC_UNAVAIL}...), {@code RPC_MISMATCH}, the {@code auth_stat} of an authentication error
   * ({@code AUTH_TOOWEAK}...), {@code NO_REPLY}, or the client's {@link RpcStatus} ({@code
   * TIMED_OUT}, {@code CANT_RECV}...).
   */
  String name();

  /** Whether the call did what was asked: accepted with SUCCESS, or served without reply. */
  boolean succeeded();

  /** The status of an accepted reply with {@code stat}; one instance per value. */
  static Accepted accepted(AcceptStat stat) {
    return Accepted.BY_STAT[stat.ordinal()];
  }

  /** {@code MSG_ACCEPTED} with an {@code accept_stat}. */
  record Accepted(AcceptStat stat) implements CallStatus {
    private static final Accepted[] BY_STAT =
        Arrays.stream(AcceptStat.values()).map(Accepted::new).toArray(Accepted[]::new);

    @Override
    public String name() {
      return stat.name();
    }

    @Override
    public boolean succeeded() {
      return stat == AcceptStat.SUCCESS;
    }
  }

  /** {@code MSG_DENIED}: the server refused the call before looking at its program. */
  sealed interface Denied extends CallStatus {
    @Override
    default boolean succeeded() {
      return false;
    }
  }

  /** {@code MSG_DENIED / RPC_MISMATCH}: the call was not RPC version 2. */
  record RpcMismatch() implements Denied {
    @Override
    public String name() {
      return "RPC_MISMATCH";
    }
  }

  /** {@code MSG_DENIED / AUTH_ERROR} with the reason. */
  record AuthError(AuthStat stat) implements Denied {
    @Override
    public String name() {
      return stat.name();
    }
  }

  /**
   * No reply, as asked: a call sent batched (RFC 5531 §8), or one a server's procedure does not
   * answer.
   */
  record NoReply() implements CallStatus {
    @Override
    public String name() {
      return "NO_REPLY";
    }

    @Override
    public boolean succeeded() {
      return true;
    }
  }

  /**
   * A client's call failed without a reply that says why (timed out, connection lost, arguments
   * that cannot be encoded, results that cannot be decoded), or a server failed to answer.
   */
  record Failed(RpcStatus status) implements CallStatus {
    @Override
    public String name() {
      return status.name();
    }

    @Override
    public boolean succeeded() {
      return false;
    }
  }
}
