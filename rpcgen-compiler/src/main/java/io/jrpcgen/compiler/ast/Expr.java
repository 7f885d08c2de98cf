package io.jrpcgen.compiler.ast;

import io.jrpcgen.compiler.diag.SourcePos;
import java.math.BigInteger;

/** A constant expression as written: a number, a constant's name, or (rpcgen) a string. */
public sealed interface Expr {
  /** Where the expression starts. */
  SourcePos pos();

  /** A decimal, hex ({@code 0x1f}) or octal ({@code 017}) literal, with its sign. */
  @SuppressWarnings("JavaLangClash") // the XDR construct, always written Expr.Number
  record Number(SourcePos pos, BigInteger value, String text) implements Expr {}

  /** A reference to a constant or enum value. */
  record Name(SourcePos pos, String name) implements Expr {}

  /** A string literal, as rpcgen allows for constants ({@code const X = "abc";}). */
  record Text(SourcePos pos, String value) implements Expr {}
}
