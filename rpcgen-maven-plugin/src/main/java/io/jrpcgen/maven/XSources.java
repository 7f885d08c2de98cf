package io.jrpcgen.maven;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import org.codehaus.plexus.util.Scanner;
import org.sonatype.plexus.build.incremental.BuildContext;

/**
 * The {@code .x} files a goal compiles: those of the source directory that match the includes and
 * none of the excludes, with the Ant patterns every Maven plugin uses ({@code **} is any number of
 * directories, none included; the usual SCM files are left out).
 */
final class XSources {
  private XSources() {}

  /** The matching files, sorted; none if the directory does not exist. */
  static List<Path> scan(
      BuildContext context, Path dir, Collection<String> includes, Collection<String> excludes) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    // Every file, not only the changed ones: the compiler reads a file with what it includes.
    Scanner scanner = context.newScanner(dir.toFile(), true);
    scanner.setIncludes(includes.toArray(String[]::new));
    scanner.setExcludes(excludes.toArray(String[]::new));
    scanner.addDefaultExcludes();
    scanner.scan();
    return Arrays.stream(scanner.getIncludedFiles()).map(dir::resolve).sorted().toList();
  }
}
