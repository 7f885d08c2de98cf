package io.jrpcgen.compiler.ast;

import io.jrpcgen.compiler.diag.SourcePos;

/**
 * A declaration: a struct member, a union arm or discriminant, or what a typedef names. {@code
 * opaque} and {@code string} come as {@link TypeSpec.Builtin} with an array shape: {@code opaque
 * x[4]} is FIXED_ARRAY with bound 4, {@code string s<>} VARIABLE_ARRAY with no bound.
 *
 * @param pos where its name is; for {@code void}, where the keyword is
 * @param name the declared name; null for {@code void}
 * @param type the element type
 * @param shape scalar, array, optional or void
 * @param bound the array size or maximum; null for {@code <>} and for other shapes
 */
public record Declaration(SourcePos pos, String name, TypeSpec type, Shape shape, Expr bound) {
  /** How a declaration uses its type. */
  public enum Shape {
    /** {@code T x} */
    SINGLE,
    /** {@code T x[N]} */
    FIXED_ARRAY,
    /** {@code T x<N>} or {@code T x<>} */
    VARIABLE_ARRAY,
    /** {@code T *x} */
    OPTIONAL,
    /** {@code void} */
    VOID
  }
}
