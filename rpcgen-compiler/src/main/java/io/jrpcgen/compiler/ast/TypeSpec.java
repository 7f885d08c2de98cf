package io.jrpcgen.compiler.ast;

import io.jrpcgen.compiler.diag.SourcePos;
import java.util.List;

/** A type as written in a declaration. */
public sealed interface TypeSpec {
  /** Where the type starts. */
  SourcePos pos();

  /** A keyword type. */
  record Builtin(SourcePos pos, BuiltinType type) implements TypeSpec {}

  /** A type by name, optionally with its C keyword ({@code struct x}, {@code enum x}). */
  record Named(SourcePos pos, String name, Keyword keyword) implements TypeSpec {}

  /** {@code struct { ... }} written in place. */
  record InlineStruct(SourcePos pos, List<Declaration> members) implements TypeSpec {}

  /** {@code union switch (...) { ... }} written in place. */
  record InlineUnion(SourcePos pos, UnionBody body) implements TypeSpec {}

  /** {@code enum { ... }} written in place. */
  record InlineEnum(SourcePos pos, List<EnumMember> members) implements TypeSpec {}

  /** The C keyword in front of a type name, if any. */
  enum Keyword {
    NONE,
    STRUCT,
    UNION,
    ENUM
  }
}
