package io.jrpcgen.maven;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.compiler.CompileResult;
import io.jrpcgen.compiler.Compiler;
import io.jrpcgen.compiler.CompilerOptions;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.maven.plugin.logging.Log;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sonatype.plexus.build.incremental.BuildContext;
import org.sonatype.plexus.build.incremental.DefaultBuildContext;

/** Errors reach the log with line and caret, and an IDE as markers at file:line:col. */
class CompilerMessagesTest {
  @TempDir Path dir;

  private final List<String> calls = new ArrayList<>();

  /** A proxy of {@code type} that records each call as "method arg, arg, ...". */
  private <T> T recording(Class<T> type) {
    return type.cast(
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> {
              calls.add(method.getName() + " " + (args == null ? "" : Arrays.toString(args)));
              return method.getReturnType() == boolean.class ? Boolean.FALSE : null;
            }));
  }

  private CompileResult compileBadFile() throws IOException {
    Files.writeString(dir.resolve("common.x"), "const N = 4;\n");
    Path bad = dir.resolve("bad.x");
    Files.writeString(bad, "#include \"common.x\"\nstruct s {\n\tsquare_inn a;\n};\n");
    return Compiler.generate(CompilerOptions.builder().source(bad).packageName("p").build());
  }

  @Test
  void anIdeGetsAMarkerAtFileLineColumnAfterItsOldOnesAreCleared() throws IOException {
    CompileResult result = compileBadFile();
    Log log = recording(Log.class);
    BuildContext ide = recording(BuildContext.class);

    assertThat(CompilerMessages.publish(result, log, ide)).isEqualTo(1);

    File bad = dir.resolve("bad.x").toFile();
    File common = dir.resolve("common.x").toFile();
    assertThat(calls)
        .containsExactly(
            "removeMessages [" + bad + "]",
            "removeMessages [" + common + "]",
            "error ["
                + bad
                + ":3:2: error: undefined type 'square_inn' "
                + "(map it to a Java class with -T square_inn=CLASS)]",
            "error [\tsquare_inn a;]",
            "error [\t^]",
            "addMessage ["
                + bad
                + ", 3, 2, undefined type 'square_inn' "
                + "(map it to a Java class with -T square_inn=CLASS), "
                + BuildContext.SEVERITY_ERROR
                + ", null]");
  }

  @Test
  void aWarningIsLoggedAndMarkedAsOne() throws IOException {
    Path file = dir.resolve("warn.x");
    Files.writeString(file, "#warning not finished\nconst N = 4;\n");
    CompileResult result =
        Compiler.generate(CompilerOptions.builder().source(file).packageName("p").build());

    assertThat(
            CompilerMessages.publish(result, recording(Log.class), recording(BuildContext.class)))
        .isZero();

    assertThat(calls)
        .containsExactly(
            "removeMessages [" + file + "]",
            "warn [" + file + ":1:1: warning: #warning not finished]",
            "warn [#warning not finished]",
            "warn [^]",
            "addMessage ["
                + file
                + ", 1, 1, #warning not finished, "
                + BuildContext.SEVERITY_WARNING
                + ", null]");
  }

  @Test
  void mavensOwnContextOnlyLogs() throws IOException {
    CompileResult result = compileBadFile();
    assertThat(CompilerMessages.publish(result, recording(Log.class), new DefaultBuildContext()))
        .isEqualTo(1);
    assertThat(calls)
        .containsExactly(
            "error ["
                + dir.resolve("bad.x")
                + ":3:2: error: undefined type 'square_inn' "
                + "(map it to a Java class with -T square_inn=CLASS)]",
            "error [\tsquare_inn a;]",
            "error [\t^]");
  }
}
