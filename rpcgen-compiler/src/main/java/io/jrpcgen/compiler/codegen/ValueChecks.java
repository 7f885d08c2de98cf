package io.jrpcgen.compiler.codegen;

import static io.jrpcgen.compiler.codegen.RuntimeNames.OBJECTS;
import static io.jrpcgen.compiler.codegen.RuntimeNames.UNARY_OPERATOR;
import static io.jrpcgen.compiler.codegen.RuntimeNames.XDR_CHECKS;

import com.palantir.javapoet.CodeBlock;
import io.jrpcgen.compiler.model.NamedType;
import io.jrpcgen.compiler.model.XdrType;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a record's compact constructor checks, so that a value the encoder would refuse fails at
 * {@code new}: bounds and fixed lengths (with the encoder's messages, from the runtime's {@code
 * XdrChecks}), nulls where the .x has no {@code *}, and lists made immutable.
 */
final class ValueChecks {
  private final TypeMapper types;

  ValueChecks(TypeMapper types) {
    this.types = types;
  }

  /** How a component is checked. */
  private enum Kind {
    NONE,
    NON_NULL,
    /** An expression that checks and returns the same value. */
    CHECKS,
    /** An expression that checks and returns the value to keep (an immutable list). */
    REPLACES
  }

  private record Check(Kind kind, CodeBlock expression) {}

  /** The compact constructor's statements for {@code fields}; empty when nothing is checked. */
  CodeBlock statements(List<NamedType.Field> fields) {
    Set<String> components = new HashSet<>();
    fields.forEach(f -> components.add(types.names().field(f)));
    CodeBlock.Builder code = CodeBlock.builder();
    for (NamedType.Field f : fields) {
      String component = types.names().field(f);
      CodeBlock value = CodeBlock.of("$N", component);
      Check check = check(f.type(), value, component, components);
      switch (check.kind()) {
        case NONE -> {}
        case NON_NULL -> code.addStatement("$T.requireNonNull($L,$W$S)", OBJECTS, value, component);
        case CHECKS -> code.addStatement("$L", check.expression());
        case REPLACES -> code.addStatement("$L = $L", value, check.expression());
      }
    }
    return code.build();
  }

  private Check check(XdrType t, CodeBlock value, String component, Set<String> names) {
    if (t instanceof XdrType.Primitive p) {
      return p.kind() == XdrType.Primitive.Kind.QUADRUPLE ? nonNull() : none();
    } else if (t instanceof XdrType.Opaque o) {
      if (o.fixed()) {
        return checks("$T.fixedOpaque($L,$W$L,$W$S)", XDR_CHECKS, value, types.bound(o), component);
      }
      return o.size() == XdrType.UNBOUNDED
          ? nonNull()
          : checks("$T.opaque($L,$W$L,$W$S)", XDR_CHECKS, value, types.bound(o), component);
    } else if (t instanceof XdrType.Text s) {
      return s.bound() == XdrType.UNBOUNDED
          ? nonNull()
          : checks("$T.string($L,$W$L,$W$S)", XDR_CHECKS, value, types.bound(s), component);
    } else if (t instanceof XdrType.Array a) {
      CodeBlock element = elementCheck(a.element(), component, names);
      return new Check(
          Kind.REPLACES,
          CodeBlock.of(
              "$T.$L($L,$W$L,$W$S$L)",
              XDR_CHECKS,
              a.fixed() ? "fixedArray" : "array",
              value,
              types.bound(a),
              component,
              element == null ? CodeBlock.of("") : CodeBlock.of(",$W$L", element)));
    } else if (t instanceof XdrType.Optional o) {
      Check present = check(o.element(), value, component, names);
      return present.kind() == Kind.NONE || present.kind() == Kind.NON_NULL
          ? none()
          : new Check(
              Kind.REPLACES, CodeBlock.of("$L == null ? null :$W$L", value, present.expression()));
    } else if (t instanceof XdrType.Void) {
      return none();
    }
    return nonNull();
  }

  /**
   * The operator that checks each element of an array, or null when the runtime's default (no null
   * elements) is all there is to check.
   */
  private CodeBlock elementCheck(XdrType element, String component, Set<String> names) {
    String name = unused(names, "element");
    CodeBlock value = CodeBlock.of("$N", name);
    Set<String> inner = new HashSet<>(names);
    inner.add(name);
    if (element instanceof XdrType.Optional o) {
      Check present = check(o.element(), value, component, inner);
      return present.kind() == Kind.NONE || present.kind() == Kind.NON_NULL
          ? CodeBlock.of("$T.identity()", UNARY_OPERATOR)
          : CodeBlock.of("$N -> $N == null ? null :$W$L", name, name, present.expression());
    }
    Check check = check(element, value, component, inner);
    return check.kind() == Kind.NONE || check.kind() == Kind.NON_NULL
        ? null
        : CodeBlock.of("$N -> $L", name, check.expression());
  }

  private static String unused(Set<String> names, String base) {
    String name = base;
    for (int i = 2; names.contains(name); i++) {
      name = base + i;
    }
    return name;
  }

  private static Check none() {
    return new Check(Kind.NONE, null);
  }

  private static Check nonNull() {
    return new Check(Kind.NON_NULL, null);
  }

  private static Check checks(String format, Object... args) {
    return new Check(Kind.CHECKS, CodeBlock.of(format, args));
  }
}
