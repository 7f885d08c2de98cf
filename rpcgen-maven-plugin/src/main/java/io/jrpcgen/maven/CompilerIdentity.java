package io.jrpcgen.maven;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;

/** What tells one build of the compiler from another, so that a new one regenerates the code. */
final class CompilerIdentity {
  private CompilerIdentity() {}

  /**
   * The identity of the compiler this plugin runs, or a fixed text if its classes are not found.
   */
  static String ofRunningCompiler() {
    try {
      return of(
          Path.of(
              io.jrpcgen.compiler.Compiler.class
                  .getProtectionDomain()
                  .getCodeSource()
                  .getLocation()
                  .toURI()));
    } catch (Exception e) {
      return "unknown compiler";
    }
  }

  /**
   * The identity of the compiler loaded from {@code codeSource}: a jar's path, time and size, or,
   * for a directory of classes (a build of jrpcgen in the same reactor), the newest time, the count
   * and the total size of the files below it, since a directory's own time does not change when a
   * class file in a package below it is rewritten.
   */
  static String of(Path codeSource) throws IOException {
    if (!Files.isDirectory(codeSource)) {
      return codeSource
          + " "
          + Files.getLastModifiedTime(codeSource).toMillis()
          + " "
          + Files.size(codeSource);
    }
    long newest = 0;
    long count = 0;
    long size = 0;
    try (Stream<Path> files = Files.walk(codeSource)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        if (attributes.isRegularFile()) {
          newest = Math.max(newest, attributes.lastModifiedTime().toMillis());
          count++;
          size += attributes.size();
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return codeSource + " " + newest + " " + count + " " + size;
  }
}
