package io.jrpcgen.bench.load;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A client whose calls block the calling thread: one thread per caller, each on its own connection,
 * or all on one shared connection.
 */
public abstract class BlockingLoadClient implements LoadClient {
  /** An open client of one workload: makes its calls, closes its connection. */
  public interface Connection extends ThreadedLoad.Caller, AutoCloseable {
    @Override
    void close() throws Exception;

    /** A connection whose calls are {@code caller}'s and whose close is {@code closer}'s. */
    static Connection of(ThreadedLoad.Caller caller, AutoCloseable closer) {
      return new Connection() {
        @Override
        public boolean call(int seq) throws Exception {
          return caller.call(seq);
        }

        @Override
        public void close() throws Exception {
          closer.close();
        }
      };
    }
  }

  /** Opens one connection to {@code server} for {@code workload}'s calls. */
  protected abstract Connection open(Workload workload, InetSocketAddress server) throws Exception;

  @Override
  public Sample run(Workload workload, InetSocketAddress server, Timing timing) throws Exception {
    try (Connections<Connection> connections =
        Connections.open(workload, () -> open(workload, server))) {
      List<ThreadedLoad.Caller> callers = new ArrayList<>();
      for (int i = 0; i < workload.threads(); i++) {
        callers.add(connections.forThread(i));
      }
      return ThreadedLoad.run(callers, timing);
    }
  }
}
