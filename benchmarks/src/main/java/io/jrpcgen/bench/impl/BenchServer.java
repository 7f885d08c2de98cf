package io.jrpcgen.bench.impl;

/** A Java server of SQUARE_PROG and ECHO_PROG on 127.0.0.1, TCP and UDP. */
public interface BenchServer extends AutoCloseable {
  /** The TCP port. */
  int tcpPort();

  /** The UDP port. */
  int udpPort();
}
