package io.jrpcgen.compiler.codegen;

import static io.jrpcgen.compiler.codegen.RuntimeNames.LIST;
import static io.jrpcgen.compiler.codegen.RuntimeNames.OPAQUE;
import static io.jrpcgen.compiler.codegen.RuntimeNames.QUADRUPLE;
import static io.jrpcgen.compiler.codegen.RuntimeNames.XDR_CODEC;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import io.jrpcgen.compiler.model.NamedType;
import io.jrpcgen.compiler.model.Schema;
import io.jrpcgen.compiler.model.XdrType;
import io.jrpcgen.compiler.naming.Names;
import java.util.Map;

/** Java types, codec expressions and encode/decode code for resolved XDR types. */
final class TypeMapper {
  private final String packageName;
  private final Names names;
  private final Map<String, Schema.Constant> intConstants;
  private final String[] hiding;

  /**
   * A mapper for {@code packageName}, whose bounds cite the {@code intConstants} (by .x name) when
   * the .x wrote them so; {@code hiding}: generated classes named like classes the generated code
   * refers to.
   */
  TypeMapper(
      String packageName,
      Names names,
      Map<String, Schema.Constant> intConstants,
      String... hiding) {
    this.packageName = packageName;
    this.names = names;
    this.intConstants = Map.copyOf(intConstants);
    this.hiding = hiding.clone();
  }

  /** A top-level type's builder, told to qualify the names that generated classes hide. */
  TypeSpec.Builder qualifying(TypeSpec.Builder topLevel) {
    return topLevel.alwaysQualify(hiding);
  }

  /** The Java names the naming pass assigned. */
  Names names() {
    return names;
  }

  ClassName className(NamedType type) {
    return ClassName.get(packageName, names.type(type));
  }

  /** The Java type of a value; primitives unboxed. */
  TypeName javaType(XdrType t) {
    if (t instanceof XdrType.Primitive p) {
      return switch (p.kind()) {
        case INT, UNSIGNED_INT -> TypeName.INT;
        case HYPER, UNSIGNED_HYPER -> TypeName.LONG;
        case FLOAT -> TypeName.FLOAT;
        case DOUBLE -> TypeName.DOUBLE;
        case BOOL -> TypeName.BOOLEAN;
        case QUADRUPLE -> QUADRUPLE;
      };
    } else if (t instanceof XdrType.Opaque) {
      return OPAQUE;
    } else if (t instanceof XdrType.Text) {
      return ClassName.get(String.class);
    } else if (t instanceof XdrType.Array a) {
      return ParameterizedTypeName.get(LIST, javaType(a.element()).box());
    } else if (t instanceof XdrType.Optional o) {
      return javaType(o.element()).box();
    } else if (t instanceof XdrType.Ref r) {
      return className(r.target());
    } else if (t instanceof XdrType.External e) {
      return ClassName.bestGuess(e.javaClass());
    }
    return ClassName.get(Void.class);
  }

  /** An expression for the codec of {@code t}. */
  CodeBlock codec(XdrType t) {
    if (t instanceof XdrType.Primitive p) {
      String name =
          switch (p.kind()) {
            case INT, UNSIGNED_INT -> "INT";
            case HYPER, UNSIGNED_HYPER -> "HYPER";
            case FLOAT -> "FLOAT";
            case DOUBLE -> "DOUBLE";
            case BOOL -> "BOOL";
            case QUADRUPLE -> "QUADRUPLE";
          };
      return CodeBlock.of("$T.$L", XDR_CODEC, name);
    } else if (t instanceof XdrType.Opaque o) {
      return CodeBlock.of("$T.$L($L)", XDR_CODEC, o.fixed() ? "fixedOpaque" : "opaque", bound(o));
    } else if (t instanceof XdrType.Text s) {
      return CodeBlock.of("$T.string($L)", XDR_CODEC, bound(s));
    } else if (t instanceof XdrType.Array a) {
      return CodeBlock.of(
          "$T.$L($L,$W$L)",
          XDR_CODEC,
          a.fixed() ? "fixedArray" : "array",
          codec(a.element()),
          bound(a));
    } else if (t instanceof XdrType.Optional o) {
      return CodeBlock.of("$T.optional($L)", XDR_CODEC, codec(o.element()));
    } else if (t instanceof XdrType.Void) {
      return CodeBlock.of("$T.VOID", XDR_CODEC);
    }
    return CodeBlock.of("$T.CODEC", javaType(t));
  }

  /** A statement writing {@code value} (an expression of {@code t}'s Java type) to {@code out}. */
  CodeBlock encode(XdrType t, CodeBlock value) {
    if (t instanceof XdrType.Primitive p) {
      String method =
          switch (p.kind()) {
            case INT, UNSIGNED_INT -> "writeInt";
            case HYPER, UNSIGNED_HYPER -> "writeHyper";
            case FLOAT -> "writeFloat";
            case DOUBLE -> "writeDouble";
            case BOOL -> "writeBoolean";
            case QUADRUPLE -> "writeQuadruple";
          };
      return CodeBlock.of("out.$L($L);\n", method, value);
    } else if (t instanceof XdrType.Opaque o) {
      return CodeBlock.of(
          "out.$L($L,$W$L);\n",
          o.fixed() ? "writeFixedOpaque" : "writeVariableOpaque",
          value,
          bound(o));
    } else if (t instanceof XdrType.Text s) {
      return CodeBlock.of("out.writeString($L,$W$L);\n", value, bound(s));
    } else if (t instanceof XdrType.Array a) {
      return CodeBlock.of(
          "out.$L($L,$W$L,$W$L);\n",
          a.fixed() ? "writeFixedArray" : "writeVariableArray",
          value,
          bound(a),
          codec(a.element()));
    } else if (t instanceof XdrType.Optional o) {
      return CodeBlock.of("out.writeOptional($L,$W$L);\n", value, codec(o.element()));
    } else if (t instanceof XdrType.Ref r && r.target() instanceof NamedType.Enum) {
      return CodeBlock.of("out.writeEnum($L);\n", value);
    } else if (t instanceof XdrType.Void) {
      return CodeBlock.of("");
    }
    return CodeBlock.of("$T.CODEC.encode(out,$W$L);\n", javaType(t), value);
  }

  /** An expression reading a value of {@code t} from {@code in}. */
  CodeBlock decode(XdrType t) {
    if (t instanceof XdrType.Primitive p) {
      String method =
          switch (p.kind()) {
            case INT, UNSIGNED_INT -> "readInt";
            case HYPER, UNSIGNED_HYPER -> "readHyper";
            case FLOAT -> "readFloat";
            case DOUBLE -> "readDouble";
            case BOOL -> "readBoolean";
            case QUADRUPLE -> "readQuadruple";
          };
      return CodeBlock.of("in.$L()", method);
    } else if (t instanceof XdrType.Opaque o) {
      return CodeBlock.of(
          "in.$L($L)", o.fixed() ? "readFixedOpaque" : "readVariableOpaque", bound(o));
    } else if (t instanceof XdrType.Text s) {
      return CodeBlock.of("in.readString($L)", bound(s));
    } else if (t instanceof XdrType.Array a) {
      return CodeBlock.of(
          "in.$L($L,$W$L)",
          a.fixed() ? "readFixedArray" : "readVariableArray",
          bound(a),
          codec(a.element()));
    } else if (t instanceof XdrType.Optional o) {
      return CodeBlock.of("in.readOptional($L)", codec(o.element()));
    } else if (t instanceof XdrType.Ref r && r.target() instanceof NamedType.Enum) {
      return CodeBlock.of("$T.fromValue(in.readInt())", javaType(t));
    } else if (t instanceof XdrType.Void) {
      return CodeBlock.of("null");
    }
    return CodeBlock.of("$T.CODEC.decode(in)", javaType(t));
  }

  /**
   * A bound as source: the constant the .x wrote ({@code NfsProtConstants.NFS_MAXNAMLEN}), a
   * number, or {@code XdrCodec.UNBOUNDED} for {@code <>}.
   */
  CodeBlock bound(XdrType.Opaque o) {
    return bound(o.size(), o.sizeConstant());
  }

  /** As {@link #bound(XdrType.Opaque)}, for a string. */
  CodeBlock bound(XdrType.Text s) {
    return bound(s.bound(), s.boundConstant());
  }

  /** As {@link #bound(XdrType.Opaque)}, for an array. */
  CodeBlock bound(XdrType.Array a) {
    return bound(a.size(), a.sizeConstant());
  }

  private CodeBlock bound(int size, String constant) {
    Schema.Constant cited = constant == null ? null : intConstants.get(constant);
    if (cited != null) {
      return CodeBlock.of(
          "$T.$N", ClassName.get(packageName, names.constantsClass()), names.constant(cited));
    }
    return size == XdrType.UNBOUNDED
        ? CodeBlock.of("$T.UNBOUNDED", XDR_CODEC)
        : CodeBlock.of("$L", size);
  }

  /** The Java literal for a discriminant or enum value of type {@code t}. */
  static String intLiteral(long value) {
    return Integer.toString((int) value);
  }
}
