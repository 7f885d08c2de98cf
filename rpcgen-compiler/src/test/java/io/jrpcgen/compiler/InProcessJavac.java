package io.jrpcgen.compiler;

import io.jrpcgen.xdr.XdrCodec;
import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** Compiles generated sources with javac in this JVM, against the runtime, for the tests. */
public final class InProcessJavac {
  private InProcessJavac() {}

  /** Compiles {@code sources} (path → content) into {@code outputDir}; returns javac's errors. */
  public static List<String> compile(Map<Path, String> sources, Path outputDir) {
    return compile(sources, outputDir, 17, List.of());
  }

  /** As {@link #compile(Map, Path)}, for Java {@code release} (at most this JDK's). */
  public static List<String> compile(Map<Path, String> sources, Path outputDir, int release) {
    return compile(sources, outputDir, release, List.of());
  }

  /** As {@link #compile(Map, Path)}, with {@code classPath} beside the runtime. */
  public static List<String> compile(
      Map<Path, String> sources, Path outputDir, List<Path> classPath) {
    return compile(sources, outputDir, 17, classPath);
  }

  /** As {@link #compile(Map, Path)}, for Java {@code release}, with {@code classPath}. */
  public static List<String> compile(
      Map<Path, String> sources, Path outputDir, int release, List<Path> classPath) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    List<JavaFileObject> units = new ArrayList<>();
    sources.forEach((path, content) -> units.add(new Source(path, content)));
    try (StandardJavaFileManager files =
        javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
      Files.createDirectories(outputDir);
      List<String> options =
          List.of(
              "--release",
              Integer.toString(release),
              "-proc:none",
              "-Xlint:all",
              "-Werror",
              "-classpath",
              Stream.concat(Stream.of(runtimeLocation()), classPath.stream())
                  .map(Path::toString)
                  .collect(Collectors.joining(File.pathSeparator)),
              "-d",
              outputDir.toString());
      StringWriter out = new StringWriter();
      javac.getTask(out, files, diagnostics, options, null, units).call();
      List<String> errors = new ArrayList<>();
      for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
        if (d.getKind() == Diagnostic.Kind.ERROR
            || d.getKind() == Diagnostic.Kind.WARNING
            || d.getKind() == Diagnostic.Kind.MANDATORY_WARNING) {
          errors.add(
              (d.getSource() == null ? "" : d.getSource().getName())
                  + ":"
                  + d.getLineNumber()
                  + ": "
                  + d.getMessage(Locale.ROOT));
        }
      }
      return errors;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The runtime's classes: a directory in the reactor, else its jar; with its module-info. */
  static Path runtimeLocation() {
    try {
      return Path.of(XdrCodec.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final class Source extends SimpleJavaFileObject {
    private final String content;

    Source(Path path, String content) {
      super(Path.of("/generated").resolve(path).toUri(), Kind.SOURCE);
      this.content = content;
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return content;
    }
  }
}
