package io.jrpcgen.compiler.model;

import io.jrpcgen.xdr.schema.XdrSchema;
import io.jrpcgen.xdr.schema.XdrShape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The resolved schema as the runtime's {@link XdrSchema}: the shapes that drive the JSON form and
 * random values. A type that reaches an external ({@code -T}) type has no shape, since its encoding
 * is the external class's business; it is left out.
 */
public final class Shapes {
  private final Map<NamedType, Boolean> external = new HashMap<>();

  private Shapes() {}

  /** The named types (structs, unions, enums, typedefs) of {@code schema} that have a shape. */
  public static XdrSchema of(Schema schema) {
    return new Shapes().build(schema);
  }

  private XdrSchema build(Schema schema) {
    Map<String, XdrShape> types = new LinkedHashMap<>();
    for (NamedType t : schema.types()) {
      if (!reachesExternal(t)) {
        types.put(t.name(), named(t));
      }
    }
    for (Schema.Typedef t : schema.typedefs()) {
      if (!reachesExternal(t.type())) {
        types.putIfAbsent(t.name(), shape(t.type()));
      }
    }
    XdrSchema.Builder b = XdrSchema.builder();
    types.forEach(b::type);
    return b.build();
  }

  /** Whether {@code t} has no shape, because an external type is part of it. */
  public boolean reachesExternal(NamedType t) {
    Boolean known = external.get(t);
    if (known != null) {
      return known;
    }
    external.put(t, false); // a cycle back to t adds nothing
    boolean reaches = false;
    if (t instanceof NamedType.Struct s) {
      reaches = s.fields().stream().anyMatch(f -> reachesExternal(f.type()));
    } else if (t instanceof NamedType.Union u) {
      reaches =
          u.arms().stream().anyMatch(a -> a.field() != null && reachesExternal(a.field().type()));
    }
    external.put(t, reaches);
    return reaches;
  }

  private boolean reachesExternal(XdrType t) {
    if (t instanceof XdrType.External) {
      return true;
    } else if (t instanceof XdrType.Array a) {
      return reachesExternal(a.element());
    } else if (t instanceof XdrType.Optional o) {
      return reachesExternal(o.element());
    } else if (t instanceof XdrType.Ref r) {
      return reachesExternal(r.target());
    }
    return false;
  }

  private static XdrShape named(NamedType t) {
    if (t instanceof NamedType.Struct s) {
      List<XdrShape.Member> members = new ArrayList<>();
      s.fields().forEach(f -> members.add(member(f)));
      return new XdrShape.Struct(members);
    } else if (t instanceof NamedType.Union u) {
      List<XdrShape.Arm> arms = new ArrayList<>();
      for (NamedType.Arm a : u.arms()) {
        List<Integer> values = new ArrayList<>();
        a.values().forEach(v -> values.add((int) v.value()));
        arms.add(new XdrShape.Arm(values, a.field() == null ? null : member(a.field())));
      }
      return new XdrShape.Union(member(u.discriminant()), arms);
    }
    List<XdrShape.Enumerator> enumerators = new ArrayList<>();
    ((NamedType.Enum) t)
        .constants()
        .forEach(c -> enumerators.add(new XdrShape.Enumerator(c.name(), c.value())));
    return new XdrShape.Enum(enumerators);
  }

  private static XdrShape.Member member(NamedType.Field f) {
    return new XdrShape.Member(f.name(), shape(f.type()));
  }

  /**
   * The shape of a type use.
   *
   * @throws IllegalArgumentException if it is or contains an external type
   */
  public static XdrShape shape(XdrType t) {
    if (t instanceof XdrType.Primitive p) {
      return new XdrShape.Primitive(XdrShape.Primitive.Kind.valueOf(p.kind().name()));
    } else if (t instanceof XdrType.Opaque o) {
      return new XdrShape.Opaque(o.fixed(), o.size());
    } else if (t instanceof XdrType.Text s) {
      return new XdrShape.Text(s.bound());
    } else if (t instanceof XdrType.Array a) {
      return new XdrShape.Array(shape(a.element()), a.fixed(), a.size());
    } else if (t instanceof XdrType.Optional o) {
      return new XdrShape.Optional(shape(o.element()));
    } else if (t instanceof XdrType.Ref r) {
      return new XdrShape.Ref(r.target().name());
    } else if (t instanceof XdrType.Void) {
      return new XdrShape.Void();
    }
    throw new IllegalArgumentException("no shape for the external type " + t);
  }
}
