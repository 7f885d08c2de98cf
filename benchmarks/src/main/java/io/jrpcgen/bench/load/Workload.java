package io.jrpcgen.bench.load;

import java.util.ArrayList;
import java.util.List;

/**
 * One row of the call-rate table: what is called, over which transport, from how many threads, each
 * on its own connection or all sharing one.
 *
 * @param kind the procedure, or a plain bulk transfer
 * @param transport TCP or UDP
 * @param threads how many threads call at once
 * @param sharing whether each thread has its own connection or all share one client
 * @param payload the opaque's size for an echo, the write size for a bulk transfer, else 0
 */
public record Workload(Kind kind, Transport transport, int threads, Sharing sharing, int payload) {
  /** What the calls do. */
  public enum Kind {
    /** Stevens' square: a 4-byte argument, a 4-byte result. */
    SQUARE,
    /** An opaque sent and returned. */
    ECHO,
    /** No RPC: one connection written to as fast as it takes. */
    BULK,
    /**
     * A new TCP connection per call: connect (with TLS, the AUTH_TLS probe and the handshake),
     * NULLPROC, close. Its calls per second are connections (handshakes) per second.
     */
    CONNECT
  }

  /** The transport. */
  public enum Transport {
    TCP,
    UDP
  }

  /** Whether threads have their own connection or share one. */
  public enum Sharing {
    OWN,
    SHARED
  }

  // xid, msg_type, rpcvers, prog, vers, proc, AUTH_NONE credential and verifier (RFC 5531 §9).
  private static final int CALL_HEADER = 40;
  // xid, msg_type, reply_stat, AUTH_NONE verifier, accept_stat.
  private static final int REPLY_HEADER = 24;
  private static final int RECORD_MARK = 4;

  public Workload {
    if (threads < 1) {
      throw new IllegalArgumentException("threads < 1: " + threads);
    }
  }

  /** The rows of the table, in order. */
  public static List<Workload> standard() {
    List<Workload> rows = new ArrayList<>();
    for (Transport transport : Transport.values()) {
      rows.add(new Workload(Kind.SQUARE, transport, 1, Sharing.OWN, 0));
      for (int threads : new int[] {8, 32}) {
        rows.add(new Workload(Kind.SQUARE, transport, threads, Sharing.OWN, 0));
        rows.add(new Workload(Kind.SQUARE, transport, threads, Sharing.SHARED, 0));
      }
    }
    for (int size : new int[] {1 << 10, 64 << 10, 1 << 20}) {
      rows.add(new Workload(Kind.ECHO, Transport.TCP, 1, Sharing.OWN, size));
    }
    rows.add(new Workload(Kind.BULK, Transport.TCP, 1, Sharing.OWN, 1 << 20));
    rows.add(new Workload(Kind.CONNECT, Transport.TCP, 1, Sharing.OWN, 0));
    return rows;
  }

  /** A short unique name, such as {@code square tcp 32 shared} or {@code echo tcp 64KiB}. */
  public String name() {
    String transportName = transport.name().toLowerCase(java.util.Locale.ROOT);
    return switch (kind) {
      case SQUARE ->
          "square "
              + transportName
              + " "
              + (threads == 1
                  ? "1 thread"
                  : threads + " " + sharing.name().toLowerCase(java.util.Locale.ROOT));
      case ECHO -> "echo " + transportName + " " + sizeName(payload);
      case BULK -> "bulk " + transportName + " " + sizeName(payload) + " writes";
      case CONNECT -> "connect+null " + transportName;
    };
  }

  /** Whether throughput is reported in MB/s (payload bytes) rather than calls/s. */
  public boolean reportsBytes() {
    return kind == Kind.ECHO || kind == Kind.BULK;
  }

  /** The bytes one call puts on the wire, record mark included. */
  public int requestBytes() {
    return switch (kind) {
      case SQUARE -> framing() + CALL_HEADER + 4;
      case ECHO -> framing() + CALL_HEADER + 4 + padded(payload);
      case BULK -> payload;
      case CONNECT -> framing() + CALL_HEADER;
    };
  }

  /** The bytes of one reply on the wire, record mark included; 0 for a bulk transfer. */
  public int replyBytes() {
    return switch (kind) {
      case SQUARE -> framing() + REPLY_HEADER + 4;
      case ECHO -> framing() + REPLY_HEADER + 4 + padded(payload);
      case BULK -> 0;
      case CONNECT -> framing() + REPLY_HEADER;
    };
  }

  private int framing() {
    return transport == Transport.TCP ? RECORD_MARK : 0;
  }

  private static int padded(int n) {
    return (n + 3) & ~3;
  }

  static String sizeName(int bytes) {
    if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
      return (bytes >> 20) + "MiB";
    }
    if (bytes >= 1 << 10 && bytes % (1 << 10) == 0) {
      return (bytes >> 10) + "KiB";
    }
    return bytes + "B";
  }
}
