package io.jrpcgen.compiler.ast;

import io.jrpcgen.compiler.diag.SourcePos;
import java.util.List;

/**
 * {@code switch (discriminant) { case ...: arm; ... default: arm; }}.
 *
 * @param discriminant the discriminant declaration
 * @param arms the case arms in order
 * @param defaultArm the default arm, or null if there is none
 */
public record UnionBody(Declaration discriminant, List<Arm> arms, Declaration defaultArm) {
  /**
   * One arm: its case labels (several when cases fall through) and its declaration.
   *
   * @param pos where the first {@code case} is
   * @param labels the label expressions
   * @param declaration the arm's declaration, shape VOID for {@code void}
   */
  public record Arm(SourcePos pos, List<Expr> labels, Declaration declaration) {}
}
