package io.jrpcgen.compiler.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import io.jrpcgen.compiler.model.NamedType;
import io.jrpcgen.compiler.model.Schema;
import io.jrpcgen.compiler.model.Shapes;
import io.jrpcgen.compiler.naming.Names;
import io.jrpcgen.xdr.schema.XdrSchema;
import io.jrpcgen.xdr.schema.XdrShape;
import java.util.Map;
import javax.lang.model.element.Modifier;

/**
 * The per-file schema class: the {@code .x} types as the runtime's shapes, and a binding per
 * struct, union, enum and typedef that gives its values a JSON form and random values.
 */
final class SchemaEmitter {
  private static final String XDR_SCHEMA_PACKAGE = "io.jrpcgen.xdr.schema";
  private static final ClassName XDR_SCHEMA = ClassName.get(XDR_SCHEMA_PACKAGE, "XdrSchema");
  static final ClassName XDR_SHAPE = ClassName.get(XDR_SCHEMA_PACKAGE, "XdrShape");
  private static final ClassName XDR_BINDING = ClassName.get(XDR_SCHEMA_PACKAGE, "XdrBinding");
  static final String[] SHAPE_FACTORIES = {
    "INT",
    "UNSIGNED_INT",
    "HYPER",
    "UNSIGNED_HYPER",
    "FLOAT",
    "DOUBLE",
    "QUADRUPLE",
    "BOOL",
    "VOID",
    "UNBOUNDED",
    "struct",
    "member",
    "enumOf",
    "enumerator",
    "union",
    "arm",
    "defaultArm",
    "ref",
    "optional",
    "fixedOpaque",
    "opaque",
    "string",
    "fixedArray",
    "array"
  };

  private final TypeMapper types;
  private final Names names;

  SchemaEmitter(TypeMapper types) {
    this.types = types;
    this.names = types.names();
  }

  /** The class, or null when no type of the file has a shape. */
  TypeSpec emit(Schema schema, String pkg) {
    XdrSchema shapes = Shapes.of(schema);
    if (shapes.types().isEmpty()) {
      return null;
    }
    ClassName self = ClassName.get(pkg, names.schemaClass());
    CodeBlock.Builder build = CodeBlock.builder().add("$T.builder()", XDR_SCHEMA).indent();
    for (Map.Entry<String, XdrShape> t : shapes.types().entrySet()) {
      build.add("\n.type($S,$W$L)", t.getKey(), shape(t.getValue()));
    }
    build.add("\n.build()").unindent();
    TypeSpec.Builder b =
        types
            .qualifying(TypeSpec.classBuilder(self))
            .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
            .addJavadoc(
                "The types of $L as shapes.\n\n<p>A binding per struct, union, enum and"
                    + " typedef gives its values\na JSON form and random values.\n",
                Docs.fileName(schema.file()))
            .addField(
                FieldSpec.builder(
                        XDR_SCHEMA, "SCHEMA", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                    .addJavadoc("The structs, unions, enums and typedefs by their .x names.\n")
                    .initializer(build.build())
                    .build());
    for (NamedType t : schema.types()) {
      if (shapes.types().containsKey(t.name())) { // else it contains a -T type, unknown here
        ClassName type = types.className(t);
        // The codec is qualified: a field named like its type (U for union u) would hide it.
        b.addField(
            binding(
                type, names.binding(t), t.name(), CodeBlock.of("$L.CODEC", type.canonicalName())));
      }
    }
    ClassName typedefs = ClassName.get(pkg, names.typedefsClass());
    for (Schema.Typedef t : schema.typedefs()) {
      if (shapes.types().containsKey(t.name())) { // else it reaches a -T type
        b.addField(
            binding(
                types.javaType(t.type()).box(),
                names.binding(t),
                t.name(),
                CodeBlock.of("$T.$N", typedefs, names.typedef(t))));
      }
    }
    return b.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build())
        .build();
  }

  private static FieldSpec binding(TypeName type, String field, String name, CodeBlock codec) {
    return FieldSpec.builder(
            ParameterizedTypeName.get(XDR_BINDING, type),
            field,
            Modifier.PUBLIC,
            Modifier.STATIC,
            Modifier.FINAL)
        .addJavadoc("{@code $L}: JSON and random values.\n", name)
        // $Z: a long type and name may leave no room for the initializer on their line.
        .initializer("$Znew $T<>(SCHEMA,$W$S,$W$L)", XDR_BINDING, name, codec)
        .build();
  }

  private static CodeBlock shape(XdrShape s) {
    if (s instanceof XdrShape.Primitive p) {
      return CodeBlock.of("$L", p.kind().name());
    } else if (s instanceof XdrShape.Opaque o) {
      return CodeBlock.of("$L($L)", o.fixed() ? "fixedOpaque" : "opaque", size(o.size()));
    } else if (s instanceof XdrShape.Text t) {
      return CodeBlock.of("string($L)", size(t.bound()));
    } else if (s instanceof XdrShape.Array a) {
      return CodeBlock.of(
          "$L($L,$W$L)", a.fixed() ? "fixedArray" : "array", shape(a.element()), size(a.size()));
    } else if (s instanceof XdrShape.Optional o) {
      return CodeBlock.of("optional($L)", shape(o.element()));
    } else if (s instanceof XdrShape.Ref r) {
      return CodeBlock.of("ref($S)", r.name());
    } else if (s instanceof XdrShape.Struct st) {
      return CodeBlock.of(
          "struct($L)",
          CodeBlock.join(st.members().stream().map(SchemaEmitter::member).toList(), ",$W"));
    } else if (s instanceof XdrShape.Enum e) {
      return CodeBlock.of(
          "enumOf($L)",
          CodeBlock.join(
              e.enumerators().stream()
                  .map(x -> CodeBlock.of("enumerator($S,$W$L)", x.name(), x.value()))
                  .toList(),
              ",$W"));
    } else if (s instanceof XdrShape.Union u) {
      CodeBlock.Builder arms = CodeBlock.builder();
      for (XdrShape.Arm a : u.arms()) {
        CodeBlock m = a.member() == null ? CodeBlock.of("null") : member(a.member());
        arms.add(",$W");
        if (a.isDefault()) {
          arms.add("defaultArm($L)", m);
        } else {
          arms.add(
              "arm($L,$W$L)",
              m,
              CodeBlock.join(a.values().stream().map(v -> CodeBlock.of("$L", v)).toList(), ",$W"));
        }
      }
      return CodeBlock.of("union($L$L)", member(u.discriminant()), arms.build());
    }
    return CodeBlock.of("VOID");
  }

  private static CodeBlock member(XdrShape.Member m) {
    return CodeBlock.of("member($S,$W$L)", m.name(), shape(m.shape()));
  }

  private static CodeBlock size(int size) {
    return size == XdrShape.UNBOUNDED ? CodeBlock.of("UNBOUNDED") : CodeBlock.of("$L", size);
  }
}
