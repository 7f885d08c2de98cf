package io.jrpcgen.compiler.ast;

import io.jrpcgen.compiler.diag.SourcePos;

/**
 * One enumerator.
 *
 * @param pos where it is
 * @param name its name
 * @param value its value; null when omitted (rpcgen then counts on from the previous one)
 */
public record EnumMember(SourcePos pos, String name, Expr value) {}
