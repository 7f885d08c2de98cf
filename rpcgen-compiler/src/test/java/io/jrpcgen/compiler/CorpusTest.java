package io.jrpcgen.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.compiler.diag.Diagnostic;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every real {@code .x} file of the shared corpus compiles to Java that javac accepts, whose random
 * values round-trip through the generated codecs and the JSON form; the files that need an option,
 * or that rpcgen rejects too, have tests of their own below.
 */
class CorpusTest {
  static final Path CORPUS = Path.of("../../shared/corpus");

  @ParameterizedTest
  @ValueSource(
      strings = {
        "debian/libtirpc-dev/rpcb_prot.x",
        "debian/libtirpc-dev/crypt.x",
        "debian/rpcsvc-proto/rusers.x",
        "debian/rpcsvc-proto/rstat.x",
        "debian/rpcsvc-proto/key_prot.x",
        "debian/rpcsvc-proto/nlm_prot.x",
        "debian/rpcsvc-proto/rex.x",
        "debian/rpcsvc-proto/nfs_prot.x",
        "debian/rpcsvc-proto/sm_inter.x",
        "debian/rpcsvc-proto/spray.x",
        "debian/rpcsvc-proto/klm_prot.x",
        "debian/rpcsvc-proto/rquota.x",
        "debian/rpcsvc-proto/mount.x",
        "debian/rpcsvc-proto/bootparam_prot.x",
        "debian/libnsl-dev/yp.x",
        "debian/libnsl-dev/nis_object.x",
        "debian/libnsl-dev/nis.x",
        "debian/libnsl-dev/yppasswd.x",
        "debian/libocamlnet-ocaml-doc/rpc_sort_sort1_proto.x",
        "debian/libocamlnet-ocaml-doc/rpc_queues_queues.x",
        "debian/libocamlnet-ocaml-doc/rpc_sort_sort2_proto.x",
        "debian/libocamlnet-ocaml-doc/rpc_finder_finder_service.x",
        "debian/libocamlnet-ocaml-doc/netplex_operation.x",
        "debian/libocamlnet-ocaml-doc/rpc_matrixmult_mm_proto.x",
        "rfc/rfc5403-rpcsec_gss_v2.x",
        "rfc/rfc7863-nfsv42.x",
        "rfc/rfc7531-nfs4_prot.x",
        "rfc/rfc5531-sec12.5-ping-example.x",
        "rfc/rfc4506-sec7-file-example.x",
        "rfc/rfc5662-nfs4_1_prot.x",
      })
  void compilesAndJavacAcceptsTheOutput(String file, @TempDir Path classes) {
    CompileResult result = Compiler.generate(options(file).build());
    assertThat(result.diagnostics()).as(file).isEmpty();
    assertThat(result.files()).isNotEmpty();
    assertThat(InProcessJavac.compile(result.files(), classes)).as(file).isEmpty();
    result
        .files()
        .forEach(
            (path, text) ->
                text.lines()
                    .forEach(
                        line ->
                            assertThat(line.length())
                                .as(path + ": " + line)
                                .isLessThanOrEqualTo(100)));
    randomValuesRoundTrip(result, classes);
  }

  /** The file's schema class: random values of every type, through codecs and JSON. */
  private static void randomValuesRoundTrip(CompileResult result, Path classes) {
    String schemaClass =
        result.files().entrySet().stream()
            .filter(f -> f.getValue().contains("public static final XdrSchema SCHEMA"))
            .map(f -> f.getKey().toString().replace('/', '.').replaceAll("\\.java$", ""))
            .findFirst()
            .orElse(null);
    if (schemaClass == null) {
      return; // a file with programs only
    }
    try (URLClassLoader loader =
        new URLClassLoader(
            new URL[] {classes.toUri().toURL()}, CorpusTest.class.getClassLoader())) {
      BindingProperties.check(loader.loadClass(schemaClass), 40, 1);
    } catch (IOException | ClassNotFoundException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * nis_callback.x uses nis_object and nis_error, which nis.x defines and reach it only through a C
   * header: an error names each, and an option maps them to the classes generated from nis.x.
   */
  @Test
  void nisCallbackNeedsNisObjectMapped(@TempDir Path classes) {
    CompileResult unmapped = Compiler.generate(options("debian/libnsl-dev/nis_callback.x").build());
    assertThat(unmapped.diagnostics())
        .isNotEmpty()
        .extracting(Diagnostic::toString)
        .allMatch(
            d ->
                d.endsWith(
                        "error: undefined type 'nis_object' (map it to a Java class"
                            + " with -T nis_object=CLASS)")
                    || d.endsWith(
                        "error: undefined type 'nis_error' (map it to a Java class with"
                            + " -T nis_error=CLASS)"));

    CompileResult nis =
        Compiler.generate(
            CompilerOptions.builder()
                .source(CORPUS.resolve("debian/libnsl-dev/nis.x"))
                .packageName("corpus.nis")
                .build());
    CompileResult mapped =
        Compiler.generate(
            options("debian/libnsl-dev/nis_callback.x")
                .externalType("nis_object", "corpus.nis.NisObject")
                .externalType("nis_error", "corpus.nis.NisError")
                .build());
    assertThat(nis.diagnostics()).isEmpty();
    assertThat(mapped.diagnostics()).isEmpty();
    Map<Path, String> both = new LinkedHashMap<>(nis.files());
    both.putAll(mapped.files());
    assertThat(InProcessJavac.compile(both, classes)).isEmpty();
  }

  /** OCamlnet's annotated NFSv4 file is not rpcgen's language: precise errors, no crash. */
  @Test
  void ocamlAnnotationsGetPreciseErrors() {
    CompileResult result =
        Compiler.generate(options("debian/libocamlnet-ocaml-doc/rpc_nfs4_rfc3530.x").build());
    assertThat(result.success()).isFalse();
    assertThat(result.diagnostics().get(0).toString())
        .startsWith(CORPUS.resolve("debian/libocamlnet-ocaml-doc/rpc_nfs4_rfc3530.x") + ":");
    assertThat(result.files()).isEmpty();
  }

  static CompilerOptions.Builder options(String file) {
    Path path = CORPUS.resolve(file);
    assertThat(Files.isRegularFile(path)).as(path.toAbsolutePath().toString()).isTrue();
    return CompilerOptions.builder().source(path).packageName("corpus.test");
  }
}
