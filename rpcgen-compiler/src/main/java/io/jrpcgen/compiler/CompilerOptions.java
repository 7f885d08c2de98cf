package io.jrpcgen.compiler;

import com.palantir.javapoet.ClassName;
import io.jrpcgen.compiler.codegen.GenerateOptions.Emit;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.SourceVersion;

/**
 * Everything one compilation needs: what the CLI's flags and the Maven plugin's parameters map to.
 * Build with {@link #builder()}.
 *
 * @param sources the {@code .x} files
 * @param outputDir the root under which package directories are written
 * @param packageName the package of the generated code; null: each file's base name
 * @param defines preprocessor symbols ({@code -D})
 * @param includeDirs where {@code #include} looks after the including file's directory
 * @param emit what to generate besides types
 * @param defaultTimeout the timeout generated clients start with
 * @param externalTypes types mapped to Java classes with a CODEC: ones a file uses without
 *     defining, or defines but should not get generated
 * @param generatedClasses {@link GeneratedClasses} files ({@code FILE.x.classes}) of {@code .x}
 *     files that another build generated: when a source includes such a file, its structs, unions
 *     and enums are the classes listed, and its typedefs and programs are not generated again
 */
public record CompilerOptions(
    List<Path> sources,
    Path outputDir,
    String packageName,
    Map<String, String> defines,
    List<Path> includeDirs,
    Set<Emit> emit,
    Duration defaultTimeout,
    Map<String, String> externalTypes,
    List<Path> generatedClasses) {

  /** rpcgen's stubs wait 25 s. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(25);

  public CompilerOptions {
    sources = List.copyOf(sources);
    defines = Map.copyOf(defines);
    includeDirs = List.copyOf(includeDirs);
    emit = Set.copyOf(emit);
    externalTypes = Map.copyOf(externalTypes);
    generatedClasses = List.copyOf(generatedClasses);
    if (defaultTimeout.isNegative() || defaultTimeout.isZero()) {
      throw new IllegalArgumentException("defaultTimeout <= 0: " + defaultTimeout);
    }
    if (packageName != null) {
      checkPackageName(packageName);
    }
    externalTypes.forEach(CompilerOptions::checkExternalType);
  }

  /** Rejects a package javac would not accept ("" is the unnamed package). */
  private static void checkPackageName(String name) {
    if (name.isEmpty()) {
      return;
    }
    String problem = problem(name);
    if (problem != null) {
      throw new IllegalArgumentException("not a Java package name: '" + name + "'" + problem);
    }
  }

  /** Rejects a class name that generated code could not refer to. */
  private static void checkExternalType(String xdrName, String javaClass) {
    String problem = problem(javaClass);
    if (problem == null) {
      try {
        ClassName.bestGuess(javaClass);
        return;
      } catch (IllegalArgumentException e) {
        problem = " (package.Class)";
      }
    }
    throw new IllegalArgumentException(
        "-T " + xdrName + "=" + javaClass + ": not a Java class name" + problem);
  }

  /** Null if {@code name} is a qualified Java name, else why not (possibly ""). */
  private static String problem(String name) {
    for (String part : name.split("\\.", -1)) {
      if (SourceVersion.isKeyword(part)) {
        return " ('" + part + "' is a Java keyword)";
      } else if (!SourceVersion.isIdentifier(part)) {
        return "";
      }
    }
    return null;
  }

  /** Starts options with the defaults: output in ".", client and server emitted, 25 s. */
  public static Builder builder() {
    return new Builder();
  }

  /** Collects options. */
  public static final class Builder {
    private final List<Path> sources = new ArrayList<>();
    private Path outputDir = Path.of(".");
    private String packageName;
    private final Map<String, String> defines = new LinkedHashMap<>();
    private final List<Path> includeDirs = new ArrayList<>();
    private Set<Emit> emit = EnumSet.allOf(Emit.class);
    private Duration defaultTimeout = DEFAULT_TIMEOUT;
    private final Map<String, String> externalTypes = new LinkedHashMap<>();
    private final List<Path> generatedClasses = new ArrayList<>();

    private Builder() {}

    /** Adds a {@code .x} file to compile. */
    public Builder source(Path source) {
      sources.add(source);
      return this;
    }

    /** Sets the output root directory. */
    public Builder outputDir(Path dir) {
      this.outputDir = dir;
      return this;
    }

    /** Sets the package of the generated code; rejects one that is not a Java name. */
    public Builder packageName(String packageName) {
      if (packageName != null) {
        checkPackageName(packageName);
      }
      this.packageName = packageName;
      return this;
    }

    /** Defines a preprocessor symbol. */
    public Builder define(String name, String value) {
      defines.put(name, value);
      return this;
    }

    /** Adds an include directory. */
    public Builder includeDir(Path dir) {
      includeDirs.add(dir);
      return this;
    }

    /** Chooses what to generate. */
    public Builder emit(Set<Emit> emit) {
      this.emit = EnumSet.copyOf(emit);
      return this;
    }

    /** Sets the timeout generated clients start with. */
    public Builder defaultTimeout(Duration timeout) {
      this.defaultTimeout = timeout;
      return this;
    }

    /**
     * Maps a type to a Java class with a CODEC: one the file uses but does not define, or one it
     * defines that should not be generated. Rejects a class name that is not a Java name.
     */
    public Builder externalType(String xdrName, String javaClass) {
      checkExternalType(xdrName, javaClass);
      externalTypes.put(xdrName, javaClass);
      return this;
    }

    /**
     * Adds a {@link GeneratedClasses} file: an {@code #include} of the {@code .x} file beside it
     * uses the classes it lists instead of generating them.
     */
    public Builder generatedClasses(Path classesFile) {
      GeneratedClasses.xFileOf(classesFile);
      generatedClasses.add(classesFile);
      return this;
    }

    /** The options. */
    public CompilerOptions build() {
      return new CompilerOptions(
          sources,
          outputDir,
          packageName,
          defines,
          includeDirs,
          emit,
          defaultTimeout,
          externalTypes,
          generatedClasses);
    }
  }
}
