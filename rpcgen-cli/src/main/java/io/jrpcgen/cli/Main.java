package io.jrpcgen.cli;

import io.jrpcgen.compiler.CompileResult;
import io.jrpcgen.compiler.Compiler;
import io.jrpcgen.compiler.CompilerOptions;
import io.jrpcgen.compiler.GeneratedClasses;
import io.jrpcgen.compiler.codegen.GenerateOptions.Emit;
import io.jrpcgen.compiler.diag.Diagnostic;
import io.jrpcgen.compiler.diag.DiagnosticRenderer;
import io.jrpcgen.compiler.model.SchemaJson;
import io.jrpcgen.xdr.schema.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The {@code jrpcgen} command: arguments to {@link CompilerOptions}, the compiler, diagnostics to
 * stderr; or, with {@code --dump-schema json}, the resolved schema as JSON; or one of the verbs of
 * {@link XdrVerbs} ({@code decode}, {@code encode}, {@code random}). Exit codes: 0 success, 1
 * errors in the input, 2 bad usage.
 */
@Command(
    name = "jrpcgen",
    versionProvider = Main.Version.class,
    sortOptions = false,
    description =
        "Compiles ONC RPC interface files (.x) to Java: types, client stubs and server"
            + " binders for the jrpcgen runtime.")
public final class Main implements Callable<Integer> {
  @Parameters(paramLabel = "FILE.x", arity = "1..*", description = "the files to compile")
  private List<Path> files;

  @Option(names = "-d", paramLabel = "DIR", description = "output root directory (default: .)")
  private Path outputDir = Path.of(".");

  @Option(
      names = "-p",
      paramLabel = "PACKAGE",
      description = "package of the generated code (default: the file's base name)")
  private String packageName;

  @Option(names = "-D", paramLabel = "NAME[=VALUE]", description = "define a preprocessor symbol")
  private List<String> defines = List.of();

  @Option(names = "-I", paramLabel = "DIR", description = "search DIR for #include files")
  private List<Path> includeDirs = List.of();

  @Option(
      names = "--emit",
      split = ",",
      paramLabel = "WHAT",
      description =
          "what to generate besides types: client, server, or types for types only"
              + " (default: client,server)")
  private Set<String> emit = Set.of("client", "server");

  @Option(
      names = "--default-timeout",
      paramLabel = "SECONDS",
      description = "timeout generated clients start with (default: 25)")
  private BigDecimal defaultTimeout = BigDecimal.valueOf(25);

  @Option(
      names = {"-T", "--extern-type"},
      paramLabel = "NAME=CLASS",
      description = "map a type the file uses but does not define to a Java class with a CODEC")
  private List<String> externalTypes = List.of();

  @Option(
      names = "--classes",
      paramLabel = "FILE.x.classes",
      description =
          "an #include of the .x file beside FILE uses the classes FILE lists (another build"
              + " generated them: see --classes-out) instead of generating its types again")
  private List<Path> generatedClasses = List.of();

  @Option(
      names = "--classes-out",
      paramLabel = "DIR",
      description =
          "also write FILE.x.classes into DIR for each FILE.x: the classes generated from it,"
              + " for builds that #include it (ship both beside each other)")
  private Path classesOut;

  @Option(
      names = "--dump-schema",
      paramLabel = "FORMAT",
      description =
          "write the parsed, resolved schema to standard output instead of Java;"
              + " FORMAT is json")
  private String dumpSchema;

  // Not -h: that is rpcgen's "header only", which gets its own answer (RpcgenFlags).
  @Option(names = "--help", usageHelp = true, description = "show this help and exit")
  @SuppressWarnings("UnusedVariable") // picocli sets it and prints the help itself
  private boolean help;

  @Option(
      names = {"-V", "--version"},
      versionHelp = true,
      description = "print the version")
  @SuppressWarnings("UnusedVariable") // picocli sets it and prints the version itself
  private boolean version;

  /** The exit code of a compiler bug, distinct from 1 (bad input) and 2 (bad usage). */
  static final int INTERNAL_ERROR = 3;

  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  // Console text in the platform's charset, as System.out itself writes it.
  @SuppressWarnings("DefaultCharset")
  public static void main(String[] args) {
    PrintWriter err = new PrintWriter(System.err, true);
    System.exit(
        XdrVerbs.isVerb(args)
            ? XdrVerbs.run(args, System.in, System.out, err)
            : run(args, new PrintWriter(System.out, true), err));
  }

  /** Runs the command with the given streams; returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    RpcgenFlags.Answer rpcgen = RpcgenFlags.answer(args);
    if (rpcgen.refusal() != null) {
      err.println("jrpcgen: " + rpcgen.refusal());
      return 2;
    }
    rpcgen.notes().forEach(note -> err.println("jrpcgen: note: " + note));
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(out);
    cli.setErr(err);
    cli.setParameterExceptionHandler(
        (e, ignored) -> {
          // One line, not a usage dump: what was wrong, and where the options are listed.
          err.println("jrpcgen: " + e.getMessage() + " (jrpcgen --help lists the options)");
          return 2;
        });
    cli.setExecutionExceptionHandler(
        (e, command, parsed) -> {
          if (e instanceof java.io.UncheckedIOException io) {
            err.println("jrpcgen: " + io.getMessage() + ": " + io.getCause().getMessage());
            return 1;
          }
          // A bug of ours, not the input's: one line that a report can quote, no stack trace.
          StackTraceElement[] where = e.getStackTrace();
          err.println(
              "jrpcgen: internal error: "
                  + e
                  + (where.length > 0 ? " at " + where[0] : "")
                  + "; please report it with the .x file");
          return INTERNAL_ERROR;
        });
    return cli.execute(RpcgenFlags.withoutAlwaysOn(args));
  }

  @Override
  public Integer call() {
    CompilerOptions options;
    try {
      options = options();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    if (dumpSchema != null) {
      return dumpSchema(options);
    }
    CompileResult result = Compiler.compile(options);
    if (!report(result.diagnostics(), result.sourceLines())) {
      return 1;
    }
    if (classesOut != null) {
      writeClasses(result);
    }
    return 0;
  }

  /** Writes FILE.x.classes into {@code classesOut} for each source FILE.x. */
  private void writeClasses(CompileResult result) {
    try {
      Files.createDirectories(classesOut);
      for (Map.Entry<Path, GeneratedClasses> source : result.classes().entrySet()) {
        String name = source.getKey().getFileName().toString();
        Files.writeString(
            GeneratedClasses.fileFor(classesOut.resolve(name)),
            source.getValue().text(name),
            StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to " + classesOut, e);
    }
  }

  /** Writes the resolved schemas as JSON, unless there are errors; writes no Java. */
  private int dumpSchema(CompilerOptions options) {
    if (!dumpSchema.equals("json")) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--dump-schema takes json, not '" + dumpSchema + "'");
    }
    Compiler.Resolved resolved = Compiler.resolve(options);
    if (!report(resolved.diagnostics(), resolved.sourceLines())) {
      return 1;
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(Json.writeIndented(SchemaJson.of(resolved.schemas())));
    out.flush();
    return 0;
  }

  /** Writes the diagnostics and their count to stderr; whether there was no error. */
  private boolean report(List<Diagnostic> diagnostics, Map<String, List<String>> sourceLines) {
    PrintWriter err = spec.commandLine().getErr();
    int errors = 0;
    int warnings = 0;
    for (Diagnostic d : diagnostics) {
      err.println(DiagnosticRenderer.render(d, sourceLines));
      if (d.severity() == Diagnostic.Severity.ERROR) {
        errors++;
      } else {
        warnings++;
      }
    }
    if (errors + warnings > 0) {
      err.println(count(errors, "error") + (warnings > 0 ? ", " + count(warnings, "warning") : ""));
    }
    err.flush();
    return errors == 0;
  }

  private CompilerOptions options() {
    CompilerOptions.Builder b =
        CompilerOptions.builder()
            .outputDir(outputDir)
            .packageName(packageName)
            .defaultTimeout(Duration.ofNanos(defaultTimeout.movePointRight(9).longValueExact()));
    files.forEach(b::source);
    includeDirs.forEach(b::includeDir);
    generatedClasses.forEach(b::generatedClasses);
    for (String d : defines) {
      int eq = d.indexOf('=');
      b.define(eq < 0 ? d : d.substring(0, eq), eq < 0 ? "1" : d.substring(eq + 1));
    }
    Set<Emit> parts = EnumSet.noneOf(Emit.class);
    for (String e : emit) {
      switch (e) {
        case "types" -> parts.add(Emit.TYPES);
        case "client" -> parts.add(Emit.CLIENT);
        case "server" -> parts.add(Emit.SERVER);
        default ->
            throw new IllegalArgumentException(
                "--emit takes types, client or server, not '" + e + "'");
      }
    }
    parts.add(Emit.TYPES);
    b.emit(parts);
    for (String mapping : externalTypes) {
      int eq = mapping.indexOf('=');
      if (eq <= 0 || eq == mapping.length() - 1) {
        throw new IllegalArgumentException(
            "-T/--extern-type takes NAME=CLASS (an .x type, a Java"
                + " class with a CODEC), not '"
                + mapping
                + "'");
      }
      b.externalType(mapping.substring(0, eq), mapping.substring(eq + 1));
    }
    if (packageName != null && !packageName.matches("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)*")) {
      throw new IllegalArgumentException("not a Java package name: '" + packageName + "'");
    }
    return b.build();
  }

  private static String count(int n, String what) {
    return n + " " + what + (n == 1 ? "" : "s");
  }

  /** The version Maven wrote into {@code jrpcgen-cli.properties} when it built the jar. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws java.io.IOException {
      Properties properties = new Properties();
      try (InputStream in = Main.class.getResourceAsStream("jrpcgen-cli.properties")) {
        if (in == null) {
          throw new java.io.FileNotFoundException("jrpcgen-cli.properties is not in the jar");
        }
        properties.load(in);
      }
      return new String[] {"jrpcgen " + properties.getProperty("version")};
    }
  }
}
