package io.jrpcgen.xdr;

import java.util.List;
import java.util.function.UnaryOperator;

/** Linked lists as XDR writes them ({@code struct entry { ...; entry *next; }}) as Java lists. */
public final class LinkedNodes {
  private LinkedNodes() {}

  /**
   * The nodes from {@code head} on, in order, as an immutable list; empty when {@code head} is
   * null, the empty linked list. As the nodes are immutable, the list always equals the chain.
   */
  public static <T> List<T> asList(T head, UnaryOperator<T> next) {
    int count = 0;
    for (T node = head; node != null; node = next.apply(node)) {
      count++;
    }
    Object[] nodes = new Object[count];
    int i = 0;
    for (T node = head; node != null; node = next.apply(node)) {
      nodes[i++] = node;
    }
    return count == 0 ? List.of() : new ImmutableArrayList<>(nodes);
  }
}
