package io.jrpcgen.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.compiler.diag.Diagnostic;
import io.jrpcgen.compiler.diag.DiagnosticRenderer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Robustness: thousands of mutated corpus files (tokens deleted, duplicated, swapped; random
 * bytes) never crash the compiler, never hang it, and exit 0 or 1 with diagnostics, no trace.
 */
class MutationTest {
  private static final Pattern TOKEN =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]*|0x[0-9a-fA-F]+|-?[0-9]+|\\S");
  private static final List<String> SEEDS = List.of(
      "debian/rpcsvc-proto/nfs_prot.x", "debian/rpcsvc-proto/mount.x",
      "debian/rpcsvc-proto/nlm_prot.x", "debian/libtirpc-dev/rpcb_prot.x",
      "debian/libnsl-dev/yp.x", "debian/libocamlnet-ocaml-doc/rpc_sort_sort2_proto.x",
      "rfc/rfc5531-sec12.5-ping-example.x", "rfc/rfc4506-sec7-file-example.x",
      "rfc/rfc5403-rpcsec_gss_v2.x", "debian/rpcsvc-proto/key_prot.x");
  private static final int MUTANTS_PER_SEED = 300;

  @Test
  @Timeout(240)
  void mutantsGetDiagnosticsNeverCrashes(@TempDir Path dir) throws IOException {
    Random random = new Random(20261123);
    int compiled = 0;
    int rejected = 0;
    for (String seed : SEEDS) {
      String source = Files.readString(CorpusTest.CORPUS.resolve(seed));
      List<int[]> tokens = tokens(source);
      for (int i = 0; i < MUTANTS_PER_SEED; i++) {
        String mutant = mutate(source, tokens, random);
        Path file = dir.resolve("m" + i + ".x");
        Files.writeString(file, mutant, java.nio.charset.StandardCharsets.ISO_8859_1);
        // A throw fails the test: every mutant ends in output or in diagnostics.
        CompileResult result = Compiler.compile(CompilerOptions.builder()
            .outputDir(dir.resolve("out")).packageName("m").source(file).build());
        StringBuilder rendered = new StringBuilder();
        for (Diagnostic d : result.diagnostics()) {
          rendered.append(DiagnosticRenderer.render(d, result.sourceLines())).append('\n');
        }
        if (!result.success()) {
          assertThat(rendered).as("mutant of %s", seed).contains(": error: ");
          rejected++;
        } else {
          compiled++;
        }
      }
    }
    System.out.println("mutants: " + compiled + " compiled, " + rejected + " rejected");
    assertThat(compiled + rejected).isEqualTo(SEEDS.size() * MUTANTS_PER_SEED);
    assertThat(rejected).isGreaterThan(compiled / 10);
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
        yield source.substring(0, first[0]) + source.substring(second[0], second[1])
            + source.substring(first[1], second[0]) + source.substring(first[0], first[1])
            + source.substring(second[1]);
      }
      case 3 -> {
        StringBuilder sb = new StringBuilder(source);
        for (int k = 0; k < 1 + random.nextInt(4); k++) {
          sb.setCharAt(random.nextInt(sb.length()), (char) random.nextInt(256));
        }
        yield sb.toString();
      }
      default -> source.substring(0, a[0]) + source.substring(b[0], b[1])
          + source.substring(a[1]);
    };
  }
}
