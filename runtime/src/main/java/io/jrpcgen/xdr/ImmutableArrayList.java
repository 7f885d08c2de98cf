package io.jrpcgen.xdr;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * The runtime's immutable list over an array no one else holds: what the decoder makes and what
 * {@link XdrChecks} keeps, so that a decoded list passes a generated constructor uncopied.
 */
final class ImmutableArrayList<T> extends AbstractList<T> implements RandomAccess {
  private final Object[] items;

  /** A list of {@code items}, which the caller hands over and never touches again. */
  ImmutableArrayList(Object[] items) {
    this.items = items;
  }

  /** The backing array, for {@link XdrChecks} to read without copying; never to be written. */
  Object[] items() {
    return items;
  }

  @Override
  @SuppressWarnings("unchecked")
  public T get(int index) {
    return (T) items[index];
  }

  @Override
  public int size() {
    return items.length;
  }

  @Override
  public Object[] toArray() {
    return items.clone();
  }
}
