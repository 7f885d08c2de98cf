package io.jrpcgen.compiler.model;

/** A resolved type use: typedefs are gone, named types are referenced by their definition. */
public sealed interface XdrType {
  /** The bound of {@code <>}: the most a Java array or list can hold. */
  int UNBOUNDED = Integer.MAX_VALUE;

  /** The fewest bytes a value takes on the wire. */
  long minEncodedSize();

  /** A number or boolean. */
  record Primitive(Kind kind) implements XdrType {
    /** The primitive kinds, with their wire size. */
    public enum Kind {
      INT(4),
      UNSIGNED_INT(4),
      HYPER(8),
      UNSIGNED_HYPER(8),
      FLOAT(4),
      DOUBLE(8),
      QUADRUPLE(16),
      BOOL(4);

      private final int size;

      Kind(int size) {
        this.size = size;
      }

      /** Bytes on the wire. */
      public int size() {
        return size;
      }
    }

    @Override
    public long minEncodedSize() {
      return kind.size();
    }
  }

  /**
   * {@code opaque[size]} when fixed, else {@code opaque<size>}; {@code sizeConstant} is the {@code
   * const} the size was written as, or null.
   */
  record Opaque(boolean fixed, int size, String sizeConstant) implements XdrType {
    public Opaque(boolean fixed, int size) {
      this(fixed, size, null);
    }

    @Override
    public long minEncodedSize() {
      return fixed ? (size + 3L) & ~3L : 4;
    }
  }

  /**
   * {@code string<bound>}; {@code boundConstant} is the {@code const} it was written as, or null.
   */
  record Text(int bound, String boundConstant) implements XdrType {
    public Text(int bound) {
      this(bound, null);
    }

    @Override
    public long minEncodedSize() {
      return 4;
    }
  }

  /**
   * {@code T[size]} when fixed, else {@code T<size>}; {@code sizeConstant} is the {@code const} the
   * size was written as, or null.
   */
  record Array(XdrType element, boolean fixed, int size, String sizeConstant) implements XdrType {
    @Override
    public long minEncodedSize() {
      return fixed ? size * element.minEncodedSize() : 4;
    }
  }

  /** {@code T *}. */
  record Optional(XdrType element) implements XdrType {
    @Override
    public long minEncodedSize() {
      return 4;
    }
  }

  /** A struct, union or enum, by name. */
  record Ref(NamedType target) implements XdrType {
    @Override
    public long minEncodedSize() {
      return target.minEncodedSize();
    }

    @Override
    public String toString() {
      return "Ref[" + target.name() + "]";
    }
  }

  /** A type defined outside the file, mapped to a Java class with a {@code CODEC}. */
  record External(String name, String javaClass) implements XdrType {
    @Override
    public long minEncodedSize() {
      return 0;
    }
  }

  /** {@code void}. */
  @SuppressWarnings("JavaLangClash") // the XDR construct, always written XdrType.Void
  record Void() implements XdrType {
    @Override
    public long minEncodedSize() {
      return 0;
    }
  }
}
