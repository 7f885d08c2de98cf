package io.jrpcgen.compiler;

import com.palantir.javapoet.JavaFile;
import io.jrpcgen.compiler.codegen.GenerateOptions;
import io.jrpcgen.compiler.codegen.JavaGenerator;
import io.jrpcgen.compiler.diag.Diagnostic;
import io.jrpcgen.compiler.diag.Diagnostics;
import io.jrpcgen.compiler.diag.SourcePos;
import io.jrpcgen.compiler.model.NamedType;
import io.jrpcgen.compiler.model.ResolveOptions;
import io.jrpcgen.compiler.model.Resolver;
import io.jrpcgen.compiler.model.Schema;
import io.jrpcgen.compiler.naming.JavaNames;
import io.jrpcgen.compiler.naming.Names;
import io.jrpcgen.compiler.naming.Naming;
import io.jrpcgen.compiler.parse.ParseOptions;
import io.jrpcgen.compiler.parse.ParseResult;
import io.jrpcgen.compiler.parse.XdrParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The compiler: {@code .x} files in, Java files out. Each file is preprocessed, parsed, resolved
 * and generated; if any file has an error, nothing is written. Files whose content did not change
 * are not rewritten, so builds stay incremental. Reentrant: no static state.
 */
public final class Compiler {
  private Compiler() {}

  /** Compiles and writes what changed. */
  public static CompileResult compile(CompilerOptions options) {
    CompileResult result = generate(options);
    if (!result.success()) {
      return result;
    }
    List<Path> written = new ArrayList<>();
    try {
      for (Map.Entry<Path, String> file : result.files().entrySet()) {
        Path target = options.outputDir().resolve(file.getKey());
        byte[] content = file.getValue().getBytes(StandardCharsets.UTF_8);
        if (Files.isRegularFile(target)
            && java.util.Arrays.equals(Files.readAllBytes(target), content)) {
          continue;
        }
        Files.createDirectories(target.getParent());
        Files.write(target, content);
        written.add(target);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to " + options.outputDir(), e);
    }
    return new CompileResult(
        result.diagnostics(), result.sourceLines(), result.files(), written, result.classes());
  }

  /** Compiles in memory: the files it would write, by path relative to the output directory. */
  public static CompileResult generate(CompilerOptions options) {
    Diagnostics diagnostics = new Diagnostics();
    Map<String, List<String>> sourceLines = new LinkedHashMap<>();
    Map<Path, String> files = new LinkedHashMap<>();
    Map<Path, GeneratedClasses> classes = new LinkedHashMap<>();
    Map<Path, GeneratedClasses> generated = readGeneratedClasses(options, diagnostics);
    ResolveOptions resolveOptions = new ResolveOptions(externalTypes(options, generated));
    ParseOptions parseOptions = new ParseOptions(options.includeDirs(), options.defines());
    for (Path source : options.sources()) {
      ParseResult parsed = XdrParser.parse(source, parseOptions, diagnostics);
      sourceLines.putAll(parsed.sourceLines());
      if (parsed.specification() == null) {
        continue;
      }
      Schema schema =
          withoutGenerated(
              Resolver.resolve(parsed.specification(), resolveOptions, diagnostics),
              generated.keySet());
      Names names = schema == null ? null : Naming.assign(schema, diagnostics);
      if (names == null) {
        continue;
      }
      String pkg = options.packageName() != null ? options.packageName() : packageFor(source);
      for (JavaFile f :
          JavaGenerator.generate(
              schema, names, new GenerateOptions(pkg, options.emit(), options.defaultTimeout()))) {
        Path path = Path.of(f.packageName().replace('.', '/'), f.typeSpec().name() + ".java");
        files.put(path, JavaGenerator.toSource(f));
      }
      Map<String, String> types = new LinkedHashMap<>();
      for (NamedType type : schema.types()) {
        types.put(type.name(), pkg.isEmpty() ? names.type(type) : pkg + "." + names.type(type));
      }
      classes.put(source, new GeneratedClasses(types));
    }
    boolean failed = diagnostics.hasErrors();
    return new CompileResult(
        diagnostics.list(),
        sourceLines,
        failed ? Map.of() : files,
        List.of(),
        failed ? Map.of() : classes);
  }

  /** The classes files of the options, by the {@code .x} file each describes; errors reported. */
  private static Map<Path, GeneratedClasses> readGeneratedClasses(
      CompilerOptions options, Diagnostics diagnostics) {
    Map<Path, GeneratedClasses> generated = new LinkedHashMap<>();
    for (Path file : options.generatedClasses()) {
      try {
        generated.put(canonical(GeneratedClasses.xFileOf(file)), GeneratedClasses.read(file));
      } catch (IOException | RuntimeException e) {
        diagnostics.error(
            new SourcePos(file.toString(), 1, 1), "cannot read classes file: " + e.getMessage());
      }
    }
    return generated;
  }

  /** The classes files' types, then the options' own mappings, which win. */
  private static Map<String, String> externalTypes(
      CompilerOptions options, Map<Path, GeneratedClasses> generated) {
    Map<String, String> types = new LinkedHashMap<>();
    generated.values().forEach(g -> types.putAll(g.types()));
    types.putAll(options.externalTypes());
    return types;
  }

  /**
   * {@code schema} without the typedefs and programs of included files that another build generated
   * (their types are external already): that build's classes hold them. Null stays null.
   */
  private static Schema withoutGenerated(Schema schema, Set<Path> generatedFiles) {
    if (schema == null || generatedFiles.isEmpty()) {
      return schema;
    }
    return new Schema(
        schema.file(),
        schema.constants(),
        schema.types(),
        schema.typedefs().stream()
            .filter(t -> !generatedFiles.contains(canonical(Path.of(t.pos().file()))))
            .toList(),
        schema.programs().stream()
            .filter(p -> !generatedFiles.contains(canonical(Path.of(p.pos().file()))))
            .toList());
  }

  private static Path canonical(Path file) {
    return file.toAbsolutePath().normalize();
  }

  /**
   * Parses and resolves without generating: the schemas of the files (those with errors left out),
   * for tools that work on the {@code .x} itself, such as the CLI's JSON verbs.
   */
  public static Resolved resolve(CompilerOptions options) {
    Diagnostics diagnostics = new Diagnostics();
    Map<String, List<String>> sourceLines = new LinkedHashMap<>();
    List<Schema> schemas = new ArrayList<>();
    ParseOptions parseOptions = new ParseOptions(options.includeDirs(), options.defines());
    for (Path source : options.sources()) {
      ParseResult parsed = XdrParser.parse(source, parseOptions, diagnostics);
      sourceLines.putAll(parsed.sourceLines());
      if (parsed.specification() != null) {
        Schema schema =
            Resolver.resolve(
                parsed.specification(), new ResolveOptions(options.externalTypes()), diagnostics);
        if (schema != null) {
          schemas.add(schema);
        }
      }
    }
    return new Resolved(diagnostics.list(), sourceLines, schemas);
  }

  /**
   * What {@link #resolve} found.
   *
   * @param diagnostics every error and warning
   * @param sourceLines the lines of each source file by name
   * @param schemas the resolved files, in the order given
   */
  public record Resolved(
      List<Diagnostic> diagnostics, Map<String, List<String>> sourceLines, List<Schema> schemas) {
    /** Whether there were no errors. */
    public boolean success() {
      return diagnostics.stream().noneMatch(d -> d.severity() == Diagnostic.Severity.ERROR);
    }
  }

  /** The default package of a file: its base name, lower case, as a Java identifier. */
  static String packageFor(Path source) {
    String name = source.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String base =
        (dot > 0 ? name.substring(0, dot) : name)
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9_]", "_");
    if (base.isEmpty() || Character.isDigit(base.charAt(0))) {
      base = "_" + base;
    }
    return JavaNames.isReserved(base) ? base + "_" : base;
  }
}
