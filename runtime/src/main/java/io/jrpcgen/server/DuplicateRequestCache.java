package io.jrpcgen.server;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Replies recently sent over UDP, so that a retransmitted request gets the same reply without the
 * procedure running again (as libtirpc's {@code svc_dg_enablecache}). Bounded: the least recently
 * used entry leaves first. Used by the UDP receive thread only.
 */
final class DuplicateRequestCache {
  record Key(int xid, int program, int version, int procedure, InetSocketAddress client) {}

  private final LinkedHashMap<Key, byte[]> replies;

  DuplicateRequestCache(int maxEntries) {
    if (maxEntries <= 0) {
      throw new IllegalArgumentException("maxEntries <= 0: " + maxEntries);
    }
    this.replies = new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<Key, byte[]> eldest) {
        return size() > maxEntries;
      }
    };
  }

  byte[] get(Key key) {
    return replies.get(key);
  }

  void put(Key key, byte[] reply) {
    replies.put(key, reply);
  }

  int size() {
    return replies.size();
  }
}
