package io.jrpcgen.maven;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.compiler.CompilerOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nothing runs or changes when nothing changed; a change regenerates exactly what it must. */
class IncrementalGenerationTest {
  @TempDir Path dir;

  private Path source;
  private Path out;
  private Path state;

  private IncrementalGeneration.Outcome run(String configuration) throws IOException {
    CompilerOptions options =
        CompilerOptions.builder()
            .source(source)
            .outputDir(out)
            .packageName("p")
            .includeDir(dir.resolve("inc"))
            .build();
    return new IncrementalGeneration(options, configuration, state).run();
  }

  private void setUp(String text) throws IOException {
    source = dir.resolve("t.x");
    out = dir.resolve("out");
    state = dir.resolve("state/t.state");
    Files.createDirectories(dir.resolve("inc"));
    Files.writeString(dir.resolve("inc/common.x"), "const N = 4;\n");
    Files.writeString(source, text);
  }

  /** Sets every output's timestamp into the past, so that a rewrite would show. */
  private FileTime age(Path file) throws IOException {
    FileTime old = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
    Files.setLastModifiedTime(file, old);
    return old;
  }

  @Test
  void unchangedInputAndConfigurationTouchNothing() throws IOException {
    setUp("#include <common.x>\nstruct a { int x[N]; };\nstruct b { int y; };\n");
    IncrementalGeneration.Outcome first = run("c1");
    assertThat(first.upToDate()).isFalse();
    assertThat(first.written()).isEqualTo(4); // A, B, the constants and the schema class
    FileTime old = age(out.resolve("p/A.java"));

    IncrementalGeneration.Outcome second = run("c1");
    assertThat(second.upToDate()).isTrue();
    assertThat(second.result()).as("the compiler did not run").isNull();
    assertThat(Files.getLastModifiedTime(out.resolve("p/A.java"))).isEqualTo(old);
  }

  @Test
  void aChangedInputRewritesWhatChangedAndRemovesWhatIsGone() throws IOException {
    setUp("#include <common.x>\nstruct a { int x[N]; };\nstruct b { int y; };\n");
    run("c1");
    FileTime old = age(out.resolve("p/A.java"));
    Files.writeString(
        source, "#include <common.x>\nstruct a { int x[N]; };\n" + "struct c { int z; };\n");

    IncrementalGeneration.Outcome outcome = run("c1");
    assertThat(outcome.upToDate()).isFalse();
    assertThat(outcome.removed()).containsExactly(Path.of("p/B.java"));
    assertThat(out.resolve("p/B.java")).doesNotExist();
    assertThat(out.resolve("p/C.java")).exists();
    // A.java's text came out the same (only its cited line could differ: it did not).
    assertThat(Files.getLastModifiedTime(out.resolve("p/A.java"))).isEqualTo(old);
  }

  @Test
  void aChangedIncludeOrConfigurationRegenerates() throws IOException {
    setUp("#include <common.x>\nstruct a { int x[N]; };\n");
    run("c1");
    Files.writeString(dir.resolve("inc/common.x"), "const N = 5;\n");
    assertThat(run("c1").upToDate()).as("include changed").isFalse();
    // A.java cites the constant (TConstants.N); its value is in the constants class.
    assertThat(Files.readString(out.resolve("p/TConstants.java"))).contains("int N = 5;");
    assertThat(run("c1").upToDate()).isTrue();
    assertThat(run("c2").upToDate()).as("configuration changed").isFalse();
  }

  @Test
  void aDeletedOutputIsWrittenAgain() throws IOException {
    setUp("struct a { int x; };\n");
    run("c1");
    Files.delete(out.resolve("p/A.java"));
    assertThat(run("c1").upToDate()).isFalse();
    assertThat(out.resolve("p/A.java")).exists();
  }

  @Test
  void errorsWriteNothingAndKeepNoState() throws IOException {
    setUp("struct a { undefined_t x; };\n");
    IncrementalGeneration.Outcome outcome = run("c1");
    assertThat(outcome.result().success()).isFalse();
    assertThat(out).doesNotExist();
    assertThat(state).doesNotExist();
  }

  /** Once an internal error (not a valid name: 1KvConstants) for the plugin as for the CLI. */
  @Test
  void aFileNameThatIsNoJavaIdentifierGivesValidNames() throws IOException {
    source = dir.resolve("1kv.x");
    Files.writeString(source, "const MAX = 1;\n");
    CompilerOptions options =
        CompilerOptions.builder().source(source).outputDir(dir.resolve("out")).build();
    IncrementalGeneration.Outcome outcome =
        new IncrementalGeneration(options, "c1", dir.resolve("state/1kv.state")).run();
    assertThat(outcome.result().success()).isTrue();
    assertThat(dir.resolve("out/_1kv/_1KvConstants.java")).isRegularFile();
  }
}
