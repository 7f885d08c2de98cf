package io.jrpcgen.compiler.codegen;

import static io.jrpcgen.compiler.codegen.RuntimeNames.ARRAY_LIST;
import static io.jrpcgen.compiler.codegen.RuntimeNames.LIST;
import static io.jrpcgen.compiler.codegen.RuntimeNames.XDR_CODEC;
import static io.jrpcgen.compiler.codegen.RuntimeNames.XDR_DECODER;
import static io.jrpcgen.compiler.codegen.RuntimeNames.XDR_ENCODER;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeSpec;
import io.jrpcgen.compiler.model.NamedType;
import io.jrpcgen.compiler.naming.Names;
import java.util.List;
import javax.lang.model.element.Modifier;

/** A struct as a record with a {@code CODEC}, and a linked list's codec as a loop. */
final class StructEmitter {
  private final TypeMapper types;
  private final Names names;

  StructEmitter(TypeMapper types) {
    this.types = types;
    this.names = types.names();
  }

  TypeSpec emit(NamedType.Struct struct) {
    ClassName name = types.className(struct);
    return recordWithCodec(name, struct.fields(), struct.listTail(),
        Docs.cite("struct " + struct.name(), struct.pos()), struct.minEncodedSize())
        .build();
  }

  /**
   * A public record of {@code fields} with static {@code encode}/{@code decode} and a
   * {@code CODEC}; also used for the arguments of multi-argument procedures.
   */
  TypeSpec.Builder recordWithCodec(ClassName name, List<NamedType.Field> fields,
      NamedType.Field listTail, String javadoc, long minSize) {
    MethodSpec.Builder constructor = MethodSpec.constructorBuilder();
    for (NamedType.Field f : fields) {
      constructor.addParameter(types.javaType(f.type()), names.field(f));
    }
    TypeSpec.Builder record = types.qualifying(TypeSpec.recordBuilder(name.simpleName()))
        .addModifiers(Modifier.PUBLIC)
        .addJavadoc(javadoc)
        .recordConstructor(constructor.build())
        .addField(codecField(name, minSize));
    record.addMethod(listTail == null ? encode(name, fields) : encodeList(name, fields));
    record.addMethod(listTail == null ? decode(name, fields) : decodeList(name, fields));
    return record;
  }

  static FieldSpec codecField(ClassName name, long minSize) {
    return FieldSpec.builder(ParameterizedTypeName.get(XDR_CODEC, name), "CODEC",
            Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("Encodes and decodes this type as XDR.\n")
        .initializer(minSize == 4 ? "$Z$T.of($T::encode,$W$T::decode)"
            : "$Z$T.of($T::encode,$W$T::decode,$W" + minSize + ")", XDR_CODEC, name, name)
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
  private CodeBlock arguments(List<NamedType.Field> fields, NamedType.Field tail) {
    if (fields.isEmpty()) {
      return CodeBlock.of("");
    }
    // A few arguments fill a line; more read best one per line. The statement indents them.
    boolean onePerLine = fields.size() > 2;
    CodeBlock.Builder args = CodeBlock.builder().add(onePerLine ? "\n" : "");
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
    MethodSpec.Builder m = encodeMethod(name)
        .addComment("A linked list: written in a loop, so its length never costs stack.")
        .beginControlFlow("for ($T node = value; node != null; node = node.$N())", name,
            names.field(tail));
    for (NamedType.Field f : fields.subList(0, fields.size() - 1)) {
      m.addCode(types.encode(f.type(), CodeBlock.of("node.$N()", names.field(f))));
    }
    m.addStatement("out.writeBoolean(node.$N() != null)", names.field(tail));
    return m.endControlFlow().build();
  }

  /** Nodes are read in a loop, then linked from the last one back, as records are immutable. */
  private MethodSpec decodeList(ClassName name, List<NamedType.Field> fields) {
    NamedType.Field tail = fields.get(fields.size() - 1);
    List<NamedType.Field> values = fields.subList(0, fields.size() - 1);
    MethodSpec.Builder m = decodeMethod(name)
        .addComment("A linked list: read in a loop, so its length never costs stack.")
        .addStatement("$T<$T> nodes = new $T<>()", LIST, name, ARRAY_LIST)
        .beginControlFlow("do")
        .addStatement("nodes.add(new $T($L))", name, arguments(fields, tail))
        .endControlFlow("while (in.readBoolean())")
        .addStatement("$T list = null", name)
        .beginControlFlow("for (int i = nodes.size() - 1; i >= 0; i--)")
        .addStatement("$T node = nodes.get(i)", name);
    CodeBlock.Builder args = CodeBlock.builder();
    for (NamedType.Field f : values) {
      args.add("node.$N(),$W", names.field(f));
    }
    return m.addStatement("list = new $T($Llist)", name, args.build())
        .endControlFlow()
        .addStatement("return list")
        .build();
  }
}
