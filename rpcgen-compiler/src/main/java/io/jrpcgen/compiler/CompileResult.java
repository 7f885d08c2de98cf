package io.jrpcgen.compiler;

import io.jrpcgen.compiler.diag.Diagnostic;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a compilation produced.
 *
 * @param diagnostics every error and warning, in file and line order
 * @param sourceLines the lines of each source file by name, to show a diagnostic's line
 * @param files the generated files by path under the output directory, with their content; empty if
 *     there were errors
 * @param written the files written because they were new or changed
 * @param classes the classes generated from each source's structs, unions and enums (with those of
 *     what it includes and generates too), by source as given; empty if there were errors
 */
public record CompileResult(
    List<Diagnostic> diagnostics,
    Map<String, List<String>> sourceLines,
    Map<Path, String> files,
    List<Path> written,
    Map<Path, GeneratedClasses> classes) {

  /** Whether there were no errors. */
  public boolean success() {
    return diagnostics.stream().noneMatch(d -> d.severity() == Diagnostic.Severity.ERROR);
  }
}
