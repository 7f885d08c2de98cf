package io.jrpcgen.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.compiler.diag.Diagnostic;
import io.jrpcgen.compiler.diag.DiagnosticRenderer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Robustness: thousands of mutated corpus files (tokens deleted, duplicated, swapped; random bytes)
 * never crash the compiler, never hang it, and exit 0 or 1 with diagnostics, no trace; inputs that
 * once reached exit 3 (an internal error) or gave Java that javac rejects get 0, 1 or 2, and with 0
 * Java that javac accepts.
 */
class MutationTest {
  private static final Pattern TOKEN =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]*|0x[0-9a-fA-F]+|-?[0-9]+|\\S");

  /** Names that need care (GeneratedNamesTest): a seed, and an input of its own. */
  private static final Path NAMES = Path.of("src/test/resources/fixtures/names.x");

  private static final List<String> SEEDS =
      List.of(
          "debian/rpcsvc-proto/nfs_prot.x",
          "debian/rpcsvc-proto/mount.x",
          "debian/rpcsvc-proto/nlm_prot.x",
          "debian/libtirpc-dev/rpcb_prot.x",
          "debian/libnsl-dev/yp.x",
          "debian/libocamlnet-ocaml-doc/rpc_sort_sort2_proto.x",
          "rfc/rfc5531-sec12.5-ping-example.x",
          "rfc/rfc4506-sec7-file-example.x",
          "rfc/rfc5403-rpcsec_gss_v2.x",
          "debian/rpcsvc-proto/key_prot.x",
          NAMES.toAbsolutePath().toString());
  private static final int MUTANTS_PER_SEED = 300;

  @Test
  @Timeout(240)
  void mutantsGetDiagnosticsNeverCrashes(@TempDir Path dir) throws IOException {
    Random random = new Random(20261123);
    int compiled = 0;
    int rejected = 0;
    for (String seed : SEEDS) {
      String source =
          Files.readString(
              CorpusTest.CORPUS.resolve(seed), java.nio.charset.StandardCharsets.ISO_8859_1);
      boolean javacEach = seed.endsWith("names.x");
      List<int[]> tokens = tokens(source);
      for (int i = 0; i < MUTANTS_PER_SEED; i++) {
        String mutant = mutate(source, tokens, random);
        Path file = dir.resolve("m" + i + ".x");
        Files.writeString(file, mutant, java.nio.charset.StandardCharsets.ISO_8859_1);
        // Javac checks the names seed's output: it needs a directory of its own.
        Path out = javacEach ? dir.resolve("names-out" + i) : dir.resolve("out");
        // A throw fails the test: every mutant ends in output or in diagnostics.
        CompileResult result =
            Compiler.compile(
                CompilerOptions.builder().outputDir(out).packageName("m").source(file).build());
        String rendered = render(result);
        if (!result.success()) {
          assertThat(rendered).as("mutant of %s", seed).contains(": error: ");
          rejected++;
        } else {
          compiled++;
          // The names seed is about what javac accepts: check a sample of what compiled.
          if (javacEach && compiled % 10 == 0) {
            assertJavacAccepts(out, dir.resolve("classes"), mutant);
          }
        }
      }
    }
    System.out.println("mutants: " + compiled + " compiled, " + rejected + " rejected");
    assertThat(compiled + rejected).isEqualTo(SEEDS.size() * MUTANTS_PER_SEED);
    assertThat(rejected).isGreaterThan(compiled / 10);
  }

  /** Exit 3 must stay unreachable, and exit 0 must mean Java that javac accepts. */
  @ParameterizedTest
  @MethodSource("onceInternalErrorsOrBadJava")
  void inputsThatOnceFailedGetDiagnosticsOrGoodJava(
      String file, String source, List<String> options, @TempDir Path dir) throws IOException {
    Path x = dir.resolve(file);
    Files.writeString(x, source);
    Path out = dir.resolve("out");
    CompilerOptions.Builder builder = CompilerOptions.builder().outputDir(out).source(x);
    try {
      for (int i = 0; i < options.size(); i += 2) {
        String value = options.get(i + 1);
        switch (options.get(i)) {
          case "-p" -> builder.packageName(value);
          case "-T" ->
              builder.externalType(
                  value.substring(0, value.indexOf('=')), value.substring(value.indexOf('=') + 1));
          default -> throw new AssertionError(options.get(i));
        }
      }
    } catch (IllegalArgumentException badUsage) {
      // The CLI's exit 2 and the plugin's configuration error: a message, never a trace.
      assertThat(badUsage).hasMessageNotContaining("internal error");
      return;
    }
    CompileResult result = Compiler.compile(builder.build());
    String rendered = render(result);
    assertThat(rendered).doesNotContain("internal error", "Exception", "\tat ");
    if (result.success()) {
      assertJavacAccepts(out, dir.resolve("classes"), source);
    } else {
      assertThat(rendered).contains(": error: ");
    }
  }

  private static String render(CompileResult result) {
    StringBuilder rendered = new StringBuilder();
    for (Diagnostic d : result.diagnostics()) {
      rendered.append(DiagnosticRenderer.render(d, result.sourceLines())).append('\n');
    }
    return rendered.toString();
  }

  static Stream<Arguments> onceInternalErrorsOrBadJava() {
    List<String> p = List.of("-p", "t");
    return Stream.of(
        Arguments.of("1kv.x", "const MAX = 1;\ntypedef int key<MAX>;\n", List.of()),
        Arguments.of("t.x", "const A = 1;\n", List.of("-p", "com.example.class")),
        Arguments.of("t.x", "struct s { fh f; };\n", List.of("-T", "fh=com.new.Fh")),
        Arguments.of("t.x", "struct s { fh f; };\n", List.of("-T", "fh=fh")),
        Arguments.of("t.x", "struct s { int x; int x; };\n", p),
        Arguments.of(
            "t.x",
            "program P { version V { void A(void) = 1; void A(void) = 2; }" + " = 1; } = 1;\n",
            p),
        Arguments.of(
            "t.x",
            "enum kind { A = 7, B = 8 };\n"
                + "union u switch (kind stat) { case A: int stat; case B: void; };\n",
            p),
        Arguments.of("t.x", "union u switch (int stat) { case 7: int stat; default: void; };\n", p),
        Arguments.of(
            "t.x",
            "enum k { A_B = 1, AB = 2 };\n"
                + "union u switch (k d) { case A_B: void; case AB: void; };\n",
            p),
        Arguments.of(
            "t.x",
            "program P { version V { void X(void) = 1; } = 1;\n"
                + "  version V_CLIENT { void Y(void) = 1; } = 2; } = 1;\n",
            p),
        Arguments.of("t.x", "typedef int count_t;\ntypedef int countT;\n", p),
        Arguments.of(
            "t.x",
            "union u switch (int d) { case 1: int a; };\n" + "struct s { struct u x; };\n",
            p),
        Arguments.of(
            "t.x",
            "struct point { int x; };\nstruct s { point p; };\n",
            List.of("-p", "t", "-T", "point=com.example.Point")),
        Arguments.of("names.x", readNamesFixture(), p));
  }

  private static String readNamesFixture() {
    try {
      return Files.readString(NAMES);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * javac compiles what the compiler wrote under {@code out} (unless it uses a user's class of
   * {@code com.example}), which is then removed for the next input.
   */
  private static void assertJavacAccepts(Path out, Path classes, String source) throws IOException {
    Map<Path, String> files = new LinkedHashMap<>();
    try (Stream<Path> walk = Files.walk(out)) {
      for (Path f : walk.filter(f -> f.toString().endsWith(".java")).toList()) {
        files.put(out.relativize(f), Files.readString(f));
      }
    }
    if (files.values().stream().noneMatch(t -> t.contains("com.example"))) {
      assertThat(InProcessJavac.compile(files, classes)).as(source).isEmpty();
    }
    try (Stream<Path> walk = Files.walk(out)) {
      for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }

  private static List<int[]> tokens(String source) {
    List<int[]> tokens = new ArrayList<>();
    Matcher m = TOKEN.matcher(source);
    while (m.find()) {
      tokens.add(new int[] {m.start(), m.end()});
    }
    return tokens;
  }

  private static String mutate(String source, List<int[]> tokens, Random random) {
    int[] a = tokens.get(random.nextInt(tokens.size()));
    int[] b = tokens.get(random.nextInt(tokens.size()));
    String ta = source.substring(a[0], a[1]);
    return switch (random.nextInt(5)) {
      case 0 -> source.substring(0, a[0]) + source.substring(a[1]);
      case 1 -> source.substring(0, a[1]) + " " + ta + source.substring(a[1]);
      case 2 -> {
        if (a[0] == b[0]) {
          yield source;
        }
        int[] first = a[0] < b[0] ? a : b;
        int[] second = a[0] < b[0] ? b : a;
        if (first[1] > second[0]) {
          yield source;
        }
        yield source.substring(0, first[0])
            + source.substring(second[0], second[1])
            + source.substring(first[1], second[0])
            + source.substring(first[0], first[1])
            + source.substring(second[1]);
      }
      case 3 -> {
        StringBuilder sb = new StringBuilder(source);
        for (int k = 0; k < 1 + random.nextInt(4); k++) {
          sb.setCharAt(random.nextInt(sb.length()), (char) random.nextInt(256));
        }
        yield sb.toString();
      }
      default -> source.substring(0, a[0]) + source.substring(b[0], b[1]) + source.substring(a[1]);
    };
  }
}
