package io.jrpcgen.server;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Replies recently sent over UDP, so that a retransmitted request gets the same reply without the
 * procedure running again (as libtirpc's {@code svc_dg_enablecache}). A call still in progress (one
 * that answers later) is remembered too: its retransmissions are dropped, as the reply is on its
 * way. Bounded: the least recently used entry leaves first. Thread-safe, since late replies
 * complete on the threads of their implementations.
 */
final class DuplicateRequestCache {
  /** What {@link #lookUpOrStart} returns for a call still in progress. */
  static final byte[] IN_PROGRESS = new byte[0];

  record Key(int xid, int program, int version, int procedure, InetSocketAddress client) {}

  private final LinkedHashMap<Key, byte[]> replies;

  DuplicateRequestCache(int maxEntries) {
    if (maxEntries <= 0) {
      throw new IllegalArgumentException("maxEntries <= 0: " + maxEntries);
    }
    this.replies =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<Key, byte[]> eldest) {
            return size() > maxEntries;
          }
        };
  }

  /**
   * The reply cached for {@code key}, {@link #IN_PROGRESS} while its call runs, or null for a new
   * call, which is then in progress until {@link #complete}.
   */
  synchronized byte[] lookUpOrStart(Key key) {
    byte[] reply = replies.get(key);
    if (reply == null) {
      replies.put(key, IN_PROGRESS);
    }
    return reply;
  }

  /** Keeps {@code reply} for {@code key}, or forgets the call when it sent none (null). */
  synchronized void complete(Key key, byte[] reply) {
    if (reply == null) {
      replies.remove(key);
    } else {
      replies.put(key, reply);
    }
  }
}
