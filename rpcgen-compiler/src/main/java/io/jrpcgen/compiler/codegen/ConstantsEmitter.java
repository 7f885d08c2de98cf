package io.jrpcgen.compiler.codegen;

import static io.jrpcgen.compiler.codegen.RuntimeNames.XDR_CODEC;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import io.jrpcgen.compiler.model.Schema;
import io.jrpcgen.compiler.naming.Names;
import javax.lang.model.element.Modifier;

/** The per-file classes for constants and for typedef codecs. */
final class ConstantsEmitter {
  private final TypeMapper types;
  private final Names names;

  ConstantsEmitter(TypeMapper types) {
    this.types = types;
    this.names = types.names();
  }

  /**
   * The number as the .x wrote it when Java reads it the same (hex, octal), else decimal; past
   * {@code Long.MAX_VALUE}, its 64-bit pattern in hex.
   */
  private static String literal(Schema.Constant c) {
    String written = c.literal();
    if (isHexOrOctal(written)) {
      return written;
    }
    return c.number().bitLength() < Long.SIZE
        ? c.number().toString()
        : "0x" + Long.toHexString(c.number().longValue());
  }

  /** Whether the .x wrote a number (possibly null: not a literal) in hex or octal. */
  static boolean isHexOrOctal(String written) {
    return written != null && written.replaceFirst("^-", "").matches("0[0-7]+|0[xX]\\p{XDigit}+");
  }

  TypeSpec constants(ClassName name, Schema schema) {
    TypeSpec.Builder type =
        utilityClass(name, "The constants of " + Docs.fileName(schema.file()) + ".\n");
    for (Schema.Constant c : schema.constants()) {
      FieldSpec.Builder field;
      String javaName = names.constant(c);
      if (c.text() != null) {
        field = FieldSpec.builder(String.class, javaName).initializer("$S", c.text());
      } else if (c.fitsInt()) {
        field = FieldSpec.builder(TypeName.INT, javaName).initializer("$L", literal(c));
      } else {
        field = FieldSpec.builder(TypeName.LONG, javaName).initializer("$LL", literal(c));
      }
      type.addField(
          field
              .addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
              .addJavadoc(Docs.cite("const " + c.name(), c.pos()))
              .build());
    }
    return type.build();
  }

  TypeSpec typedefs(ClassName name, Schema schema) {
    TypeSpec.Builder type =
        utilityClass(
            name,
            "Codecs for the typedefs of "
                + Docs.fileName(schema.file())
                + ", which Java has no aliases for.\n");
    for (Schema.Typedef t : schema.typedefs()) {
      type.addField(
          FieldSpec.builder(
                  ParameterizedTypeName.get(XDR_CODEC, types.javaType(t.type()).box()),
                  names.typedef(t),
                  Modifier.PUBLIC,
                  Modifier.STATIC,
                  Modifier.FINAL)
              .addJavadoc(Docs.cite("typedef " + t.name(), t.pos()))
              .initializer("$Z$L", types.codec(t.type()))
              .build());
    }
    return type.build();
  }

  private TypeSpec.Builder utilityClass(ClassName name, String javadoc) {
    return types
        .qualifying(TypeSpec.classBuilder(name))
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addJavadoc(javadoc)
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
  }
}
