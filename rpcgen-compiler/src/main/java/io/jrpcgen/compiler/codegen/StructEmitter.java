package io.jrpcgen.compiler.codegen;

import static io.jrpcgen.compiler.codegen.RuntimeNames.ARRAYS;
import static io.jrpcgen.compiler.codegen.RuntimeNames.LINKED_NODES;
import static io.jrpcgen.compiler.codegen.RuntimeNames.LIST;
import static io.jrpcgen.compiler.codegen.RuntimeNames.OBJECTS;
import static io.jrpcgen.compiler.codegen.RuntimeNames.XDR_CODEC;
import static io.jrpcgen.compiler.codegen.RuntimeNames.XDR_DECODER;
import static io.jrpcgen.compiler.codegen.RuntimeNames.XDR_ENCODER;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import io.jrpcgen.compiler.model.NamedType;
import io.jrpcgen.compiler.naming.Names;
import io.jrpcgen.compiler.naming.Naming;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/** A struct as a record with a {@code CODEC}, and a linked list's codec as a loop. */
final class StructEmitter {
  /** The first capacity of the arrays a linked list's values are read into. */
  private static final int FIRST_CAPACITY = 16;

  private final TypeMapper types;
  private final Names names;
  private final ValueChecks checks;

  StructEmitter(TypeMapper types) {
    this.types = types;
    this.names = types.names();
    this.checks = new ValueChecks(types);
  }

  TypeSpec emit(NamedType.Struct struct) {
    ClassName name = types.className(struct);
    return recordWithCodec(
            name,
            struct.fields(),
            struct.listTail(),
            Docs.cite("struct " + struct.name(), struct.pos()),
            struct.minEncodedSize())
        .build();
  }

  /**
   * A public record of {@code fields} with static {@code encode}/{@code decode} and a {@code
   * CODEC}; also used for the arguments of multi-argument procedures.
   */
  TypeSpec.Builder recordWithCodec(
      ClassName name,
      List<NamedType.Field> fields,
      NamedType.Field listTail,
      String javadoc,
      long minSize) {
    MethodSpec.Builder constructor = MethodSpec.constructorBuilder();
    for (NamedType.Field f : fields) {
      constructor.addParameter(types.javaType(f.type()), names.field(f));
    }
    TypeSpec.Builder record =
        types
            .qualifying(TypeSpec.recordBuilder(name.simpleName()))
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc(javadoc)
            .recordConstructor(constructor.build())
            .addField(codecField(name, minSize));
    CodeBlock checked = checks.statements(fields);
    if (!checked.isEmpty()) {
      record.addMethod(
          MethodSpec.compactConstructorBuilder()
              .addModifiers(Modifier.PUBLIC)
              .addCode(checked)
              .build());
    }
    if (fields.size() >= Naming.WITHERS_FROM) {
      for (NamedType.Field f : fields) {
        record.addMethod(wither(name, fields, f));
      }
    }
    if (listTail != null) {
      record
          .addMethod(asList(name, listTail))
          .addMethod(listEquals(name, fields))
          .addMethod(listHashCode(name, fields))
          .addMethod(listToString(name, fields));
    }
    record.addMethod(listTail == null ? encode(name, fields) : encodeList(name, fields));
    record.addMethod(listTail == null ? decode(name, fields) : decodeList(name, fields));
    return record;
  }

  /** {@code withName(name)}: a copy with one component changed, checked as {@code new} is. */
  private MethodSpec wither(ClassName name, List<NamedType.Field> fields, NamedType.Field f) {
    List<CodeBlock> args = new ArrayList<>();
    fields.forEach(g -> args.add(CodeBlock.of("$N", names.field(g))));
    return MethodSpec.methodBuilder(names.wither(f))
        .addJavadoc("A copy with another {@code $L}.\n", names.field(f))
        .addModifiers(Modifier.PUBLIC)
        .addParameter(types.javaType(f.type()), names.field(f))
        .returns(name)
        .addStatement("return new $T($L)", name, CodeBlock.join(args, ",$W"))
        .build();
  }

  private MethodSpec asList(ClassName name, NamedType.Field tail) {
    return MethodSpec.methodBuilder("asList")
        .addJavadoc(
            "The nodes from {@code head} on, in order, as an immutable list; empty for"
                + " null.\n")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .addParameter(name, "head")
        .returns(ParameterizedTypeName.get(LIST, name))
        .addStatement("return $T.asList(head, $T::$N)", LINKED_NODES, name, names.field(tail))
        .build();
  }

  /** A linked list's nodes compared in a loop: a record's own equals would recurse. */
  private MethodSpec listEquals(ClassName name, List<NamedType.Field> fields) {
    List<CodeBlock> same = new ArrayList<>();
    for (NamedType.Field f : values(fields)) {
      TypeName t = types.javaType(f.type());
      if (t.equals(TypeName.FLOAT) || t.equals(TypeName.DOUBLE)) {
        same.add(
            CodeBlock.of(
                "$T.compare(a.$N(), b.$N()) == 0", t.box(), names.field(f), names.field(f)));
      } else if (t.isPrimitive()) {
        same.add(CodeBlock.of("a.$N() == b.$N()", names.field(f), names.field(f)));
      } else {
        same.add(
            CodeBlock.of("$T.equals(a.$N(), b.$N())", OBJECTS, names.field(f), names.field(f)));
      }
    }
    return MethodSpec.methodBuilder("equals")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .addParameter(Object.class, "o")
        .returns(TypeName.BOOLEAN)
        .addStatement(
            "return o instanceof $T other$W&& $T.equals(this, other, $T::$N,$W(a, b) ->" + " $L)",
            name,
            LINKED_NODES,
            name,
            names.field(tail(fields)),
            same.isEmpty() ? CodeBlock.of("true") : CodeBlock.join(same, "$W&& "))
        .build();
  }

  /** A linked list's hash, node by node in a loop. */
  private MethodSpec listHashCode(ClassName name, List<NamedType.Field> fields) {
    CodeBlock hash = null;
    for (NamedType.Field f : values(fields)) {
      TypeName t = types.javaType(f.type());
      CodeBlock h =
          t.isPrimitive()
              ? CodeBlock.of("$T.hashCode(n.$N())", t.box(), names.field(f))
              : CodeBlock.of("$T.hashCode(n.$N())", OBJECTS, names.field(f));
      hash = hash == null ? h : CodeBlock.of("31 * ($L)$W+ $L", hash, h);
    }
    return MethodSpec.methodBuilder("hashCode")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(TypeName.INT)
        .addStatement(
            "return $T.hashCode(this, $T::$N,$W$L)",
            LINKED_NODES,
            name,
            names.field(tail(fields)),
            hash == null ? CodeBlock.of("n -> 0") : CodeBlock.of("n -> $L", hash))
        .build();
  }

  /**
   * A linked list printed as a record would be, in a loop; past {@code LinkedNodes.TO_STRING_NODES}
   * nodes, only the count of the rest.
   */
  private MethodSpec listToString(ClassName name, List<NamedType.Field> fields) {
    CodeBlock.Builder opening = CodeBlock.builder().add("s");
    String separator = name.simpleName() + "[";
    for (NamedType.Field f : values(fields)) {
      opening.add(
          "$Z.append($S)$Z.append(n.$N())", separator + names.field(f) + "=", names.field(f));
      separator = ", ";
    }
    opening.add("$Z.append($S)", separator + names.field(tail(fields)) + "=");
    return MethodSpec.methodBuilder("toString")
        .addJavadoc(
            "This list as records print, up to {@code LinkedNodes.TO_STRING_NODES}" + " nodes.\n")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(String.class)
        .addStatement(
            "return $T.toString(this, $T::$N,$W(s, n) -> $L)",
            LINKED_NODES,
            name,
            names.field(tail(fields)),
            opening.build())
        .build();
  }

  private static NamedType.Field tail(List<NamedType.Field> fields) {
    return fields.get(fields.size() - 1);
  }

  /** A linked list's components other than its link. */
  private static List<NamedType.Field> values(List<NamedType.Field> fields) {
    return fields.subList(0, fields.size() - 1);
  }

  static FieldSpec codecField(ClassName name, long minSize) {
    return FieldSpec.builder(
            ParameterizedTypeName.get(XDR_CODEC, name),
            "CODEC",
            Modifier.PUBLIC,
            Modifier.STATIC,
            Modifier.FINAL)
        .addJavadoc("Encodes and decodes this type as XDR.\n")
        .initializer(
            minSize == 4
                ? "$Z$T.of($T::encode,$W$T::decode)"
                : "$Z$T.of($T::encode,$W$T::decode,$W" + minSize + ")",
            XDR_CODEC,
            name,
            name)
        .build();
  }

  private MethodSpec.Builder encodeMethod(ClassName name) {
    return MethodSpec.methodBuilder("encode")
        .addJavadoc("Writes {@code value} as XDR.\n")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .addParameter(XDR_ENCODER, "out")
        .addParameter(ParameterSpec.builder(name, "value").build());
  }

  private MethodSpec.Builder decodeMethod(ClassName name) {
    return MethodSpec.methodBuilder("decode")
        .addJavadoc("Reads a value from XDR.\n")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .addParameter(XDR_DECODER, "in")
        .returns(name);
  }

  private MethodSpec encode(ClassName name, List<NamedType.Field> fields) {
    MethodSpec.Builder m = encodeMethod(name);
    for (NamedType.Field f : fields) {
      m.addCode(types.encode(f.type(), CodeBlock.of("value.$N()", names.field(f))));
    }
    return m.build();
  }

  private MethodSpec decode(ClassName name, List<NamedType.Field> fields) {
    MethodSpec.Builder m = decodeMethod(name);
    m.addStatement("return new $T($L)", name, arguments(fields, null));
    return m.build();
  }

  /** The constructor arguments, decoding each field in order; the tail, if given, is null. */
  @SuppressWarnings("ReferenceEquality") // the tail is that very field, not one equal to it
  private CodeBlock arguments(List<NamedType.Field> fields, NamedType.Field tail) {
    if (fields.isEmpty()) {
      return CodeBlock.of("");
    }
    // A few arguments fill a line; more read best one per line. The statement indents them.
    boolean onePerLine = fields.size() > 2;
    CodeBlock.Builder args = CodeBlock.builder().add(onePerLine ? "\n" : "$Z");
    for (int i = 0; i < fields.size(); i++) {
      NamedType.Field f = fields.get(i);
      args.add(f == tail ? CodeBlock.of("null") : types.decode(f.type()));
      args.add(i == fields.size() - 1 ? "" : onePerLine ? ",\n" : ",$W");
    }
    return args.build();
  }

  /** A list's nodes are written one after another, each followed by its "next" flag. */
  private MethodSpec encodeList(ClassName name, List<NamedType.Field> fields) {
    NamedType.Field tail = fields.get(fields.size() - 1);
    MethodSpec.Builder m =
        encodeMethod(name)
            .addComment("A linked list: written in a loop, so its length never costs stack.")
            .beginControlFlow(
                "for ($T node = value; node != null; node = node.$N())", name, names.field(tail));
    for (NamedType.Field f : fields.subList(0, fields.size() - 1)) {
      m.addCode(types.encode(f.type(), CodeBlock.of("node.$N()", names.field(f))));
    }
    m.addStatement("out.writeBoolean(node.$N() != null)", names.field(tail));
    return m.endControlFlow().build();
  }

  /**
   * Nodes are read in a loop; as each record holds the next, their values go into arrays (one per
   * component) and the records are made from the last one back: one object per node.
   */
  private MethodSpec decodeList(ClassName name, List<NamedType.Field> fields) {
    List<NamedType.Field> values = values(fields);
    MethodSpec.Builder m =
        decodeMethod(name)
            .addComment(
                "A linked list: read in a loop, so its length never costs stack. Each node"
                    + " holds the")
            .addComment(
                "next, so the values wait in arrays and the nodes are made from the last one"
                    + " back.");
    boolean unchecked = false;
    for (NamedType.Field f : values) {
      TypeName t = types.javaType(f.type());
      boolean generic = t instanceof ParameterizedTypeName;
      unchecked |= generic;
      m.addStatement(
          "$T $N = new $T[$L]",
          ArrayTypeName.of(generic ? ClassName.OBJECT : t),
          column(f),
          generic ? ClassName.OBJECT : t,
          FIRST_CAPACITY);
    }
    m.addStatement("int count = 0").beginControlFlow("do");
    if (!values.isEmpty()) {
      m.beginControlFlow("if (count == $N.length)", column(values.get(0)));
      for (NamedType.Field f : values) {
        m.addStatement("$N = $T.copyOf($N, 2 * count)", column(f), ARRAYS, column(f));
      }
      m.endControlFlow();
    }
    for (NamedType.Field f : values) {
      m.addStatement("$N[count] = $L", column(f), types.decode(f.type()));
    }
    m.addStatement("count++")
        .endControlFlow("while (in.readBoolean())")
        .addStatement("$T list = null", name)
        .beginControlFlow("while (count > 0)")
        .addStatement("count--");
    CodeBlock.Builder args = CodeBlock.builder();
    for (NamedType.Field f : values) {
      TypeName t = types.javaType(f.type());
      args.add(
          t instanceof ParameterizedTypeName ? "($T) $N[count],$W" : "$N[count],$W",
          t instanceof ParameterizedTypeName
              ? new Object[] {t, column(f)}
              : new Object[] {column(f)});
    }
    if (unchecked) {
      m.addAnnotation(
          AnnotationSpec.builder(SuppressWarnings.class)
              .addMember("value", "$S", "unchecked")
              .build());
    }
    return m.addStatement("list = new $T($Llist)", name, args.build())
        .endControlFlow()
        .addStatement("return list")
        .build();
  }

  /** The array a component's values wait in while a list is read. */
  private String column(NamedType.Field f) {
    return names.column(f);
  }
}
