package io.jrpcgen.compiler.codegen;

import static io.jrpcgen.compiler.codegen.RuntimeNames.XDR_CODEC;
import static io.jrpcgen.compiler.codegen.RuntimeNames.XDR_ENCODER;
import static io.jrpcgen.compiler.codegen.RuntimeNames.XDR_ENUM;
import static io.jrpcgen.compiler.codegen.RuntimeNames.XDR_EXCEPTION;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import io.jrpcgen.compiler.model.NamedType;
import java.util.HashSet;
import java.util.Set;
import javax.lang.model.element.Modifier;

/** An XDR enum as a Java enum with {@code value()}, {@code fromValue(int)} and a codec. */
final class EnumEmitter {
  private final TypeMapper types;

  EnumEmitter(TypeMapper types) {
    this.types = types;
  }

  TypeSpec emit(NamedType.Enum e) {
    ClassName name = types.className(e);
    TypeSpec.Builder type =
        types
            .qualifying(TypeSpec.enumBuilder(name.simpleName()))
            .addModifiers(Modifier.PUBLIC)
            .addSuperinterface(XDR_ENUM)
            .addJavadoc(Docs.cite("enum " + e.name(), e.pos()));
    CodeBlock.Builder cases = CodeBlock.builder();
    Set<Integer> values = new HashSet<>();
    for (NamedType.Constant c : e.constants()) {
      String constant = types.names().enumConstant(c);
      type.addEnumConstant(
          constant, TypeSpec.anonymousClassBuilder("$L", TypeMapper.intLiteral(c.value())).build());
      // Of two names for one value, decoding gives the first.
      if (values.add(c.value())) {
        cases.add("case $L -> $N;\n", TypeMapper.intLiteral(c.value()), constant);
      }
    }
    type.addField(
        FieldSpec.builder(
                ParameterizedTypeName.get(XDR_CODEC, name),
                "CODEC",
                Modifier.PUBLIC,
                Modifier.STATIC,
                Modifier.FINAL)
            .addJavadoc("Encodes and decodes this type as XDR.\n")
            .initializer(
                "$T.of($T::writeEnum,$Win -> fromValue(in.readInt()))", XDR_CODEC, XDR_ENCODER)
            .build());
    type.addField(TypeName.INT, "value", Modifier.PRIVATE, Modifier.FINAL);
    type.addMethod(
        MethodSpec.constructorBuilder()
            .addParameter(TypeName.INT, "value")
            .addStatement("this.value = value")
            .build());
    type.addMethod(
        MethodSpec.methodBuilder("value")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(TypeName.INT)
            .addStatement("return value")
            .build());
    type.addMethod(
        MethodSpec.methodBuilder("fromValue")
            .addJavadoc(
                "The constant with wire value {@code value}.\n\n" + "@throws $T if there is none\n",
                XDR_EXCEPTION)
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .addParameter(TypeName.INT, "value")
            .returns(name)
            .addCode("return switch (value) {\n$>$L", cases.build())
            .addCode(
                "default -> throw new $T($S + value);\n$<};\n",
                XDR_EXCEPTION,
                "unknown " + e.name() + " value ")
            .build());
    return type.build();
  }
}
