package io.jrpcgen.xdr;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import java.util.function.ToIntFunction;
import java.util.function.UnaryOperator;

/**
 * Linked lists as XDR writes them ({@code struct entry { ...; entry *next; }}): their records'
 * {@code equals}, {@code hashCode} and {@code toString}, which walk the nodes in a loop so that a
 * list's length never costs stack, and their view as Java lists.
 */
public final class LinkedNodes {
  /** How many nodes {@link #toString} prints before it only counts the rest. */
  public static final int TO_STRING_NODES = 100;

  private LinkedNodes() {}

  /**
   * Whether the lists from {@code a} and from {@code b} have equal nodes: as many, and pairwise
   * {@code sameValues} (which compares a node's components other than the link).
   */
  public static <T> boolean equals(
      T a, T b, UnaryOperator<T> next, BiPredicate<? super T, ? super T> sameValues) {
    // Lists that share a tail are equal from there on.
    while (a != b) {
      if (a == null || b == null || !sameValues.test(a, b)) {
        return false;
      }
      a = next.apply(a);
      b = next.apply(b);
    }
    return true;
  }

  /** A hash of the list from {@code head}, combining each node's {@code valuesHash} in order. */
  public static <T> int hashCode(
      T head, UnaryOperator<T> next, ToIntFunction<? super T> valuesHash) {
    int h = 0;
    for (T node = head; node != null; node = next.apply(node)) {
      h = 31 * h + valuesHash.applyAsInt(node);
    }
    return h;
  }

  /**
   * The list from {@code head} as records print, nested: {@code Node[value=1, next=Node[value=2,
   * next=null]]}, where {@code opening} appends a node's opening up to its link ({@code
   * Node[value=1, next=}). Past {@link #TO_STRING_NODES} nodes it prints how many more there are
   * ({@code next=... 999900 more]}) instead of them, so that a long list stays readable in a log
   * and its string small.
   */
  public static <T> String toString(
      T head, UnaryOperator<T> next, BiConsumer<StringBuilder, ? super T> opening) {
    StringBuilder s = new StringBuilder();
    int printed = 0;
    T node = head;
    for (; node != null && printed < TO_STRING_NODES; node = next.apply(node)) {
      opening.accept(s, node);
      printed++;
    }
    if (node == null) {
      s.append("null");
    } else {
      long more = 0;
      for (; node != null; node = next.apply(node)) {
        more++;
      }
      s.append("... ").append(more).append(" more");
    }
    return s.append("]".repeat(printed)).toString();
  }

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
