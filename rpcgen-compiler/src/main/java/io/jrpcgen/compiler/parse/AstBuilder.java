package io.jrpcgen.compiler.parse;

import io.jrpcgen.compiler.ast.BuiltinType;
import io.jrpcgen.compiler.ast.Declaration;
import io.jrpcgen.compiler.ast.Definition;
import io.jrpcgen.compiler.ast.EnumMember;
import io.jrpcgen.compiler.ast.Expr;
import io.jrpcgen.compiler.ast.Specification;
import io.jrpcgen.compiler.ast.TypeSpec;
import io.jrpcgen.compiler.ast.UnionBody;
import io.jrpcgen.compiler.diag.Diagnostics;
import io.jrpcgen.compiler.diag.SourcePos;
import io.jrpcgen.compiler.parse.XdrSyntaxParser.ArmContext;
import io.jrpcgen.compiler.parse.XdrSyntaxParser.DeclarationContext;
import io.jrpcgen.compiler.parse.XdrSyntaxParser.DefinitionContext;
import io.jrpcgen.compiler.parse.XdrSyntaxParser.EnumBodyContext;
import io.jrpcgen.compiler.parse.XdrSyntaxParser.EnumMemberContext;
import io.jrpcgen.compiler.parse.XdrSyntaxParser.StructBodyContext;
import io.jrpcgen.compiler.parse.XdrSyntaxParser.TypeSpecifierContext;
import io.jrpcgen.compiler.parse.XdrSyntaxParser.UnionBodyContext;
import io.jrpcgen.compiler.parse.XdrSyntaxParser.ValueContext;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;

/** Builds the AST records from a parse tree that has no syntax errors. */
final class AstBuilder {
  private final XdrParser.PositionMap positions;
  private final Diagnostics diagnostics;

  AstBuilder(XdrParser.PositionMap positions, Diagnostics diagnostics) {
    this.positions = positions;
    this.diagnostics = diagnostics;
  }

  Specification specification(
      XdrSyntaxParser.SpecificationContext ctx, List<Definition.Const> cDefines) {
    List<Definition> definitions = new ArrayList<>();
    for (DefinitionContext d : ctx.definition()) {
      definitions.add(definition(d));
    }
    return new Specification(positions.file(), definitions, cDefines);
  }

  private Definition definition(DefinitionContext ctx) {
    SourcePos pos = pos(ctx);
    if (ctx instanceof XdrSyntaxParser.TypedefDefinitionContext t) {
      return new Definition.Typedef(pos, declaration(t.declaration()));
    } else if (ctx instanceof XdrSyntaxParser.EnumDefinitionContext e) {
      return new Definition.Enum(pos, name(e.identifier()), enumMembers(e.enumBody()));
    } else if (ctx instanceof XdrSyntaxParser.StructDefinitionContext s) {
      return new Definition.Struct(pos, name(s.identifier()), members(s.structBody()));
    } else if (ctx instanceof XdrSyntaxParser.UnionDefinitionContext u) {
      return new Definition.Union(pos, name(u.identifier()), unionBody(u.unionBody()));
    } else if (ctx instanceof XdrSyntaxParser.ConstDefinitionContext c) {
      XdrSyntaxParser.ConstantValueContext v = c.constantValue();
      Expr value = v.STRING() != null ? text(v.STRING().getSymbol()) : value(v.value());
      return new Definition.Const(pos, name(c.identifier()), value);
    }
    XdrSyntaxParser.ProgramDefinitionContext p = (XdrSyntaxParser.ProgramDefinitionContext) ctx;
    List<Definition.Version> versions = new ArrayList<>();
    for (XdrSyntaxParser.VersionContext v : p.version()) {
      versions.add(version(v));
    }
    return new Definition.Program(pos, name(p.identifier()), versions, value(p.value()));
  }

  private Definition.Version version(XdrSyntaxParser.VersionContext ctx) {
    List<Definition.Procedure> procedures = new ArrayList<>();
    for (XdrSyntaxParser.ProcedureContext p : ctx.procedure()) {
      List<Definition.Parameter> parameters = new ArrayList<>();
      for (XdrSyntaxParser.ParameterContext param : p.parameter()) {
        parameters.add(
            param.typeSpecifier() == null
                ? new Definition.Parameter(
                    pos(param), new TypeSpec.Builtin(pos(param), BuiltinType.VOID), null)
                : new Definition.Parameter(
                    pos(param),
                    typeSpec(param.typeSpecifier()),
                    param.identifier() == null ? null : name(param.identifier())));
      }
      XdrSyntaxParser.ResultTypeContext result = p.resultType();
      TypeSpec resultType =
          result.typeSpecifier() == null
              ? new TypeSpec.Builtin(pos(result), BuiltinType.VOID)
              : typeSpec(result.typeSpecifier());
      procedures.add(
          new Definition.Procedure(
              pos(p.identifier()), name(p.identifier()), resultType, parameters, value(p.value())));
    }
    return new Definition.Version(pos(ctx), name(ctx.identifier()), procedures, value(ctx.value()));
  }

  private Declaration declaration(DeclarationContext ctx) {
    if (ctx instanceof XdrSyntaxParser.OptionalDeclarationContext o) {
      return new Declaration(
          pos(o.identifier()),
          name(o.identifier()),
          typeSpec(o.typeSpecifier()),
          Declaration.Shape.OPTIONAL,
          null);
    } else if (ctx instanceof XdrSyntaxParser.FixedArrayDeclarationContext f) {
      return new Declaration(
          pos(f.identifier()),
          name(f.identifier()),
          typeSpec(f.typeSpecifier()),
          Declaration.Shape.FIXED_ARRAY,
          value(f.value()));
    } else if (ctx instanceof XdrSyntaxParser.VariableArrayDeclarationContext v) {
      return new Declaration(
          pos(v.identifier()),
          name(v.identifier()),
          typeSpec(v.typeSpecifier()),
          Declaration.Shape.VARIABLE_ARRAY,
          v.value() == null ? null : value(v.value()));
    } else if (ctx instanceof XdrSyntaxParser.SingleDeclarationContext s) {
      return new Declaration(
          pos(s.identifier()),
          name(s.identifier()),
          typeSpec(s.typeSpecifier()),
          Declaration.Shape.SINGLE,
          null);
    }
    SourcePos pos = pos(ctx);
    return new Declaration(
        pos, null, new TypeSpec.Builtin(pos, BuiltinType.VOID), Declaration.Shape.VOID, null);
  }

  private TypeSpec typeSpec(TypeSpecifierContext ctx) {
    SourcePos pos = pos(ctx);
    if (ctx instanceof XdrSyntaxParser.IntegerTypeContext i) {
      boolean unsigned = i.getStart().getText().equals("unsigned");
      boolean hyper = i.integerKeyword().getStart().getText().equals("hyper");
      BuiltinType type =
          hyper
              ? (unsigned ? BuiltinType.UNSIGNED_HYPER : BuiltinType.HYPER)
              : (unsigned ? BuiltinType.UNSIGNED_INT : BuiltinType.INT);
      return new TypeSpec.Builtin(pos, type);
    } else if (ctx instanceof XdrSyntaxParser.BareUnsignedTypeContext) {
      return new TypeSpec.Builtin(pos, BuiltinType.UNSIGNED_INT);
    } else if (ctx instanceof XdrSyntaxParser.KeywordTypeContext k) {
      return new TypeSpec.Builtin(
          pos,
          switch (k.keyword.getText()) {
            case "float" -> BuiltinType.FLOAT;
            case "double" -> BuiltinType.DOUBLE;
            case "quadruple" -> BuiltinType.QUADRUPLE;
            case "bool" -> BuiltinType.BOOL;
            case "opaque" -> BuiltinType.OPAQUE;
            default -> BuiltinType.STRING;
          });
    } else if (ctx instanceof XdrSyntaxParser.InlineEnumTypeContext e) {
      return new TypeSpec.InlineEnum(pos, enumMembers(e.enumBody()));
    } else if (ctx instanceof XdrSyntaxParser.InlineStructTypeContext s) {
      return new TypeSpec.InlineStruct(pos, members(s.structBody()));
    } else if (ctx instanceof XdrSyntaxParser.InlineUnionTypeContext u) {
      return new TypeSpec.InlineUnion(pos, unionBody(u.unionBody()));
    }
    XdrSyntaxParser.NamedTypeContext n = (XdrSyntaxParser.NamedTypeContext) ctx;
    TypeSpec.Keyword keyword =
        n.keyword == null
            ? TypeSpec.Keyword.NONE
            : TypeSpec.Keyword.valueOf(n.keyword.getText().toUpperCase(java.util.Locale.ROOT));
    return new TypeSpec.Named(pos, name(n.identifier()), keyword);
  }

  private List<EnumMember> enumMembers(EnumBodyContext ctx) {
    List<EnumMember> members = new ArrayList<>();
    for (EnumMemberContext m : ctx.enumMember()) {
      members.add(
          new EnumMember(
              pos(m), name(m.identifier()), m.value() == null ? null : value(m.value())));
    }
    return members;
  }

  private List<Declaration> members(StructBodyContext ctx) {
    List<Declaration> members = new ArrayList<>();
    for (DeclarationContext d : ctx.declaration()) {
      members.add(declaration(d));
    }
    return members;
  }

  private UnionBody unionBody(UnionBodyContext ctx) {
    List<UnionBody.Arm> arms = new ArrayList<>();
    for (ArmContext arm : ctx.arm()) {
      List<Expr> labels = new ArrayList<>();
      for (ValueContext v : arm.value()) {
        labels.add(value(v));
      }
      arms.add(new UnionBody.Arm(pos(arm), labels, declaration(arm.declaration())));
    }
    Declaration defaultArm =
        ctx.defaultArm() == null ? null : declaration(ctx.defaultArm().declaration());
    return new UnionBody(declaration(ctx.declaration()), arms, defaultArm);
  }

  private Expr value(ValueContext ctx) {
    if (ctx.identifier() != null) {
      return new Expr.Name(pos(ctx), name(ctx.identifier()));
    }
    Token number = ctx.NUMBER().getSymbol();
    boolean negative = ctx.MINUS() != null;
    BigInteger value = parseNumber(number);
    return new Expr.Number(
        pos(ctx), negative ? value.negate() : value, (negative ? "-" : "") + number.getText());
  }

  /** A C integer literal: decimal, {@code 0x} hex or {@code 0} octal, with no suffix. */
  private BigInteger parseNumber(Token token) {
    String text = token.getText();
    try {
      if (text.length() > 2 && (text.startsWith("0x") || text.startsWith("0X"))) {
        return new BigInteger(text.substring(2), 16);
      } else if (text.length() > 1 && text.startsWith("0")) {
        return new BigInteger(text.substring(1), 8);
      }
      return new BigInteger(text, 10);
    } catch (NumberFormatException e) {
      diagnostics.error(positions.at(token), "invalid number '" + text + "'");
      return BigInteger.ZERO;
    }
  }

  private Expr text(Token token) {
    String quoted = token.getText();
    return new Expr.Text(positions.at(token), quoted.substring(1, quoted.length() - 1));
  }

  private static String name(XdrSyntaxParser.IdentifierContext ctx) {
    return ctx.getText();
  }

  private SourcePos pos(ParserRuleContext ctx) {
    return positions.at(ctx.getStart());
  }
}
