package io.jrpcgen.bench.load;

import java.net.InetSocketAddress;

/** A client implementation under test: runs one workload against one server for one sample. */
public interface LoadClient {
  /**
   * Whether this client can run {@code workload} at all: RPC clients run all but bulk and, unless
   * they say so, connection set-up.
   */
  default boolean supports(Workload workload) {
    return workload.kind() != Workload.Kind.BULK && workload.kind() != Workload.Kind.CONNECT;
  }

  /** Runs {@code workload} against {@code server} and measures it. */
  Sample run(Workload workload, InetSocketAddress server, Timing timing) throws Exception;
}
