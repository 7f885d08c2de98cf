package io.jrpcgen.observe;

/** Hears how one call ended: what {@link RpcListener#callStarted} returns. */
@FunctionalInterface
public interface CallObserver {
  /** Ignores the end. */
  CallObserver NONE = (call, end) -> {};

  /** The call ended: replied to, failed, or (for calls that expect none) sent or served. */
  void callEnded(RpcCall call, CallEnd end);
}
