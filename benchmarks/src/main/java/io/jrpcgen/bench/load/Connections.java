package io.jrpcgen.bench.load;

import java.util.ArrayList;
import java.util.List;

/**
 * The connections of one sample: one per thread, or a single one all threads share.
 *
 * @param <C> the connection type
 */
public final class Connections<C extends AutoCloseable> implements AutoCloseable {
  /** Opens one connection. */
  @FunctionalInterface
  public interface Opener<C> {
    C open() throws Exception;
  }

  private final List<C> opened;

  private Connections(List<C> opened) {
    this.opened = opened;
  }

  /** Opens what {@code workload}'s sharing calls for; closes them all if one fails to open. */
  public static <C extends AutoCloseable> Connections<C> open(Workload workload, Opener<C> opener)
      throws Exception {
    int count = workload.sharing() == Workload.Sharing.SHARED ? 1 : workload.threads();
    Connections<C> connections = new Connections<>(new ArrayList<>());
    try {
      for (int i = 0; i < count; i++) {
        connections.opened.add(opener.open());
      }
      return connections;
    } catch (Exception | Error e) {
      connections.close();
      throw e;
    }
  }

  /** The connection thread {@code i} uses. */
  public C forThread(int i) {
    return opened.get(opened.size() == 1 ? 0 : i);
  }

  @Override
  public void close() {
    for (C c : opened) {
      try {
        c.close();
      } catch (Exception e) {
        // Closing after the measurement: nothing depends on it any more.
      }
    }
  }
}
