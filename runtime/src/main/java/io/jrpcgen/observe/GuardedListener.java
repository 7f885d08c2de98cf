package io.jrpcgen.observe;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A listener whose failures are logged, not thrown: a faulty listener must never fail a call or end
 * the service of a connection. The first failure is a WARNING with its stack trace, later ones
 * DEBUG, so that a listener failing on every call does not flood the log.
 */
final class GuardedListener implements RpcListener {
  private static final System.Logger LOG = System.getLogger(RpcListener.class.getName());

  private final RpcListener listener;
  private final AtomicBoolean warned = new AtomicBoolean();

  GuardedListener(RpcListener listener) {
    if (listener == null) {
      throw new IllegalArgumentException("listener is null");
    }
    this.listener = listener;
  }

  @Override
  public CallObserver callStarted(RpcCall call) {
    CallObserver observer;
    try {
      observer = listener.callStarted(call);
    } catch (RuntimeException | StackOverflowError e) {
      report("callStarted", e);
      return CallObserver.NONE;
    }
    if (observer == null || observer == CallObserver.NONE) {
      return CallObserver.NONE;
    }
    return (c, end) -> guard("callEnded", () -> observer.callEnded(c, end));
  }

  @Override
  public void connectionOpened(RpcConnection connection) {
    guard("connectionOpened", () -> listener.connectionOpened(connection));
  }

  @Override
  public void connectionClosed(RpcConnection connection) {
    guard("connectionClosed", () -> listener.connectionClosed(connection));
  }

  private void guard(String method, Runnable call) {
    try {
      call.run();
    } catch (RuntimeException | StackOverflowError e) {
      report(method, e);
    }
  }

  private void report(String method, Throwable e) {
    Level level = warned.compareAndSet(false, true) ? Level.WARNING : Level.DEBUG;
    LOG.log(
        level,
        "RpcListener " + listener.getClass().getName() + "." + method + " failed; the call goes on",
        e);
  }

  @Override
  public String toString() {
    return "guarded " + listener;
  }
}
