package io.jrpcgen.maven;

import io.jrpcgen.compiler.GeneratedClasses;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The {@code .x} files that a project's dependencies carry (in their jars, or in the output
 * directory of a module of the same reactor), copied into one directory that {@code #include}
 * searches: paths inside the jar are kept, so {@code #include "nfs/nfs_prot.x"} finds {@code
 * nfs/nfs_prot.x} of any jar. When two dependencies hold the same path the first on the class path
 * wins, as for classes. The directory holds exactly what the class path offers: a file no
 * dependency has any more is deleted, and an unchanged one is not rewritten. A {@code
 * FILE.x.classes} beside a {@code FILE.x} (the classes its build generated from it) is copied too.
 */
final class DependencyXFiles {
  /** A file larger than this is no interface definition; it is refused rather than read. */
  static final long MAX_FILE_BYTES = 16L << 20;

  private DependencyXFiles() {}

  /**
   * Copies the {@code .x} files of {@code classpath} (jars and directories, in order) into {@code
   * target}; returns their paths relative to it, in class path order.
   */
  static List<String> copy(List<Path> classpath, Path target) throws IOException {
    Map<String, byte[]> found = new LinkedHashMap<>();
    for (Path element : classpath) {
      if (Files.isDirectory(element)) {
        fromDirectory(element, found);
      } else if (Files.isRegularFile(element) && element.toString().endsWith(".jar")) {
        fromJar(element, found);
      }
    }
    if (found.isEmpty() && !Files.exists(target)) {
      return List.of();
    }
    Files.createDirectories(target);
    try (Stream<Path> existing = Files.walk(target)) {
      for (Path old : existing.filter(Files::isRegularFile).toList()) {
        if (!found.containsKey(relative(target, old))) {
          Files.delete(old);
        }
      }
    }
    for (Map.Entry<String, byte[]> file : found.entrySet()) {
      Path to = target.resolve(file.getKey()).normalize();
      if (!to.startsWith(target)) {
        throw new IOException(
            "a dependency's .x file lies outside " + target + ": " + file.getKey());
      }
      if (!Files.isRegularFile(to) || !Arrays.equals(Files.readAllBytes(to), file.getValue())) {
        Files.createDirectories(to.getParent());
        Files.write(to, file.getValue());
      }
    }
    return List.copyOf(found.keySet());
  }

  private static void fromDirectory(Path dir, Map<String, byte[]> found) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(DependencyXFiles::isXFile).sorted().toList()) {
        String name = relative(dir, file);
        if (!found.containsKey(name)) {
          if (Files.size(file) > MAX_FILE_BYTES) {
            throw new IOException(file + " is larger than " + MAX_FILE_BYTES + " bytes");
          }
          found.put(name, Files.readAllBytes(file));
        }
      }
    }
  }

  private static void fromJar(Path jar, Map<String, byte[]> found) throws IOException {
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements(); ) {
        ZipEntry entry = entries.nextElement();
        String name = entry.getName();
        if (entry.isDirectory() || !isShipped(name) || found.containsKey(name)) {
          continue;
        }
        try (InputStream in = zip.getInputStream(entry)) {
          // Bounded by what the entry holds, not by the size its header claims.
          byte[] bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
          if (bytes.length > MAX_FILE_BYTES) {
            throw new IOException(
                jar + "!/" + name + " is larger than " + MAX_FILE_BYTES + " bytes");
          }
          found.put(name, bytes);
        }
      }
    }
  }

  private static boolean isXFile(Path file) {
    return Files.isRegularFile(file) && isShipped(file.getFileName().toString());
  }

  /** A {@code .x} file, or the {@link GeneratedClasses} file of one. */
  private static boolean isShipped(String name) {
    return name.endsWith(".x") || name.endsWith(".x" + GeneratedClasses.SUFFIX);
  }

  private static String relative(Path dir, Path file) {
    return dir.relativize(file).toString().replace(java.io.File.separatorChar, '/');
  }
}
