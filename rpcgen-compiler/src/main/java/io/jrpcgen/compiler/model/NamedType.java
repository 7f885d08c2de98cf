package io.jrpcgen.compiler.model;

import io.jrpcgen.compiler.diag.SourcePos;
import java.util.ArrayList;
import java.util.List;

/**
 * A struct, union or enum of the schema: what becomes a Java type. Built in two steps (declared,
 * then completed) because types may refer to each other in cycles.
 */
public abstract sealed class NamedType permits NamedType.Struct, NamedType.Union, NamedType.Enum {
  private final String name;
  private final SourcePos pos;
  private long minEncodedSize = -1;

  NamedType(String name, SourcePos pos) {
    this.name = name;
    this.pos = pos;
  }

  /** The name in the {@code .x} file (synthesized for anonymous inline types). */
  public String name() {
    return name;
  }

  /** Where it is defined. */
  public SourcePos pos() {
    return pos;
  }

  /** The fewest bytes a value takes; capped so recursive types stay finite to compute. */
  public long minEncodedSize() {
    if (minEncodedSize < 0) {
      minEncodedSize = 0; // a recursive use while computing counts as empty
      minEncodedSize = Math.min(computeMinSize(), Integer.MAX_VALUE);
    }
    return minEncodedSize;
  }

  abstract long computeMinSize();

  /**
   * A member of a struct, a union arm's value, a union's discriminant, or a procedure's parameter.
   * Records compare by value, so the naming pass keys its names by identity.
   */
  public record Field(String name, XdrType type, SourcePos pos) {}

  /** A struct: a record. */
  public static final class Struct extends NamedType {
    private final List<Field> fields = new ArrayList<>();

    Struct(String name, SourcePos pos) {
      super(name, pos);
    }

    /** The members in order. */
    public List<Field> fields() {
      return fields;
    }

    void add(Field f) {
      fields.add(f);
    }

    /**
     * The last member when it chains values into a list (a {@code T *} of this very struct), or
     * null. Such lists are encoded and decoded in a loop, so their length never costs stack.
     */
    public Field listTail() {
      if (fields.isEmpty()) {
        return null;
      }
      Field last = fields.get(fields.size() - 1);
      return last.type() instanceof XdrType.Optional o
              && o.element() instanceof XdrType.Ref r
              && r.target() == this
          ? last
          : null;
    }

    @Override
    long computeMinSize() {
      return fields.stream().mapToLong(f -> f.type().minEncodedSize()).sum();
    }
  }

  /** A case value of a union arm, with the constant it was written as, if any. */
  public record CaseValue(long value, String constant, SourcePos pos) {}

  /** One arm of a union: its case values (empty for default) and its field (null: void). */
  public record Arm(List<CaseValue> values, Field field, SourcePos pos) {
    /** Whether this is the {@code default} arm. */
    public boolean isDefault() {
      return values.isEmpty();
    }
  }

  /** A discriminated union: a sealed interface with a record per arm. */
  public static final class Union extends NamedType {
    private Field discriminant;
    private final List<Arm> arms = new ArrayList<>();

    Union(String name, SourcePos pos) {
      super(name, pos);
    }

    /** The discriminant. */
    public Field discriminant() {
      return discriminant;
    }

    /** The arms in order, the default arm (if any) last. */
    public List<Arm> arms() {
      return arms;
    }

    void discriminant(Field f) {
      discriminant = f;
    }

    void add(Arm arm) {
      arms.add(arm);
    }

    @Override
    long computeMinSize() {
      long min = Long.MAX_VALUE;
      for (Arm a : arms) {
        min = Math.min(min, a.field() == null ? 0 : a.field().type().minEncodedSize());
      }
      return 4 + (min == Long.MAX_VALUE ? 0 : min);
    }
  }

  /** One enumerator. */
  public record Constant(String name, int value, SourcePos pos) {}

  /** An enum: a Java enum. */
  @SuppressWarnings("JavaLangClash") // the XDR construct, always written NamedType.Enum
  public static final class Enum extends NamedType {
    private final List<Constant> constants = new ArrayList<>();

    Enum(String name, SourcePos pos) {
      super(name, pos);
    }

    /** The enumerators in order. */
    public List<Constant> constants() {
      return constants;
    }

    void add(Constant c) {
      constants.add(c);
    }

    @Override
    long computeMinSize() {
      return 4;
    }
  }
}
