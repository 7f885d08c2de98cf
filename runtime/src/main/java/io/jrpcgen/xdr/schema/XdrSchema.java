package io.jrpcgen.xdr.schema;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The named types of an {@code .x} file (structs, unions, enums and typedefs) by their {@code .x}
 * names: what a {@link XdrShape.Ref} refers to. Immutable; build one with {@link #builder()}.
 */
public final class XdrSchema {
  private final Map<String, XdrShape> types;

  private XdrSchema(Map<String, XdrShape> types) {
    this.types = Collections.unmodifiableMap(new LinkedHashMap<>(types));
  }

  /** A builder of a schema. */
  public static Builder builder() {
    return new Builder();
  }

  /** The named types in the order they were added. */
  public Map<String, XdrShape> types() {
    return types;
  }

  /**
   * The shape named {@code name}, with typedef chains followed to a struct, union, enum or unnamed
   * shape.
   *
   * @throws IllegalArgumentException if there is no such type
   */
  public XdrShape shape(String name) {
    XdrShape shape = types.get(name);
    if (shape == null) {
      throw new IllegalArgumentException(
          "no type '"
              + name
              + "' in the schema (it has: "
              + String.join(", ", types.keySet())
              + ")");
    }
    return resolve(shape);
  }

  /** {@code shape}, or what it refers to if it is a {@link XdrShape.Ref}. */
  public XdrShape resolve(XdrShape shape) {
    XdrShape s = shape;
    for (int hops = 0; s instanceof XdrShape.Ref r; hops++) {
      if (hops > types.size()) {
        throw new IllegalArgumentException("typedef cycle through '" + r.name() + "'");
      }
      s = types.get(r.name());
      if (s == null) {
        throw new IllegalArgumentException("undefined type '" + r.name() + "'");
      }
    }
    return s;
  }

  /** Collects named types. */
  public static final class Builder {
    private final Map<String, XdrShape> types = new LinkedHashMap<>();

    private Builder() {}

    /** Adds the type {@code name}; a second type of one name is an error. */
    public Builder type(String name, XdrShape shape) {
      if (types.putIfAbsent(name, shape) != null) {
        throw new IllegalArgumentException("type '" + name + "' defined twice");
      }
      return this;
    }

    /**
     * The schema.
     *
     * @throws IllegalArgumentException if a {@link XdrShape.Ref} names no type added
     */
    public XdrSchema build() {
      for (XdrShape s : types.values()) {
        checkRefs(s);
      }
      return new XdrSchema(types);
    }

    private void checkRefs(XdrShape shape) {
      if (shape instanceof XdrShape.Ref r && !types.containsKey(r.name())) {
        throw new IllegalArgumentException("undefined type '" + r.name() + "'");
      } else if (shape instanceof XdrShape.Array a) {
        checkRefs(a.element());
      } else if (shape instanceof XdrShape.Optional o) {
        checkRefs(o.element());
      } else if (shape instanceof XdrShape.Struct s) {
        s.members().forEach(m -> checkRefs(m.shape()));
      } else if (shape instanceof XdrShape.Union u) {
        checkRefs(u.discriminant().shape());
        u.arms().stream()
            .filter(a -> a.member() != null)
            .forEach(a -> checkRefs(a.member().shape()));
      }
    }
  }
}
