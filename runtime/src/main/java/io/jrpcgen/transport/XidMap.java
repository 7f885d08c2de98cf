package io.jrpcgen.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The pending calls of a channel by XID: an open-addressing table of {@code int} keys, so that
 * registering and finding a call boxes no {@code Integer} and makes no map node, garbage of every
 * call otherwise. Thread-safe; each operation holds the table's lock briefly.
 */
final class XidMap<V> {
  private static final int INITIAL_CAPACITY = 16;

  private int[] keys = new int[INITIAL_CAPACITY];
  private Object[] values = new Object[INITIAL_CAPACITY];
  private int size;
  // Read without the lock by isEmpty().
  private volatile boolean empty = true;

  private static int slot(int key, int mask) {
    // XIDs are consecutive: the multiplication spreads them.
    int h = key * 0x9E37_79B9;
    return (h ^ (h >>> 16)) & mask;
  }

  /** Whether no entry is in the table; without locking. */
  boolean isEmpty() {
    return empty;
  }

  /** Adds {@code value} for {@code key}; returns false, changing nothing, if the key is taken. */
  synchronized boolean putIfAbsent(int key, V value) {
    if (find(key) >= 0) {
      return false;
    }
    if (2 * (size + 1) > keys.length) {
      grow();
    }
    insert(key, value);
    size++;
    empty = false;
    return true;
  }

  /** The value of {@code key}, or null. */
  synchronized V get(int key) {
    int i = find(key);
    return i < 0 ? null : value(i);
  }

  /** Removes and returns the value of {@code key}, or null if there is none. */
  synchronized V remove(int key) {
    int i = find(key);
    if (i < 0) {
      return null;
    }
    V value = value(i);
    deleteAt(i);
    return value;
  }

  /** Removes {@code key} if its value is {@code value}; returns whether it did. */
  synchronized boolean remove(int key, V value) {
    int i = find(key);
    if (i < 0 || values[i] != value) {
      return false;
    }
    deleteAt(i);
    return true;
  }

  /** The first value (in no particular order) that {@code test} accepts, or null. */
  synchronized V find(Predicate<V> test) {
    for (int i = 0; i < values.length; i++) {
      if (values[i] != null && test.test(value(i))) {
        return value(i);
      }
    }
    return null;
  }

  /** The values {@code test} accepts, in no particular order. */
  synchronized List<V> findAll(Predicate<V> test) {
    List<V> found = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      if (values[i] != null && test.test(value(i))) {
        found.add(value(i));
      }
    }
    return found;
  }

  /** Removes the entries whose values {@code test} accepts and returns those values. */
  synchronized List<V> removeIf(Predicate<V> test) {
    List<V> removed = new ArrayList<>();
    int[] removedKeys = new int[size];
    for (int i = 0; i < values.length; i++) {
      if (values[i] != null && test.test(value(i))) {
        removedKeys[removed.size()] = keys[i];
        removed.add(value(i));
      }
    }
    // Deleting moves entries: each is looked up again by its key.
    for (int k = 0; k < removed.size(); k++) {
      remove(removedKeys[k], removed.get(k));
    }
    return removed;
  }

  /** Removes every entry and returns their values. */
  synchronized List<V> removeAll() {
    List<V> all = new ArrayList<>(size);
    for (int i = 0; i < values.length; i++) {
      if (values[i] != null) {
        all.add(value(i));
        values[i] = null;
      }
    }
    size = 0;
    empty = true;
    return all;
  }

  @SuppressWarnings("unchecked")
  private V value(int i) {
    return (V) values[i];
  }

  private int find(int key) {
    int mask = keys.length - 1;
    for (int i = slot(key, mask); values[i] != null; i = (i + 1) & mask) {
      if (keys[i] == key) {
        return i;
      }
    }
    return -1;
  }

  private void insert(int key, Object value) {
    int mask = keys.length - 1;
    int i = slot(key, mask);
    while (values[i] != null) {
      i = (i + 1) & mask;
    }
    keys[i] = key;
    values[i] = value;
  }

  private void grow() {
    int[] oldKeys = keys;
    Object[] oldValues = values;
    keys = new int[2 * oldKeys.length];
    values = new Object[2 * oldKeys.length];
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldValues[i] != null) {
        insert(oldKeys[i], oldValues[i]);
      }
    }
  }

  /**
   * Empties slot {@code hole}, moving back the entries after it that probing would no longer reach,
   * so that no deleted marker is ever needed.
   */
  private void deleteAt(int hole) {
    int mask = keys.length - 1;
    int i = hole;
    for (int j = (i + 1) & mask; values[j] != null; j = (j + 1) & mask) {
      int home = slot(keys[j], mask);
      // The entry at j may move to the hole unless its home lies cyclically in (hole, j].
      boolean stays = i <= j ? i < home && home <= j : i < home || home <= j;
      if (!stays) {
        keys[i] = keys[j];
        values[i] = values[j];
        i = j;
      }
    }
    values[i] = null;
    size--;
    empty = size == 0;
  }
}
