package io.jrpcgen.observe;

import java.util.ArrayList;
import java.util.List;

/** Several listeners as one: what {@link RpcListener#all} returns. */
final class AllListeners implements RpcListener {
  private final List<RpcListener> listeners;

  AllListeners(List<RpcListener> listeners) {
    this.listeners = listeners;
  }

  @Override
  public CallObserver callStarted(RpcCall call) {
    List<CallObserver> observers = new ArrayList<>(listeners.size());
    for (RpcListener l : listeners) {
      CallObserver o = l.callStarted(call);
      if (o != CallObserver.NONE) {
        observers.add(o);
      }
    }
    if (observers.isEmpty()) {
      return CallObserver.NONE;
    }
    return (c, end) -> {
      for (CallObserver o : observers) {
        o.callEnded(c, end);
      }
    };
  }

  @Override
  public void connectionOpened(RpcConnection connection) {
    for (RpcListener l : listeners) {
      l.connectionOpened(connection);
    }
  }

  @Override
  public void connectionClosed(RpcConnection connection) {
    for (RpcListener l : listeners) {
      l.connectionClosed(connection);
    }
  }
}
