package io.jrpcgen.compiler.parse;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the preprocessor needs besides the file: cpp's {@code -I} and {@code -D}.
 *
 * @param includeDirs where {@code #include} looks, after the including file's directory
 * @param defines macros defined before the file, by name; a value of {@code ""} defines it empty
 */
public record ParseOptions(List<Path> includeDirs, Map<String, String> defines) {
  /** Copies the arguments. */
  public ParseOptions {
    includeDirs = List.copyOf(includeDirs);
    defines = Map.copyOf(defines);
  }
}
