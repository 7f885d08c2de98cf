package io.jrpcgen.maven;

import io.jrpcgen.compiler.CompilerOptions;
import io.jrpcgen.compiler.codegen.GenerateOptions.Emit;
import io.jrpcgen.compiler.diag.Diagnostic;
import io.jrpcgen.compiler.diag.DiagnosticRenderer;
import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/** What the main and the test goal share: the compiler's options and incremental generation. */
abstract class AbstractGenerateMojo extends AbstractMojo {
  /** Patterns of the {@code .x} files to compile, relative to the source directory. */
  @Parameter(defaultValue = "**/*.x")
  private Set<String> includes;

  /** Patterns of files to leave out, relative to the source directory. */
  @Parameter
  private Set<String> excludes = Set.of();

  /**
   * The package of the generated code. By default each file gets its own, named after it
   * ({@code square.x} → {@code square}).
   */
  @Parameter(property = "jrpcgen.packageName")
  private String packageName;

  /** Preprocessor symbols, as cpp's {@code -D}: the name is the element, the value its text. */
  @Parameter
  private Map<String, String> defines = Map.of();

  /** Where {@code #include} looks after the including file's directory, as cpp's {@code -I}. */
  @Parameter
  private List<File> includeDirectories = List.of();

  /**
   * What to generate: {@code types}, {@code client}, {@code server}. Types are always generated;
   * by default all three.
   */
  @Parameter
  private List<String> emit = List.of("types", "client", "server");

  /** The timeout of generated clients, in seconds (rpcgen's stubs wait 25). */
  @Parameter(property = "jrpcgen.defaultTimeout", defaultValue = "25")
  private String defaultTimeout;

  /**
   * Types the files use but do not define (from a C header, or another {@code .x} compiled on its
   * own), mapped to the Java class, with a static {@code CODEC}, that stands for each: one
   * element per type, named after it, whose text is the class (element {@code nis_object}, text
   * {@code com.example.nis.NisObject}).
   */
  @Parameter
  private Map<String, String> externalTypes = Map.of();

  /** Skips the goal. */
  @Parameter(property = "jrpcgen.skip", defaultValue = "false")
  private boolean skip;

  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  private MavenProject project;

  @Parameter(defaultValue = "${mojoExecution}", readonly = true, required = true)
  private MojoExecution execution;

  /** Where the {@code .x} files are. */
  abstract File sourceDirectory();

  /** Where the Java files go. */
  abstract File outputDirectory();

  /** Adds the output directory to the project's compile or test-compile sources. */
  abstract void addSourceRoot(MavenProject project, String directory);

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("jrpcgen: skipped");
      return;
    }
    Path sourceDir = sourceDirectory().toPath();
    List<Path> sources = sources(sourceDir);
    if (sources.isEmpty()) {
      getLog().info("jrpcgen: no .x files in " + sourceDir + "; nothing to generate");
      return;
    }
    Path outputDir = outputDirectory().toPath();
    CompilerOptions options = options(sources, outputDir);
    // One state per output directory: executions that produce the same files share it.
    Path stateFile = Path.of(project.getBuild().getDirectory(), "jrpcgen", execution.getGoal()
        + "-" + Integer.toHexString(outputDir.toAbsolutePath().normalize().hashCode()) + ".state");
    IncrementalGeneration.Outcome outcome;
    try {
      outcome = new IncrementalGeneration(options, compilerIdentity(), stateFile).run();
    } catch (IOException | RuntimeException e) {
      throw new MojoExecutionException("jrpcgen: " + e.getMessage(), e);
    }
    addSourceRoot(project, outputDir.toString());
    if (outcome.upToDate()) {
      getLog().info("jrpcgen: " + outcome.unchanged() + " Java files from " + sources.size()
          + " .x files are up to date");
      return;
    }
    report(outcome, sources.size());
  }

  private void report(IncrementalGeneration.Outcome outcome, int sourceCount)
      throws MojoFailureException {
    int errors = 0;
    for (Diagnostic d : outcome.result().diagnostics()) {
      for (String line : DiagnosticRenderer.render(d, outcome.result().sourceLines())
          .split("\n")) {
        if (d.severity() == Diagnostic.Severity.ERROR) {
          getLog().error(line);
        } else {
          getLog().warn(line);
        }
      }
      errors += d.severity() == Diagnostic.Severity.ERROR ? 1 : 0;
    }
    if (errors > 0) {
      throw new MojoFailureException("jrpcgen: " + errors + (errors == 1 ? " error" : " errors")
          + " in .x files; nothing generated");
    }
    getLog().info("jrpcgen: compiled " + sourceCount + " .x files: " + outcome.written()
        + " Java files written, " + outcome.unchanged() + " unchanged, "
        + outcome.removed().size() + " removed");
  }

  private List<Path> sources(Path dir) throws MojoExecutionException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<PathMatcher> in = matchers(includes);
    List<PathMatcher> out = matchers(excludes);
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile)
          .filter(f -> matches(in, dir.relativize(f)) && !matches(out, dir.relativize(f)))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new MojoExecutionException("jrpcgen: cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  private static List<PathMatcher> matchers(Set<String> patterns) {
    List<PathMatcher> matchers = new ArrayList<>();
    for (String pattern : patterns) {
      matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + pattern));
      // Ant's **/ also matches no directory at all; Java's glob needs one.
      if (pattern.startsWith("**/")) {
        matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + pattern.substring(3)));
      }
    }
    return matchers;
  }

  private static boolean matches(List<PathMatcher> matchers, Path relative) {
    return matchers.stream().anyMatch(m -> m.matches(relative));
  }

  private CompilerOptions options(List<Path> sources, Path outputDir)
      throws MojoExecutionException {
    CompilerOptions.Builder b = CompilerOptions.builder().outputDir(outputDir);
    sources.forEach(b::source);
    defines.forEach((name, value) -> b.define(name, value == null ? "1" : value));
    includeDirectories.forEach(d -> b.includeDir(d.toPath()));
    try {
      if (packageName != null && !packageName.isBlank()) {
        b.packageName(packageName.strip());
      }
      externalTypes.forEach(b::externalType);
    } catch (IllegalArgumentException e) {
      throw new MojoExecutionException("jrpcgen: " + e.getMessage(), e);
    }
    Set<Emit> parts = EnumSet.of(Emit.TYPES);
    for (String e : emit) {
      try {
        parts.add(Emit.valueOf(e.strip().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException ex) {
        throw new MojoExecutionException("jrpcgen: emit must be types, client or server, not '"
            + e + "'", ex);
      }
    }
    b.emit(parts);
    try {
      BigDecimal seconds = new BigDecimal(defaultTimeout.strip());
      b.defaultTimeout(Duration.ofNanos(seconds.movePointRight(9).longValueExact()));
      return b.build();
    } catch (ArithmeticException | IllegalArgumentException e) {
      throw new MojoExecutionException("jrpcgen: defaultTimeout must be a positive number of"
          + " seconds, not '" + defaultTimeout + "'", e);
    }
  }

  /** The compiler's jar and its timestamp: a rebuilt compiler invalidates earlier output. */
  private static String compilerIdentity() {
    try {
      Path jar = Path.of(io.jrpcgen.compiler.Compiler.class.getProtectionDomain().getCodeSource()
          .getLocation().toURI());
      return jar + " " + Files.getLastModifiedTime(jar).toMillis() + " " + Files.size(jar);
    } catch (Exception e) {
      return "unknown compiler";
    }
  }
}
