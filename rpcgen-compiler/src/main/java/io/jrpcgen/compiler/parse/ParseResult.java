package io.jrpcgen.compiler.parse;

import io.jrpcgen.compiler.ast.Specification;
import java.util.List;
import java.util.Map;

/**
 * A parsed file and the source lines diagnostics quote.
 *
 * @param specification the syntax tree, or null when the file could not be read or parsed
 * @param sourceLines the lines of the file and of what it includes, by file name as diagnostics
 *     print it
 */
public record ParseResult(Specification specification, Map<String, List<String>> sourceLines) {}
