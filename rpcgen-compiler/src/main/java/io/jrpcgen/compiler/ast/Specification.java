package io.jrpcgen.compiler.ast;

import java.util.List;

/**
 * A parsed {@code .x} file with what it includes, definitions in source order.
 *
 * @param file the file compiled
 * @param definitions its definitions, included files' ones at the place of the include
 */
public record Specification(String file, List<Definition> definitions) {}
