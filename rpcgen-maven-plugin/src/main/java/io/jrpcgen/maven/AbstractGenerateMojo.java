package io.jrpcgen.maven;

import io.jrpcgen.compiler.CompileResult;
import io.jrpcgen.compiler.CompilerOptions;
import io.jrpcgen.compiler.GeneratedClasses;
import io.jrpcgen.compiler.codegen.GenerateOptions.Emit;
import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.maven.artifact.DependencyResolutionRequiredException;
import org.apache.maven.model.Resource;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.sonatype.plexus.build.incremental.BuildContext;

/**
 * What the main and the test goal share: the source files, the compiler's options, the
 * dependencies' {@code .x} files, incremental generation and the IDE's build context.
 */
abstract class AbstractGenerateMojo extends AbstractMojo {
  /**
   * Ant patterns of the {@code .x} files to compile, relative to the source directory, as in every
   * Maven plugin: {@code sub/**}{@code /*.x} takes {@code sub/a.x} and {@code sub/deep/b.x}.
   */
  @Parameter(defaultValue = "**/*.x")
  private List<String> includes;

  /** Ant patterns of files to leave out, relative to the source directory. */
  @Parameter private List<String> excludes = List.of();

  /**
   * Whether the {@code .x} files of the dependencies (their jars, or the output directories of
   * modules of the same build) are searched by {@code #include}, after {@code includeDirectories}.
   * They are copied, with their paths in the jar, to {@code target/jrpcgen/dependencies/GOAL}.
   */
  @Parameter(property = "jrpcgen.includeDependencies", defaultValue = "true")
  private boolean includeDependencies;

  /**
   * Whether an {@code #include} of a dependency's {@code .x} file uses the classes the dependency
   * generated from it (listed in the {@code FILE.x.classes} its build packed beside the file)
   * instead of generating its types, typedefs and programs again.
   */
  @Parameter(property = "jrpcgen.useDependencyClasses", defaultValue = "true")
  private boolean useDependencyClasses;

  /**
   * Whether the compiled {@code .x} files become resources (main or test), so that the jar carries
   * them, with their paths under the source directory, for projects that depend on it and {@code
   * #include} them. Beside each goes {@code FILE.x.classes}, the classes generated from it, so that
   * those projects use them instead of generating their own.
   */
  @Parameter(property = "jrpcgen.attachXSources", defaultValue = "true")
  private boolean attachXSources;

  /**
   * The package of the generated code. By default each file gets its own, named after it ({@code
   * square.x} → {@code square}).
   */
  @Parameter(property = "jrpcgen.packageName")
  private String packageName;

  /** Preprocessor symbols, as cpp's {@code -D}: the name is the element, the value its text. */
  @Parameter private Map<String, String> defines = Map.of();

  /** Where {@code #include} looks after the including file's directory, as cpp's {@code -I}. */
  @Parameter private List<File> includeDirectories = List.of();

  /**
   * What to generate: {@code types}, {@code client}, {@code server}. Types are always generated; by
   * default all three.
   */
  @Parameter private List<String> emit = List.of("types", "client", "server");

  /** The timeout of generated clients, in seconds (rpcgen's stubs wait 25). */
  @Parameter(property = "jrpcgen.defaultTimeout", defaultValue = "25")
  private String defaultTimeout;

  /**
   * Types the files use but do not define (from a C header, or another {@code .x} compiled on its
   * own), mapped to the Java class, with a static {@code CODEC}, that stands for each: one element
   * per type, named after it, whose text is the class (element {@code nis_object}, text {@code
   * com.example.nis.NisObject}).
   */
  @Parameter private Map<String, String> externalTypes = Map.of();

  /** Skips the goal. */
  @Parameter(property = "jrpcgen.skip", defaultValue = "false")
  private boolean skip;

  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  private MavenProject project;

  @Parameter(defaultValue = "${mojoExecution}", readonly = true, required = true)
  private MojoExecution execution;

  /** The IDE's view of the build (m2e), or Maven's own, which sees every file as changed. */
  @Component private BuildContext buildContext;

  /** Where the {@code .x} files are. */
  abstract File sourceDirectory();

  /** Where the Java files go. */
  abstract File outputDirectory();

  /** Whether the goal generates main or test sources. */
  abstract SourceSet sourceSet();

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("jrpcgen: skipped");
      return;
    }
    Path sourceDir = sourceDirectory().toPath();
    List<Path> sources = XSources.scan(buildContext, sourceDir, includes, excludes);
    if (sources.isEmpty()) {
      getLog()
          .info(
              Files.isDirectory(sourceDir)
                  ? "jrpcgen: no file in "
                      + sourceDir
                      + " matches includes "
                      + includes
                      + (excludes.isEmpty() ? "" : " and not excludes " + excludes)
                      + "; nothing to generate"
                  : "jrpcgen: no .x files: " + sourceDir + " does not exist; nothing to generate");
      return;
    }
    if (attachXSources) {
      attach(sourceDir);
      attachClasses();
    }
    Path outputDir = outputDirectory().toPath();
    sourceSet().addSourceRoot(project, outputDir.toString());
    if (buildContext.isIncremental() && !hasDelta(sourceDir)) {
      return;
    }
    List<Path> includeDirs = new ArrayList<>();
    includeDirectories.forEach(d -> includeDirs.add(d.toPath()));
    List<Path> dependencyClasses = new ArrayList<>();
    if (includeDependencies) {
      Optional<Path> dependencyDir = dependencyIncludeDir();
      dependencyDir.ifPresent(includeDirs::add);
      if (useDependencyClasses && dependencyDir.isPresent()) {
        dependencyClasses.addAll(classesFiles(dependencyDir.get()));
      }
    }
    CompilerOptions options = options(sources, includeDirs, dependencyClasses, outputDir);
    // One state per output directory: executions that produce the same files share it.
    Path stateFile =
        Path.of(
            project.getBuild().getDirectory(),
            "jrpcgen",
            execution.getGoal()
                + "-"
                + Integer.toHexString(outputDir.toAbsolutePath().normalize().hashCode())
                + ".state");
    IncrementalGeneration.Outcome outcome;
    try {
      outcome =
          new IncrementalGeneration(options, CompilerIdentity.ofRunningCompiler(), stateFile).run();
    } catch (IOException | RuntimeException e) {
      throw new MojoExecutionException("jrpcgen: " + e.getMessage(), e);
    }
    if (outcome.upToDate()) {
      getLog()
          .info(
              "jrpcgen: "
                  + outcome.unchanged()
                  + " Java files from "
                  + sources.size()
                  + " .x files are up to date");
      return;
    }
    report(outcome, sources);
    if (attachXSources) {
      writeClasses(sourceDir, outcome.result());
    }
    buildContext.refresh(outputDir.toFile());
  }

  /** Where FILE.x.classes of this goal's sources go, with their paths under the source dir. */
  private Path classesDir() {
    return Path.of(project.getBuild().getDirectory(), "jrpcgen", "classes", execution.getGoal());
  }

  /** The classes directory as a resource: the jar carries FILE.x.classes beside FILE.x. */
  private void attachClasses() {
    String directory = classesDir().toString();
    List<Resource> resources = sourceSet().resources(project);
    if (resources.stream().noneMatch(r -> directory.equals(r.getDirectory()))) {
      Resource resource = new Resource();
      resource.setDirectory(directory);
      resources.add(resource);
    }
  }

  /**
   * Writes FILE.x.classes for each source and deletes those of sources that are gone, so the
   * directory holds exactly the classes of this compilation.
   */
  private void writeClasses(Path sourceDir, CompileResult result) throws MojoExecutionException {
    Path dir = classesDir();
    try {
      Set<Path> written = new HashSet<>();
      for (Map.Entry<Path, GeneratedClasses> source : result.classes().entrySet()) {
        Path relative = sourceDir.relativize(source.getKey());
        Path file = GeneratedClasses.fileFor(dir.resolve(relative));
        String text = source.getValue().text(relative.toString().replace(File.separatorChar, '/'));
        Files.createDirectories(file.getParent());
        if (!Files.isRegularFile(file) || !Files.readString(file).equals(text)) {
          Files.writeString(file, text, StandardCharsets.UTF_8);
        }
        written.add(file);
      }
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path old : files.filter(Files::isRegularFile).toList()) {
          if (!written.contains(old)) {
            Files.delete(old);
          }
        }
      }
      buildContext.refresh(dir.toFile());
    } catch (IOException e) {
      throw new MojoExecutionException(
          "jrpcgen: cannot write to " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The classes files in the dependencies' directory that sit beside a .x file there. */
  private static List<Path> classesFiles(Path dependencyDir) throws MojoExecutionException {
    try (Stream<Path> files = Files.walk(dependencyDir)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".x" + GeneratedClasses.SUFFIX))
          .filter(f -> Files.isRegularFile(GeneratedClasses.xFileOf(f)))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new MojoExecutionException(
          "jrpcgen: cannot list " + dependencyDir + ": " + e.getMessage(), e);
    }
  }

  /** Whether the IDE saw a change to the sources or to what they may include. */
  private boolean hasDelta(Path sourceDir) {
    if (buildContext.hasDelta(sourceDir.toFile())) {
      return true;
    }
    return includeDirectories.stream().anyMatch(buildContext::hasDelta);
  }

  /** The source directory as a resource: the jar carries the compiled .x files. */
  private void attach(Path sourceDir) {
    String directory = sourceDir.toString();
    List<Resource> resources = sourceSet().resources(project);
    if (resources.stream().anyMatch(r -> directory.equals(r.getDirectory()))) {
      return;
    }
    Resource resource = new Resource();
    resource.setDirectory(directory);
    resource.setIncludes(new ArrayList<>(includes));
    resource.setExcludes(new ArrayList<>(excludes));
    resources.add(resource);
  }

  /** Copies the dependencies' .x files to one directory; empty if they have none. */
  private Optional<Path> dependencyIncludeDir() throws MojoExecutionException {
    Path target =
        Path.of(project.getBuild().getDirectory(), "jrpcgen", "dependencies", execution.getGoal());
    List<Path> classpath = new ArrayList<>();
    Path own = Path.of(sourceSet().ownOutputDirectory(project)).toAbsolutePath().normalize();
    try {
      for (String element : sourceSet().classpath(project)) {
        Path path = Path.of(element).toAbsolutePath().normalize();
        if (!path.equals(own)) {
          classpath.add(path);
        }
      }
      List<String> copied = DependencyXFiles.copy(classpath, target);
      if (copied.isEmpty()) {
        return Optional.empty();
      }
      getLog().debug("jrpcgen: .x files of the dependencies, in " + target + ": " + copied);
      return Optional.of(target);
    } catch (DependencyResolutionRequiredException | IOException e) {
      throw new MojoExecutionException(
          "jrpcgen: cannot read the dependencies' .x files: " + e.getMessage(), e);
    }
  }

  private void report(IncrementalGeneration.Outcome outcome, List<Path> sources)
      throws MojoFailureException {
    int errors = CompilerMessages.publish(outcome.result(), getLog(), buildContext);
    if (errors > 0) {
      throw new MojoFailureException(
          "jrpcgen: "
              + errors
              + (errors == 1 ? " error" : " errors")
              + " in .x files; nothing generated");
    }
    getLog()
        .info(
            "jrpcgen: compiled "
                + sources.size()
                + " .x files: "
                + outcome.written()
                + " Java files written, "
                + outcome.unchanged()
                + " unchanged, "
                + outcome.removed().size()
                + " removed");
  }

  private CompilerOptions options(
      List<Path> sources, List<Path> includeDirs, List<Path> dependencyClasses, Path outputDir)
      throws MojoExecutionException {
    CompilerOptions.Builder b = CompilerOptions.builder().outputDir(outputDir);
    sources.forEach(b::source);
    dependencyClasses.forEach(b::generatedClasses);
    defines.forEach((name, value) -> b.define(name, value == null ? "1" : value));
    includeDirs.forEach(b::includeDir);
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
        throw new MojoExecutionException(
            "jrpcgen: emit must be types, client or server, not '" + e + "'", ex);
      }
    }
    b.emit(parts);
    try {
      BigDecimal seconds = new BigDecimal(defaultTimeout.strip());
      b.defaultTimeout(Duration.ofNanos(seconds.movePointRight(9).longValueExact()));
      return b.build();
    } catch (ArithmeticException | IllegalArgumentException e) {
      throw new MojoExecutionException(
          "jrpcgen: defaultTimeout must be a positive number of"
              + " seconds, not '"
              + defaultTimeout
              + "'",
          e);
    }
  }
}
