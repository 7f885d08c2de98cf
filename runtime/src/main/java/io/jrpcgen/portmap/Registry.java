package io.jrpcgen.portmap;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The embedded portmapper's table: one entry per program, version and network id, in the order they
 * were registered. Entries of the portmapper itself are permanent. Thread-safe.
 */
final class Registry {
  /** What a registration is keyed by. */
  private record Key(int program, int version, String netid) {}

  private record Entry(Rpcb rpcb, boolean permanent) {}

  private final Map<Key, Entry> entries = new LinkedHashMap<>();
  private final int maxEntries;

  Registry(int maxEntries) {
    this.maxEntries = maxEntries;
  }

  /** Adds a permanent entry (the portmapper's own). */
  synchronized void addPermanent(Rpcb rpcb) {
    entries.put(key(rpcb), new Entry(rpcb, true));
  }

  /**
   * Adds {@code rpcb}; false if its program, version and network id are taken at another address,
   * or it is full. Registering the same address again succeeds, as in rpcbind.
   */
  synchronized boolean set(Rpcb rpcb) {
    Entry present = entries.get(key(rpcb));
    if (present != null) {
      return present.rpcb().address().equals(rpcb.address());
    }
    if (entries.size() >= maxEntries) {
      return false;
    }
    entries.put(key(rpcb), new Entry(rpcb, false));
    return true;
  }

  /**
   * Removes the entries of a program version for each of {@code netids}, or for every network id if
   * {@code netids} is empty; false if none was removed. Permanent entries stay.
   */
  synchronized boolean unset(int program, int version, List<String> netids) {
    boolean removed = false;
    for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
      Entry e = it.next();
      Rpcb r = e.rpcb();
      if (!e.permanent()
          && r.program() == program
          && r.version() == version
          && (netids.isEmpty() || netids.contains(r.netid()))) {
        it.remove();
        removed = true;
      }
    }
    return removed;
  }

  /**
   * The entry of a program for {@code netid}: of {@code version} if there is one, else, unless
   * {@code exactVersion}, of any version (as rpcbind answers, so that the caller learns the
   * versions there are from the server itself). Null if none.
   */
  synchronized Rpcb find(int program, int version, String netid, boolean exactVersion) {
    Entry exact = entries.get(new Key(program, version, netid));
    if (exact != null || exactVersion) {
      return exact == null ? null : exact.rpcb();
    }
    for (Entry e : entries.values()) {
      if (e.rpcb().program() == program && e.rpcb().netid().equals(netid)) {
        return e.rpcb();
      }
    }
    return null;
  }

  /** Removes {@code rpcb} if it is still registered as it was (and not permanent). */
  synchronized boolean remove(Rpcb rpcb) {
    Key key = key(rpcb);
    Entry e = entries.get(key);
    if (e != null && !e.permanent() && e.rpcb().equals(rpcb)) {
      entries.remove(key);
      return true;
    }
    return false;
  }

  /** Every entry, in registration order. */
  synchronized List<Rpcb> all() {
    List<Rpcb> all = new ArrayList<>(entries.size());
    entries.values().forEach(e -> all.add(e.rpcb()));
    return all;
  }

  /** The entries that may be probed and dropped: all but the permanent ones. */
  synchronized List<Rpcb> registered() {
    List<Rpcb> registered = new ArrayList<>();
    entries.values().stream().filter(e -> !e.permanent()).forEach(e -> registered.add(e.rpcb()));
    return registered;
  }

  private static Key key(Rpcb rpcb) {
    return new Key(rpcb.program(), rpcb.version(), rpcb.netid());
  }
}
