package io.jrpcgen.xdr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The checks generated constructors run, with the encoder's messages. */
class XdrChecksTest {
  @Test
  void stringsAreCheckedInBytesNotChars() {
    assertThat(XdrChecks.string("abcd", 4, "name")).isEqualTo("abcd");
    assertThat(XdrChecks.string("\u00e9\u00e9", 4, "name")).isEqualTo("\u00e9\u00e9");
    assertThat(XdrChecks.string("", 0, "name")).isEmpty();
    assertThatThrownBy(() -> XdrChecks.string("abcde", 4, "name"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name: string of 5 bytes exceeds its bound of 4");
    // Two chars, four bytes: within a char count of 3, beyond a byte count of 3.
    assertThatThrownBy(() -> XdrChecks.string("\u00e9\u00e9", 3, "name"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name: string of 4 bytes exceeds its bound of 3");
    assertThat(XdrChecks.string("x".repeat(100), XdrCodec.UNBOUNDED, "text")).hasSize(100);
    assertThatThrownBy(() -> XdrChecks.string(null, 4, "name"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("name");
  }

  @Test
  void opaquesAreCheckedAgainstBoundOrExactLength() {
    Opaque three = Opaque.fromHex("010203");
    assertThat(XdrChecks.opaque(three, 3, "data")).isSameAs(three);
    assertThatThrownBy(() -> XdrChecks.opaque(three, 2, "data"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("data: opaque of 3 bytes exceeds its bound of 2");
    assertThat(XdrChecks.fixedOpaque(three, 3, "verf")).isSameAs(three);
    assertThatThrownBy(() -> XdrChecks.fixedOpaque(three, 4, "verf"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("verf: fixed opaque needs exactly 4 bytes, got 3");
    assertThatThrownBy(() -> XdrChecks.opaque(null, 2, "data"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("data");
    assertThatThrownBy(() -> XdrChecks.fixedOpaque(null, 2, "verf"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("verf");
  }

  @Test
  void arraysAreCheckedAndCopiedOnceIntoAnImmutableList() {
    List<Integer> mutable = new ArrayList<>(List.of(1, 2, 3));
    List<Integer> checked = XdrChecks.array(mutable, 3, "ints");
    mutable.set(0, 9);
    assertThat(checked).containsExactly(1, 2, 3);
    assertThatThrownBy(() -> checked.set(0, 5)).isInstanceOf(UnsupportedOperationException.class);
    // The runtime's own immutable lists (decoded ones too) pass through without a copy.
    assertThat(XdrChecks.array(checked, 3, "ints")).isSameAs(checked);
    assertThat(XdrChecks.fixedArray(checked, 3, "ints")).isSameAs(checked);
    assertThatThrownBy(() -> XdrChecks.array(checked, 2, "ints"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ints: array of 3 elements exceeds its bound of 2");
    assertThatThrownBy(() -> XdrChecks.fixedArray(checked, 4, "ints"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ints: fixed array needs exactly 4 elements, got 3");
    assertThatThrownBy(() -> XdrChecks.array(null, 2, "ints"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("ints");
    assertThatThrownBy(() -> XdrChecks.fixedArray(null, 2, "ints"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("ints");
    assertThatThrownBy(() -> XdrChecks.array(Arrays.asList(1, null), 2, "ints"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("ints: element 1 is null");
  }

  @Test
  void elementChecksApplyToEachElementAndMayAllowNull() {
    UnaryOperator<String> name = s -> XdrChecks.string(s, 3, "names");
    List<String> ok = XdrChecks.array(List.of("a", "abc"), 2, "names", name);
    assertThat(ok).containsExactly("a", "abc");
    assertThat(XdrChecks.array(ok, 2, "names", name)).isSameAs(ok);
    assertThatThrownBy(() -> XdrChecks.fixedArray(List.of("a", "abcd"), 2, "names", name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("names: string of 4 bytes exceeds its bound of 3");
    List<String> optional =
        XdrChecks.fixedArray(Arrays.asList("a", null), 2, "maybe", UnaryOperator.identity());
    assertThat(optional).containsExactly("a", null);
    // An element check that replaces an element (a nested list made immutable) makes a copy.
    List<List<Integer>> rows = List.of(new ArrayList<>(List.of(1)));
    List<List<Integer>> checked =
        XdrChecks.array(rows, 1, "rows", r -> XdrChecks.array(r, 1, "rows"));
    assertThat(checked).isEqualTo(rows);
    List<List<Integer>> again =
        XdrChecks.array(checked, 1, "rows", r -> XdrChecks.array(r, 1, "rows"));
    assertThat(again).isSameAs(checked);
    List<List<Integer>> replaced = XdrChecks.array(checked, 1, "rows", r -> List.of(2));
    assertThat(replaced).containsExactly(List.of(2));
    assertThat(checked).containsExactly(List.of(1));
  }

  @Test
  void decodedListsAreTheRuntimesImmutableOnes() {
    XdrEncoder out = new XdrEncoder();
    out.writeVariableArray(List.of(1, 2), 5, XdrCodec.INT);
    List<Integer> decoded = new XdrDecoder(out.toByteArray()).readVariableArray(5, XdrCodec.INT);
    assertThat(XdrChecks.array(decoded, 5, "ints")).isSameAs(decoded);
    assertThat(decoded.toArray()).containsExactly(1, 2);
    assertThat(decoded.toArray()).isNotSameAs(decoded.toArray());
  }

  /** A node of a linked list, as generated records are. */
  private record Link(int value, Link next) {
    static Link of(int... values) {
      Link head = null;
      for (int i = values.length - 1; i >= 0; i--) {
        head = new Link(values[i], head);
      }
      return head;
    }
  }

  private static boolean same(Link a, Link b) {
    return LinkedNodes.equals(a, b, Link::next, (x, y) -> x.value() == y.value());
  }

  private static int hash(Link head) {
    return LinkedNodes.hashCode(head, Link::next, Link::value);
  }

  private static String print(Link head) {
    return LinkedNodes.toString(
        head, Link::next, (s, n) -> s.append("Link[value=").append(n.value()).append(", next="));
  }

  @Test
  void linkedNodesCompareNodeByNode() {
    assertThat(same(Link.of(1, 2, 3), Link.of(1, 2, 3))).isTrue();
    assertThat(same(Link.of(1, 2, 3), Link.of(1, 2, 4))).isFalse();
    assertThat(same(Link.of(1, 2, 3), Link.of(1, 2))).isFalse();
    assertThat(same(Link.of(1, 2), Link.of(1, 2, 3))).isFalse();
    assertThat(same(Link.of(1), null)).isFalse();
    assertThat(same(null, null)).isTrue();
    Link tail = Link.of(2, 3);
    assertThat(same(new Link(1, tail), new Link(1, tail))).isTrue();
  }

  @Test
  void linkedNodesHashInOrder() {
    assertThat(hash(Link.of(1, 2, 3)))
        .isEqualTo(hash(Link.of(1, 2, 3)))
        .isEqualTo((31 * 1 + 2) * 31 + 3);
    assertThat(hash(Link.of(1, 2))).isNotEqualTo(hash(Link.of(2, 1)));
    assertThat(hash(null)).isZero();
  }

  @Test
  void linkedNodesPrintAsRecordsUpToALimit() {
    assertThat(print(Link.of(1, 2))).isEqualTo("Link[value=1, next=Link[value=2, next=null]]");
    assertThat(print(null)).isEqualTo("null");
    int[] hundred = new int[LinkedNodes.TO_STRING_NODES];
    assertThat(print(Link.of(hundred))).endsWith("next=null" + "]".repeat(100));
    int[] more = new int[LinkedNodes.TO_STRING_NODES + 2];
    assertThat(print(Link.of(more)))
        .startsWith("Link[value=0, next=Link[value=0, next=")
        .endsWith("Link[value=0, next=... 2 more" + "]".repeat(100))
        .hasSize(100 * "Link[value=0, next=".length() + "... 2 more".length() + 100);
  }

  @Test
  void linkedNodesViewAChainAsAList() {
    Link chain = new Link(1, new Link(2, new Link(3, null)));
    List<Link> list = LinkedNodes.asList(chain, Link::next);
    assertThat(list).hasSize(3);
    assertThat(list.stream().map(Link::value)).containsExactly(1, 2, 3);
    assertThat(list.get(0)).isSameAs(chain);
    assertThat(LinkedNodes.asList(null, Link::next)).isEmpty();
    assertThatThrownBy(() -> list.remove(0)).isInstanceOf(UnsupportedOperationException.class);
  }
}
