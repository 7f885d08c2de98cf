package io.jrpcgen.xdr;

import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The checks a value must pass to be encoded, in one place: generated records run them in their
 * constructors, so that a value beyond a declared bound fails at {@code new} (with an {@link
 * IllegalArgumentException} naming the component), and {@link XdrEncoder} runs the same checks,
 * with the same messages, on what it is handed directly (as an {@link XdrException}).
 */
public final class XdrChecks {
  private XdrChecks() {}

  /** Returns {@code value}: not null, and at most {@code maxLength} bytes on the wire. */
  public static String string(String value, int maxLength, String component) {
    Objects.requireNonNull(value, component);
    // Three bytes a char is the most the encoding takes: shorter strings need no byte count.
    if (value.length() > maxLength / 3) {
      throwIf(component, exceeds("string", XdrStrings.byteLength(value), maxLength));
    }
    return value;
  }

  /** Returns {@code value}: not null, and at most {@code maxLength} bytes. */
  public static Opaque opaque(Opaque value, int maxLength, String component) {
    Objects.requireNonNull(value, component);
    throwIf(component, exceeds("opaque", value.length(), maxLength));
    return value;
  }

  /** Returns {@code value}: not null, and exactly {@code length} bytes. */
  public static Opaque fixedOpaque(Opaque value, int length, String component) {
    Objects.requireNonNull(value, component);
    throwIf(component, fixedOpaqueMismatch(value.length(), length));
    return value;
  }

  /**
   * Returns {@code values} as an immutable list (itself when it already is one of the runtime's):
   * not null, at most {@code maxLength} elements, none of them null.
   */
  public static <T> List<T> array(List<T> values, int maxLength, String component) {
    return array(values, maxLength, component, null);
  }

  /**
   * As {@link #array(List, int, String)}, with each element replaced by what {@code element}
   * returns for it (which checks it, and decides whether null is allowed).
   */
  public static <T> List<T> array(
      List<T> values, int maxLength, String component, UnaryOperator<T> element) {
    Objects.requireNonNull(values, component);
    throwIf(component, exceeds("array", values.size(), maxLength));
    return elements(values, component, element);
  }

  /** As {@link #array(List, int, String)}, with exactly {@code length} elements. */
  public static <T> List<T> fixedArray(List<T> values, int length, String component) {
    return fixedArray(values, length, component, null);
  }

  /** As {@link #array(List, int, String, UnaryOperator)}, with exactly {@code length} elements. */
  public static <T> List<T> fixedArray(
      List<T> values, int length, String component, UnaryOperator<T> element) {
    Objects.requireNonNull(values, component);
    throwIf(component, fixedArrayMismatch(values.size(), length));
    return elements(values, component, element);
  }

  /** The error of an item of {@code length} bytes or elements past its bound, or null. */
  static String exceeds(String what, int length, int maxLength) {
    return length <= maxLength
        ? null
        : what
            + " of "
            + length
            + (what.equals("array") ? " elements" : " bytes")
            + " exceeds its bound of "
            + maxLength;
  }

  /** The error of a fixed opaque of {@code actual} bytes instead of {@code length}, or null. */
  static String fixedOpaqueMismatch(int actual, int length) {
    return actual == length
        ? null
        : "fixed opaque needs exactly " + length + " bytes, got " + actual;
  }

  /** The error of a fixed array of {@code actual} elements instead of {@code length}, or null. */
  static String fixedArrayMismatch(int actual, int length) {
    return actual == length
        ? null
        : "fixed array needs exactly " + length + " elements, got " + actual;
  }

  private static void throwIf(String component, String error) {
    if (error != null) {
      throw new IllegalArgumentException(component + ": " + error);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> List<T> elements(List<T> values, String component, UnaryOperator<T> element) {
    boolean own = values instanceof ImmutableArrayList<T>;
    Object[] items = own ? ((ImmutableArrayList<T>) values).items() : values.toArray();
    boolean copied = !own;
    for (int i = 0; i < items.length; i++) {
      Object checked = element != null ? element.apply((T) items[i]) : items[i];
      if (checked == null && element == null) {
        throw new NullPointerException(component + ": element " + i + " is null");
      }
      if (checked != items[i]) {
        if (!copied) {
          items = items.clone();
          copied = true;
        }
        items[i] = checked;
      }
    }
    return copied ? new ImmutableArrayList<>(items) : values;
  }
}
