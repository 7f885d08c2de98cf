package io.jrpcgen.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.server.ProgramDefinition;
import io.jrpcgen.server.RpcServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Random values and fuzzing" snippets, as written there: compiled against the code
 * generated from the sample's square.x in the README's package, the property test run, and the
 * fuzzer run against a server.
 */
class ReadmeRandomSnippetsTest {
  private static final Path README = Path.of("../README.md");
  private static final Path SQUARE_X = Path.of("../samples/square/src/main/x/square.x");

  @TempDir Path dir;

  /** The README's Java block that declares {@code declaration}. */
  private static String snippet(String declaration) throws IOException {
    Matcher m = Pattern.compile("(?s)```java\n(.*?)```").matcher(Files.readString(README));
    while (m.find()) {
      if (m.group(1).contains(declaration)) {
        return m.group(1);
      }
    }
    throw new AssertionError("no java block with '" + declaration + "' in the README");
  }

  private static Path locationOf(String className) throws Exception {
    return Path.of(
        Class.forName(className).getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  @Test
  @Timeout(120)
  void thePropertyTestAndTheFuzzerCompileAndRunAsWritten() throws Exception {
    CompileResult square =
        Compiler.generate(
            CompilerOptions.builder().source(SQUARE_X).packageName("com.example.square").build());
    assertThat(square.diagnostics()).isEmpty();
    Map<Path, String> sources = new LinkedHashMap<>(square.files());
    sources.put(Path.of("SquareInPropertyTest.java"), snippet("class SquareInPropertyTest"));
    sources.put(Path.of("Fuzz.java"), snippet("public final class Fuzz"));
    Path classes = dir.resolve("classes");
    List<Path> junit =
        List.of(
            locationOf("org.junit.jupiter.api.Test"),
            locationOf("org.opentest4j.AssertionFailedError"),
            locationOf("org.apiguardian.api.API"));
    assertThat(InProcessJavac.compile(sources, classes, junit)).isEmpty();
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
      Class<?> property = loader.loadClass("SquareInPropertyTest");
      Method test = property.getDeclaredMethod("encodeDecodeEncodeIsEncode");
      test.setAccessible(true);
      var constructor = property.getDeclaredConstructor();
      constructor.setAccessible(true);
      test.invoke(constructor.newInstance());

      assertThat(fuzz(loader)).isEqualTo("every malformed value got GARBAGE_ARGS\n");
    }
  }

  /** Runs the README's Fuzz against a square server whose procedure is never reached. */
  private static String fuzz(ClassLoader loader) throws Exception {
    Class<?> version = loader.loadClass("com.example.square.SquareProg$SquareVers");
    Object neverCalled =
        Proxy.newProxyInstance(
            loader,
            new Class<?>[] {version},
            (proxy, method, args) -> {
              throw new AssertionError("a malformed call reached " + method.getName());
            });
    ProgramDefinition definition =
        (ProgramDefinition)
            loader
                .loadClass("com.example.square.SquareProg")
                .getMethod("bindSquareVers", version)
                .invoke(null, neverCalled);
    PrintStream stdout = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try (RpcServer server =
        RpcServer.builder()
            .program(definition)
            .bindAddress(InetAddress.getLoopbackAddress())
            .port(0)
            .start()) {
      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
      loader
          .loadClass("Fuzz")
          .getMethod("main", String[].class)
          .invoke(null, (Object) new String[] {"127.0.0.1", Integer.toString(server.tcpPort())});
    } finally {
      System.setOut(stdout);
    }
    return printed.toString(StandardCharsets.UTF_8);
  }
}
