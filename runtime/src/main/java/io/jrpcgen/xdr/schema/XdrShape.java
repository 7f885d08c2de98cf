package io.jrpcgen.xdr.schema;

import java.util.List;
import java.util.Objects;

/**
 * The wire shape of an XDR type, as an {@code .x} file declares it: what {@link XdrJson} and {@link
 * XdrRandom} are driven by. Names are the {@code .x} names; named types are referred to with {@link
 * Ref} and looked up in an {@link XdrSchema}, so shapes may be recursive.
 */
public sealed interface XdrShape {
  /** The bound of {@code <>}. */
  int UNBOUNDED = Integer.MAX_VALUE;

  /** {@code int}. */
  XdrShape INT = new Primitive(Primitive.Kind.INT);

  /** {@code unsigned int}. */
  XdrShape UNSIGNED_INT = new Primitive(Primitive.Kind.UNSIGNED_INT);

  /** {@code hyper}. */
  XdrShape HYPER = new Primitive(Primitive.Kind.HYPER);

  /** {@code unsigned hyper}. */
  XdrShape UNSIGNED_HYPER = new Primitive(Primitive.Kind.UNSIGNED_HYPER);

  /** {@code float}. */
  XdrShape FLOAT = new Primitive(Primitive.Kind.FLOAT);

  /** {@code double}. */
  XdrShape DOUBLE = new Primitive(Primitive.Kind.DOUBLE);

  /** {@code quadruple}. */
  XdrShape QUADRUPLE = new Primitive(Primitive.Kind.QUADRUPLE);

  /** {@code bool}. */
  XdrShape BOOL = new Primitive(Primitive.Kind.BOOL);

  /** {@code void}. */
  XdrShape VOID = new Void();

  /** A struct of {@code members}. */
  static XdrShape struct(Member... members) {
    return new Struct(List.of(members));
  }

  /** A struct member, discriminant or arm. */
  static Member member(String name, XdrShape shape) {
    return new Member(name, shape);
  }

  /** An enum of {@code enumerators}. */
  static XdrShape enumOf(Enumerator... enumerators) {
    return new Enum(List.of(enumerators));
  }

  /** An enumerator. */
  static Enumerator enumerator(String name, int value) {
    return new Enumerator(name, value);
  }

  /** A union. */
  static XdrShape union(Member discriminant, Arm... arms) {
    return new Union(discriminant, List.of(arms));
  }

  /** An arm for {@code values}; {@code member} null for void. */
  static Arm arm(Member member, Integer... values) {
    return new Arm(List.of(values), member);
  }

  /** The default arm; {@code member} null for void. */
  static Arm defaultArm(Member member) {
    return new Arm(List.of(), member);
  }

  /** A named type. */
  static XdrShape ref(String name) {
    return new Ref(name);
  }

  /** {@code T *}. */
  static XdrShape optional(XdrShape element) {
    return new Optional(element);
  }

  /** {@code opaque[size]}. */
  static XdrShape fixedOpaque(int size) {
    return new Opaque(true, size);
  }

  /** {@code opaque<bound>}. */
  static XdrShape opaque(int bound) {
    return new Opaque(false, bound);
  }

  /** {@code string<bound>}. */
  static XdrShape string(int bound) {
    return new Text(bound);
  }

  /** {@code T[size]}. */
  static XdrShape fixedArray(XdrShape element, int size) {
    return new Array(element, true, size);
  }

  /** {@code T<bound>}. */
  static XdrShape array(XdrShape element, int bound) {
    return new Array(element, false, bound);
  }

  /** A number or boolean. */
  record Primitive(Kind kind) implements XdrShape {
    /** The primitive kinds. */
    public enum Kind {
      INT,
      UNSIGNED_INT,
      HYPER,
      UNSIGNED_HYPER,
      FLOAT,
      DOUBLE,
      QUADRUPLE,
      BOOL
    }

    public Primitive {
      Objects.requireNonNull(kind, "kind");
    }
  }

  /** {@code opaque[size]} when fixed, else {@code opaque<size>}. */
  record Opaque(boolean fixed, int size) implements XdrShape {
    public Opaque {
      checkSize(size);
    }
  }

  /** {@code string<bound>}: the bound counts bytes. */
  record Text(int bound) implements XdrShape {
    public Text {
      checkSize(bound);
    }
  }

  /** {@code T[size]} when fixed, else {@code T<size>}. */
  record Array(XdrShape element, boolean fixed, int size) implements XdrShape {
    public Array {
      Objects.requireNonNull(element, "element");
      checkSize(size);
    }
  }

  /** {@code T *}: absent or present. */
  record Optional(XdrShape element) implements XdrShape {
    public Optional {
      Objects.requireNonNull(element, "element");
    }
  }

  /** A named type (struct, union, enum or typedef) of the schema. */
  record Ref(String name) implements XdrShape {
    public Ref {
      Objects.requireNonNull(name, "name");
    }
  }

  /** {@code void}: no bytes. */
  record Void() implements XdrShape {}

  /** A struct member, a union's discriminant or arm. */
  record Member(String name, XdrShape shape) {
    public Member {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(shape, "shape");
    }
  }

  /** The members in order. */
  record Struct(List<Member> members) implements XdrShape {
    public Struct {
      members = List.copyOf(members);
    }

    /**
     * Whether the last member is a {@code T *} of the struct named {@code self}: such a struct is a
     * linked list, whose JSON form is an array of nodes (see {@link XdrJson}).
     */
    public boolean isListOf(String self) {
      return !members.isEmpty()
          && members.get(members.size() - 1).shape() instanceof Optional o
          && o.element() instanceof Ref r
          && r.name().equals(self);
    }
  }

  /** One enumerator. */
  record Enumerator(String name, int value) {
    public Enumerator {
      Objects.requireNonNull(name, "name");
    }
  }

  /** An enum: only its enumerators are valid values. */
  record Enum(List<Enumerator> enumerators) implements XdrShape {
    public Enum {
      enumerators = List.copyOf(enumerators);
    }

    /** The enumerator with {@code value}, or null. */
    public Enumerator byValue(int value) {
      for (Enumerator e : enumerators) {
        if (e.value() == value) {
          return e;
        }
      }
      return null;
    }

    /** The enumerator named {@code name}, or null. */
    public Enumerator byName(String name) {
      for (Enumerator e : enumerators) {
        if (e.name().equals(name)) {
          return e;
        }
      }
      return null;
    }
  }

  /**
   * One arm of a union: the discriminant values that select it (as int bit patterns; empty for
   * {@code default}) and its member, or null for a {@code void} arm.
   */
  record Arm(List<Integer> values, Member member) {
    public Arm {
      values = List.copyOf(values);
    }

    /** Whether this is the {@code default} arm. */
    public boolean isDefault() {
      return values.isEmpty();
    }
  }

  /** A discriminated union; at most one default arm, which is last. */
  record Union(Member discriminant, List<Arm> arms) implements XdrShape {
    public Union {
      Objects.requireNonNull(discriminant, "discriminant");
      arms = List.copyOf(arms);
    }

    /** The arm {@code value} selects, or null if none does. */
    public Arm armFor(int value) {
      Arm fallback = null;
      for (Arm a : arms) {
        if (a.isDefault()) {
          fallback = a;
        } else if (a.values().contains(value)) {
          return a;
        }
      }
      return fallback;
    }
  }

  private static void checkSize(int size) {
    if (size < 0) {
      throw new IllegalArgumentException("size < 0: " + size);
    }
  }
}
