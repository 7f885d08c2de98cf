package io.jrpcgen.observe;

import java.util.List;

/**
 * Hears the calls and connections of a client channel or a server: what metrics, traces and JFR
 * events are made of. Give one to {@code ChannelOptions.withListener} (clients) or {@code
 * RpcServer.Builder.listener} (servers); without one the runtime does no work for it.
 *
 * <p>Methods are called on the thread that makes or serves the call, while it does, so they should
 * be quick. What they throw is logged and otherwise ignored: a listener never fails a call or ends
 * a connection.
 */
public interface RpcListener {

  /**
   * A call begins: a client has encoded it, or a server has read its header. The observer returned
   * is told how it ended, once; {@link CallObserver#NONE} if the end is of no interest.
   */
  default CallObserver callStarted(RpcCall call) {
    return CallObserver.NONE;
  }

  /** A TCP connection was opened (client) or accepted (server). */
  default void connectionOpened(RpcConnection connection) {}

  /** A TCP connection reported by {@link #connectionOpened} was closed, by either end. */
  default void connectionClosed(RpcConnection connection) {}

  /** A listener that tells each of {@code listeners}, in order. */
  static RpcListener all(RpcListener... listeners) {
    return new AllListeners(List.of(listeners));
  }

  /**
   * A listener that passes everything to {@code listener} and logs, rather than throws, what it
   * throws: the runtime wraps every listener it is given so.
   */
  static RpcListener guarded(RpcListener listener) {
    return listener instanceof GuardedListener ? listener : new GuardedListener(listener);
  }
}
