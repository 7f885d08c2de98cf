package io.jrpcgen.compiler.ast;

import io.jrpcgen.compiler.diag.SourcePos;
import java.util.List;

/** A top-level definition of a {@code .x} file. */
public sealed interface Definition {
  /** Where the definition starts. */
  SourcePos pos();

  /** The name it defines. */
  String name();

  /** {@code const NAME = value;} */
  record Const(SourcePos pos, String name, Expr value) implements Definition {}

  /** {@code enum NAME { ... };} */
  @SuppressWarnings("JavaLangClash") // the XDR construct, always written Definition.Enum
  record Enum(SourcePos pos, String name, List<EnumMember> members) implements Definition {}

  /** {@code struct NAME { ... };} */
  record Struct(SourcePos pos, String name, List<Declaration> members) implements Definition {}

  /** {@code union NAME switch (...) { ... };} */
  record Union(SourcePos pos, String name, UnionBody body) implements Definition {}

  /** {@code typedef declaration;} */
  record Typedef(SourcePos pos, Declaration declaration) implements Definition {
    @Override
    public String name() {
      return declaration.name();
    }
  }

  /** {@code program NAME { versions } = number;} */
  record Program(SourcePos pos, String name, List<Version> versions, Expr number)
      implements Definition {}

  /** {@code version NAME { procedures } = number;} */
  record Version(SourcePos pos, String name, List<Procedure> procedures, Expr number) {}

  /**
   * {@code result NAME(params) = number;}: one parameter, {@code void}, or several (rpcgen -N),
   * optionally named ({@code cat3(string one, string two)}).
   */
  record Procedure(
      SourcePos pos, String name, TypeSpec result, List<Parameter> parameters, Expr number) {}

  /**
   * A procedure parameter.
   *
   * @param pos where it is
   * @param type its type; a bare {@code string} or {@code opaque} is unbounded
   * @param name its name, or null when not named
   */
  record Parameter(SourcePos pos, TypeSpec type, String name) {}
}
