package io.jrpcgen.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated code as a named module that requires the runtime's: it compiles and serves a call on
 * the module path, and the runtime's {@code io.jrpcgen.internal} packages stay closed to it.
 */
class ModulePathTest {
  private static final String SQUARE_X =
      """
      struct square_in { long arg1; };
      struct square_out { long res1; };
      program SQUARE_PROG {
        version SQUARE_VERS { square_out SQUAREPROC(square_in) = 1; } = 1;
      } = 0x31230000;
      """;

  private static final String MODULE_INFO =
      """
      module square.app {
        requires io.jrpcgen.runtime;
      }
      """;

  /** Serves SQUAREPROC, calls it, then tries the runtime's internal plumbing by reflection. */
  private static final String MAIN =
      """
      package app;

      import app.square.SquareIn;
      import app.square.SquareOut;
      import app.square.SquareProg;
      import io.jrpcgen.server.RpcServer;
      import io.jrpcgen.transport.RpcChannel;
      import java.net.InetAddress;
      import java.net.InetSocketAddress;

      public final class Main {
        public static void main(String[] args) throws Exception {
          InetAddress loopback = InetAddress.getLoopbackAddress();
          RpcServer server = RpcServer.builder()
              .program(SquareProg.bindSquareVers(in -> new SquareOut(in.arg1() * in.arg1())))
              .bindAddress(loopback)
              .port(0)
              .start();
          try (SquareProg.SquareVersClient client = SquareProg.SquareVersClient.create(
              RpcChannel.tcp(new InetSocketAddress(loopback, server.tcpPort())))) {
            System.out.println("result: " + client.squareproc(new SquareIn(5)).res1());
            System.out.println("jdk.management: "
                + ModuleLayer.boot().findModule("jdk.management").isPresent());
          } finally {
            server.close();
          }
          try {
            Class.forName("io.jrpcgen.internal.transport.RecordMarking")
                .getField("HEADER_SIZE").get(null);
            System.out.println("internal: accessible");
          } catch (IllegalAccessException e) {
            System.out.println("internal: closed");
          }
        }
      }
      """;

  @TempDir Path dir;

  @Test
  void generatedCodeServesACallOnTheModulePath() throws Exception {
    Path classes = compileModule(MAIN);

    assertThat(run(classes))
        .containsSubsequence("result: 25", "jdk.management: true", "internal: closed");
  }

  @Test
  void theServerRunsWithoutJdkManagement() throws Exception {
    Path classes = compileModule(MAIN);

    // RpcServer reads the descriptor limit through jdk.management when the image has it.
    assertThat(run(classes, "--limit-modules", "java.base,java.management,square.app"))
        .containsSubsequence("result: 25", "jdk.management: false", "internal: closed");
  }

  @Test
  void internalPackagesAreNotExported() throws Exception {
    String usesInternal =
        """
        package app;

        public final class Main {
          public static void main(String[] args) {
            System.out.println(io.jrpcgen.internal.transport.RecordMarking.HEADER_SIZE);
          }
        }
        """;

    assertThat(javac(writeModule(usesInternal), dir.resolve("classes")))
        .contains(
            "package io.jrpcgen.internal.transport is declared in module"
                + " io.jrpcgen.runtime, which does not export it");
  }

  private Path compileModule(String main) throws IOException {
    Path classes = dir.resolve("classes");
    assertThat(javac(writeModule(main), classes)).isEmpty();
    return classes;
  }

  /** The module's sources: the generated square code, module-info and {@code main}. */
  private Path writeModule(String main) throws IOException {
    Path src = dir.resolve("src");
    Path x = Files.writeString(dir.resolve("square.x"), SQUARE_X);
    CompileResult result =
        Compiler.compile(
            CompilerOptions.builder().source(x).outputDir(src).packageName("app.square").build());
    assertThat(result.success()).as("%s", result.diagnostics()).isTrue();
    Files.writeString(src.resolve("module-info.java"), MODULE_INFO);
    Files.createDirectories(src.resolve("app"));
    Files.writeString(src.resolve("app/Main.java"), main);
    return src;
  }

  /** Compiles every source under {@code src} against the runtime module; returns javac's output. */
  private String javac(Path src, Path classes) throws IOException {
    // An empty class path: javac in this JVM would otherwise take the tests' own, runtime and all.
    Path nothing = Files.createDirectories(dir.resolve("empty-class-path"));
    List<String> args =
        new ArrayList<>(
            List.of(
                "--release",
                "17",
                "-proc:none",
                "-Xlint:all",
                "-Werror",
                "--module-path",
                InProcessJavac.runtimeLocation().toString(),
                "-classpath",
                nothing.toString(),
                "-d",
                classes.toString()));
    try (Stream<Path> files = Files.walk(src)) {
      files.filter(p -> p.toString().endsWith(".java")).forEach(p -> args.add(p.toString()));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ToolProvider.getSystemJavaCompiler().run(null, out, out, args.toArray(String[]::new));
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Runs the module's main class in a new JVM; returns what it printed, or fails. */
  private String run(Path classes, String... jvmOptions) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command =
        new ArrayList<>(
            List.of(
                java.toString(),
                "--module-path",
                classes + File.pathSeparator + InProcessJavac.runtimeLocation()));
    command.addAll(List.of(jvmOptions));
    command.addAll(List.of("--module", "square.app/app.Main"));
    Path output = dir.resolve("output.txt");
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    try {
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the JVM exits within 60 s").isTrue();
      String printed = Files.readString(output, StandardCharsets.UTF_8);
      assertThat(process.exitValue()).as(printed).isZero();
      return printed;
    } finally {
      process.destroyForcibly();
    }
  }
}
