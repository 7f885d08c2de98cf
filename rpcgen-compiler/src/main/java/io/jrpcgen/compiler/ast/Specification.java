package io.jrpcgen.compiler.ast;

import java.util.List;

/**
 * A parsed {@code .x} file with what it includes, definitions in source order.
 *
 * @param file the file compiled
 * @param definitions its definitions, included files' ones at the place of the include
 * @param cDefines integer constants that {@code %#define} lines give the C side ({@code %#define
 *     LM_MAXSTRLEN 1024}): .x definitions may use them as rpcgen's C output does, but they are not
 *     .x definitions themselves
 */
public record Specification(
    String file, List<Definition> definitions, List<Definition.Const> cDefines) {}
