package io.jrpcgen.compiler.codegen;

import static io.jrpcgen.compiler.codegen.RuntimeNames.XDR_DECODER;
import static io.jrpcgen.compiler.codegen.RuntimeNames.XDR_ENCODER;
import static io.jrpcgen.compiler.codegen.RuntimeNames.XDR_EXCEPTION;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import io.jrpcgen.compiler.model.NamedType;
import io.jrpcgen.compiler.model.XdrType;
import io.jrpcgen.compiler.naming.Names;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * A discriminated union as a sealed interface with one record per arm. The discriminant is always
 * readable: an arm with one case value returns it, an arm with several (or the default arm) keeps
 * it as a component and checks it.
 */
final class UnionEmitter {
  /** The private field of a component-less arm's record that holds its one instance. */
  private static final String ARM_VALUE = "VALUE";

  private final TypeMapper types;
  private final Names names;
  private final ValueChecks checks;

  UnionEmitter(TypeMapper types) {
    this.types = types;
    this.names = types.names();
    this.checks = new ValueChecks(types);
  }

  TypeSpec emit(NamedType.Union union) {
    ClassName name = types.className(union);
    NamedType.Field disc = union.discriminant();
    TypeName discType = types.javaType(disc.type());
    TypeSpec.Builder type =
        types
            .qualifying(TypeSpec.interfaceBuilder(name.simpleName()))
            .addModifiers(Modifier.PUBLIC, Modifier.SEALED)
            .addJavadoc(Docs.cite("union " + union.name(), union.pos()))
            .addField(StructEmitter.codecField(name, union.minEncodedSize()))
            .addMethod(
                MethodSpec.methodBuilder(names.field(disc))
                    .addJavadoc("The discriminant, {@code $L}.\n", disc.name())
                    .addModifiers(Modifier.PUBLIC, Modifier.ABSTRACT)
                    .returns(discType)
                    .build());
    MethodSpec.Builder encode =
        MethodSpec.methodBuilder("encode")
            .addJavadoc("Writes {@code value} as XDR.\n")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .addParameter(XDR_ENCODER, "out")
            .addParameter(name, "value")
            .addCode(types.encode(disc.type(), CodeBlock.of("value.$N()", names.field(disc))));
    boolean first = true;
    for (NamedType.Arm arm : union.arms()) {
      ClassName armName = name.nestedClass(names.arm(arm));
      type.addType(armRecord(union, arm, name, discType));
      if (arm.field() != null) {
        if (first) {
          encode.beginControlFlow("if (value instanceof $T arm)", armName);
        } else {
          encode.nextControlFlow("else if (value instanceof $T arm)", armName);
        }
        encode.addCode(
            types.encode(arm.field().type(), CodeBlock.of("arm.$N()", names.field(arm.field()))));
        first = false;
      }
    }
    if (!first) {
      encode.endControlFlow();
    }
    type.addMethod(encode.build());
    type.addMethod(decode(union, name, discType));
    return type.build();
  }

  private TypeSpec armRecord(
      NamedType.Union union, NamedType.Arm arm, ClassName unionName, TypeName discType) {
    NamedType.Field disc = union.discriminant();
    boolean keepsDiscriminant = arm.values().size() != 1;
    MethodSpec.Builder constructor = MethodSpec.constructorBuilder();
    if (keepsDiscriminant) {
      constructor.addParameter(discType, names.field(disc));
    }
    if (arm.field() != null) {
      constructor.addParameter(types.javaType(arm.field().type()), names.field(arm.field()));
    }
    TypeSpec.Builder record =
        TypeSpec.recordBuilder(names.arm(arm))
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .addSuperinterface(unionName)
            .addJavadoc(armDoc(union, arm))
            .recordConstructor(constructor.build());
    if (isConstant(arm)) {
      ClassName armName = unionName.nestedClass(names.arm(arm));
      record.addField(
          FieldSpec.builder(armName, ARM_VALUE, Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
              .addJavadoc("What {@code decode} returns for this arm, which holds no value.\n")
              .initializer("new $T()", armName)
              .build());
    }
    CodeBlock.Builder checked = CodeBlock.builder();
    if (!keepsDiscriminant) {
      record.addMethod(
          MethodSpec.methodBuilder(names.field(disc))
              .addAnnotation(Override.class)
              .addModifiers(Modifier.PUBLIC)
              .returns(discType)
              .addStatement("return $L", literal(union, arm.values().get(0)))
              .build());
    } else if (!isBool(disc.type()) || arm.isDefault()) {
      checked.add(check(union, arm));
    }
    if (arm.field() != null) {
      checked.add(checks.statements(List.of(arm.field())));
    }
    if (!checked.isEmpty()) {
      record.addMethod(
          MethodSpec.compactConstructorBuilder()
              .addModifiers(Modifier.PUBLIC)
              .addCode(checked.build())
              .build());
    }
    return record.build();
  }

  /** The compact constructor's check that the kept discriminant selects this arm. */
  private CodeBlock check(NamedType.Union union, NamedType.Arm arm) {
    String d = names.field(union.discriminant());
    List<NamedType.CaseValue> values = arm.isDefault() ? explicitValues(union) : arm.values();
    List<CodeBlock> tests = new ArrayList<>();
    for (NamedType.CaseValue v : values) {
      tests.add(CodeBlock.of("$N$L$L", d, arm.isDefault() ? " == " : " != ", literal(union, v)));
    }
    CodeBlock.Builder code = CodeBlock.builder();
    if (isEnum(union.discriminant().type())) {
      code.beginControlFlow("if ($N == null)", d)
          .addStatement("throw new $T($S)", IllegalArgumentException.class, d + " is null")
          .endControlFlow();
    }
    if (tests.isEmpty()) {
      return code.build();
    }
    String message =
        arm.isDefault()
            ? d + " has an arm of its own: "
            : d + " is not a case of " + names.arm(arm) + ": ";
    return code.beginControlFlow(
            "if ($L)", CodeBlock.join(tests, arm.isDefault() ? " ||$W" : " &&$W"))
        .addStatement("throw new $T($S$W+ $N)", IllegalArgumentException.class, message, d)
        .endControlFlow()
        .build();
  }

  private MethodSpec decode(NamedType.Union union, ClassName name, TypeName discType) {
    NamedType.Field disc = union.discriminant();
    MethodSpec.Builder m =
        MethodSpec.methodBuilder("decode")
            .addJavadoc("Reads a value from XDR.\n")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .addParameter(XDR_DECODER, "in")
            .returns(name)
            .addStatement("$T $N = $L", discType, names.field(disc), types.decode(disc.type()));
    if (isBool(disc.type())) {
      return m.addCode(decodeBool(union, name)).build();
    }
    NamedType.Arm defaultArm = null;
    m.addCode("return switch ($N) {\n$>", names.field(disc));
    for (NamedType.Arm arm : union.arms()) {
      if (arm.isDefault()) {
        defaultArm = arm;
        continue;
      }
      List<String> labels = new ArrayList<>();
      for (NamedType.CaseValue v : arm.values()) {
        labels.add(label(union, v));
      }
      m.addCode("case $L -> $L;\n", String.join(", ", labels), construct(union, arm, name));
    }
    if (defaultArm != null) {
      m.addCode("default -> $L;\n", construct(union, defaultArm, name));
    } else if (!coversEnum(union)) {
      m.addCode(
          "default -> throw new $T($S$W+ $N);\n",
          XDR_EXCEPTION,
          "union " + union.name() + " has no arm for " + disc.name() + " ",
          names.field(disc));
    }
    return m.addCode("$<};\n").build();
  }

  /** A bool discriminant picks one of two arms: a conditional, or a check and an error. */
  @SuppressWarnings("ReferenceEquality") // one arm that serves both values is the same object
  private CodeBlock decodeBool(NamedType.Union union, ClassName name) {
    String d = names.field(union.discriminant());
    NamedType.Arm whenTrue = boolArm(union, true);
    NamedType.Arm whenFalse = boolArm(union, false);
    if (whenTrue == whenFalse) {
      return whenTrue == null
          ? fallback(union, null, name)
          : CodeBlock.of("return $L;\n", construct(union, whenTrue, name));
    } else if (whenTrue != null && whenFalse != null) {
      return CodeBlock.of(
          "return $N$W? $L$W: $L;\n",
          d,
          construct(union, whenTrue, name),
          construct(union, whenFalse, name));
    }
    NamedType.Arm only = whenTrue != null ? whenTrue : whenFalse;
    return CodeBlock.builder()
        .beginControlFlow("if ($L$N)", whenTrue != null ? "" : "!", d)
        .addStatement("return $L", construct(union, only, name))
        .endControlFlow()
        .add(fallback(union, null, name))
        .build();
  }

  /** The arm that {@code value} selects, the default arm if none does, or null. */
  private static NamedType.Arm boolArm(NamedType.Union union, boolean value) {
    NamedType.Arm defaultArm = null;
    for (NamedType.Arm arm : union.arms()) {
      if (arm.isDefault()) {
        defaultArm = arm;
      } else if (arm.values().stream().anyMatch(v -> (v.value() != 0) == value)) {
        return arm;
      }
    }
    return defaultArm;
  }

  private CodeBlock fallback(NamedType.Union union, NamedType.Arm defaultArm, ClassName name) {
    if (defaultArm != null) {
      return CodeBlock.of("return $L;\n", construct(union, defaultArm, name));
    }
    String disc = names.field(union.discriminant());
    return CodeBlock.of(
        "throw new $T($S$W+ $N);\n",
        XDR_EXCEPTION,
        "union " + union.name() + " has no arm for " + union.discriminant().name() + " ",
        disc);
  }

  private CodeBlock construct(NamedType.Union union, NamedType.Arm arm, ClassName name) {
    if (isConstant(arm)) {
      return CodeBlock.of("$T.$N", name.nestedClass(names.arm(arm)), ARM_VALUE);
    }
    List<CodeBlock> args = new ArrayList<>();
    if (arm.values().size() != 1) {
      args.add(CodeBlock.of("$N", names.field(union.discriminant())));
    }
    if (arm.field() != null) {
      args.add(types.decode(arm.field().type()));
    }
    return CodeBlock.of(
        "new $T($Z$L)", name.nestedClass(names.arm(arm)), CodeBlock.join(args, ",$W"));
  }

  private static boolean coversEnum(NamedType.Union union) {
    if (!(union.discriminant().type() instanceof XdrType.Ref r
        && r.target() instanceof NamedType.Enum e)) {
      return false;
    }
    // A switch expression naming every constant of the enum is exhaustive: no default needed.
    return explicitValues(union).size() == e.constants().size();
  }

  private static List<NamedType.CaseValue> explicitValues(NamedType.Union union) {
    List<NamedType.CaseValue> all = new ArrayList<>();
    for (NamedType.Arm a : union.arms()) {
      all.addAll(a.values());
    }
    return all;
  }

  /** A case value as a switch label: an enum constant's simple name, else an int. */
  private String label(NamedType.Union union, NamedType.CaseValue v) {
    if (union.discriminant().type() instanceof XdrType.Ref r
        && r.target() instanceof NamedType.Enum e) {
      return enumConstant(e, v);
    }
    return TypeMapper.intLiteral(v.value());
  }

  /** A case value as an expression of the discriminant's type. */
  private CodeBlock literal(NamedType.Union union, NamedType.CaseValue v) {
    XdrType t = union.discriminant().type();
    if (t instanceof XdrType.Ref r && r.target() instanceof NamedType.Enum e) {
      // $T: an arm may be named like the enum (case KIND:), and would hide it by its simple name.
      return CodeBlock.of("$T.$N", types.className(e), enumConstant(e, v));
    } else if (isBool(t)) {
      return CodeBlock.of("$L", v.value() != 0);
    }
    return CodeBlock.of("$L", TypeMapper.intLiteral(v.value()));
  }

  private String enumConstant(NamedType.Enum e, NamedType.CaseValue v) {
    for (NamedType.Constant c : e.constants()) {
      if (c.value() == (int) v.value()) {
        return names.enumConstant(c);
      }
    }
    throw new IllegalStateException("resolver let through case " + v + " of enum " + e.name());
  }

  private static String armDoc(NamedType.Union union, NamedType.Arm arm) {
    String cases =
        arm.isDefault()
            ? "default"
            : "case "
                + String.join(
                    ", ",
                    arm.values().stream()
                        .map(v -> v.constant() != null ? v.constant() : Long.toString(v.value()))
                        .toList());
    String what = arm.field() == null ? "void" : arm.field().name();
    return "The arm {@code " + cases + ": " + what + "}\nof {@code union " + union.name() + "}.\n";
  }

  /**
   * Whether every value of {@code arm} is equal: a void arm of one case value has no components, so
   * decoding shares one instance rather than making a new one each time.
   */
  private static boolean isConstant(NamedType.Arm arm) {
    return arm.field() == null && arm.values().size() == 1;
  }

  private static boolean isBool(XdrType t) {
    return t instanceof XdrType.Primitive p && p.kind() == XdrType.Primitive.Kind.BOOL;
  }

  private static boolean isEnum(XdrType t) {
    return t instanceof XdrType.Ref r && r.target() instanceof NamedType.Enum;
  }
}
