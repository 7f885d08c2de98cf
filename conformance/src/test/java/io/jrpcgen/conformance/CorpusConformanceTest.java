package io.jrpcgen.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.compiler.CompileResult;
import io.jrpcgen.compiler.Compiler;
import io.jrpcgen.compiler.CompilerOptions;
import io.jrpcgen.compiler.diag.Diagnostics;
import io.jrpcgen.compiler.model.ResolveOptions;
import io.jrpcgen.compiler.model.Resolver;
import io.jrpcgen.compiler.model.Schema;
import io.jrpcgen.compiler.naming.Names;
import io.jrpcgen.compiler.naming.Naming;
import io.jrpcgen.compiler.parse.ParseOptions;
import io.jrpcgen.compiler.parse.ParseResult;
import io.jrpcgen.compiler.parse.XdrParser;
import io.jrpcgen.testsupport.NativeTools;
import io.jrpcgen.testsupport.NativeTools.ProcessRun;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrEncoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For the real {@code .x} files of the shared corpus that the system rpcgen accepts: every struct
 * the test can fill (see {@link CorpusFiller}) is filled with the same values in C and in Java, and
 * jrpcgen's generated codec must write the bytes that rpcgen's {@code xdr_*} routine writes with
 * libtirpc. The run prints how many struct types each file covered.
 */
class CorpusConformanceTest {
  private static final Path CORPUS = Path.of("../../shared/corpus");
  private static final long RUN_TIMEOUT_SECONDS = 60;
  private static final Map<String, String> COVERAGE = new ConcurrentHashMap<>();
  private static final Map<String, int[]> COUNTS = new ConcurrentHashMap<>();
  // rpcgen rejects rpc_sort_sort1_proto.x (an anonymous inline union) and rpc_nfs4_rfc3530.x
  // (ocamlrpcgen annotations), and nis.x with the system's cpp (it needs a traditional one);
  // nis_callback.x needs nis.x's types.
  private static final Set<String> REJECTED_BY_RPCGEN =
      Set.of(
          "debian/libocamlnet-ocaml-doc/rpc_sort_sort1_proto.x",
          "debian/libocamlnet-ocaml-doc/rpc_nfs4_rfc3530.x",
          "debian/libnsl-dev/nis.x",
          "debian/libnsl-dev/nis_callback.x");

  @TempDir static Path dir;

  @BeforeEach
  void requireCPeers() {
    NativeTools.assumeToolsPresent();
  }

  /** Every corpus file that the system rpcgen accepts, relative to the corpus. */
  static Stream<String> files() throws IOException {
    try (Stream<Path> all = Files.walk(CORPUS)) {
      return all
          .filter(p -> p.toString().endsWith(".x"))
          .map(p -> CORPUS.relativize(p).toString())
          .filter(f -> !REJECTED_BY_RPCGEN.contains(f))
          .sorted()
          .toList()
          .stream();
    }
  }

  @ParameterizedTest
  @MethodSource("files")
  void javaEncodesFilledStructsAsLibtirpcDoes(String file) throws Exception {
    // rpcgen names its output after the file, which must make a C identifier.
    String base =
        Path.of(file)
            .getFileName()
            .toString()
            .replaceAll("\\.x$", "")
            .replaceAll("[^A-Za-z0-9_]", "_");
    Path work = Files.createDirectories(dir.resolve(base));
    Path source = CORPUS.resolve(file);
    // The file's neighbours too, for #include "nis_object.x".
    try (Stream<Path> siblings = Files.list(source.getParent())) {
      for (Path sibling : siblings.filter(p -> p.toString().endsWith(".x")).toList()) {
        Files.copy(sibling, work.resolve(sibling.getFileName()));
      }
    }
    Files.copy(source, work.resolve(base + ".x"), StandardCopyOption.REPLACE_EXISTING);
    // NFSv4.1 and 4.2 include <rpc/auth_sys.h>, which libtirpc calls <rpc/auth_unix.h>.
    Files.createDirectories(work.resolve("rpc"));
    Files.writeString(
        work.resolve("rpc/auth_sys.h"),
        "#include <rpc/auth_unix.h>\n#define xdr_authsys_parms xdr_authunix_parms\n");
    NativeTools tools = new NativeTools(work);
    // -N: some files have multi-argument procedures; it changes nothing else in the XDR code.
    tools.tool("rpcgen", "-N", "-h", "-o", base + ".h", base + ".x");
    tools.tool("rpcgen", "-N", "-c", "-o", base + "_xdr.c", base + ".x");
    ProcessRun xdr =
        tools.run(
            RUN_TIMEOUT_SECONDS,
            "gcc",
            "-c",
            "-I" + NativeTools.TIRPC_INCLUDE,
            "-I.",
            "-o",
            base + "_xdr.o",
            base + "_xdr.c");
    if (xdr.exitCode() != 0) {
      // crypt.x and the like use types that no header defines: nothing to compare.
      COVERAGE.put(
          file,
          "not compiled by gcc: "
              + xdr.lines().stream()
                  .filter(l -> l.contains("error:"))
                  .findFirst()
                  .orElse(xdr.output()));
      return;
    }

    String javaPackage = "corpus." + base.toLowerCase(java.util.Locale.ROOT);
    ClassLoader loader = compileJava(work, javaPackage, base);
    Diagnostics diagnostics = new Diagnostics();
    ParseResult parsed =
        XdrParser.parse(
            work.resolve(base + ".x"), new ParseOptions(List.of(), Map.of()), diagnostics);
    Schema schema =
        Resolver.resolve(parsed.specification(), new ResolveOptions(Map.of()), diagnostics);
    Names names = Naming.assign(schema, diagnostics);
    assertThat(diagnostics.list()).isEmpty();
    CorpusFiller filler =
        new CorpusFiller(
            parsed.specification(), schema, names, parsed.sourceLines(), javaPackage, loader);

    List<String> structs = CorpusFiller.structNames(parsed.specification());
    Map<String, String> javaHex = new LinkedHashMap<>();
    StringBuilder c = new StringBuilder(cPrologue(base));
    for (String struct : structs) {
      CorpusFiller.Filled filled;
      try {
        filled = filler.fill(struct);
      } catch (CorpusFiller.Unfillable e) {
        continue;
      }
      javaHex.put(struct, HexFormat.of().formatHex(encode(filled.java())));
      c.append("static void\nfill_")
          .append(struct)
          .append("(void)\n{\n  ")
          .append(struct)
          .append(" v;\n  memset(&v, 0, sizeof v);\n")
          .append(filled.c())
          .append("  dump(\"")
          .append(struct)
          .append("\", (xdrproc_t) xdr_")
          .append(struct)
          .append(", &v);\n}\n\n");
    }
    c.append("int\nmain(void)\n{\n");
    javaHex.keySet().forEach(s -> c.append("  fill_").append(s).append("();\n"));
    c.append("  return 0;\n}\n");
    Files.writeString(work.resolve("dump.c"), c);
    Files.copy(ConformancePeers.SOURCES.resolve("c/bits.h"), work.resolve("bits.h"));
    tools.gcc("dump", "dump.c", base + "_xdr.o");
    ProcessRun run = tools.run(RUN_TIMEOUT_SECONDS, "./dump");
    assertThat(run.exitCode()).as(run.output()).isZero();

    Map<String, String> cHex = new LinkedHashMap<>();
    for (String line : run.lines()) {
      String[] parts = line.split(" ", 2);
      cHex.put(parts[0], parts.length > 1 ? parts[1] : "");
    }
    assertThat(cHex).as(file).containsExactlyEntriesOf(javaHex);
    COUNTS.put(file, new int[] {javaHex.size(), structs.size()});
    COVERAGE.put(file, javaHex.size() + " of " + structs.size() + " structs");
  }

  @AfterAll
  static void printCoverage() throws IOException {
    if (COUNTS.isEmpty()) {
      return;
    }
    int covered = COUNTS.values().stream().mapToInt(n -> n[0]).sum();
    int total = COUNTS.values().stream().mapToInt(n -> n[1]).sum();
    StringBuilder report =
        new StringBuilder(
            "Corpus conformance: Java's bytes equal libtirpc's"
                + " for "
                + covered
                + " of "
                + total
                + " struct types in "
                + COUNTS.size()
                + " files\n");
    COVERAGE.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e ->
                report
                    .append("  ")
                    .append(e.getKey())
                    .append(": ")
                    .append(e.getValue())
                    .append('\n'));
    System.out.print(report);
    if (COVERAGE.size() == files().count()) {
      // All files ran: a filler that silently stopped filling would show here (562 when this
      // was written).
      assertThat(covered).as(report.toString()).isGreaterThanOrEqualTo(500);
    }
  }

  private static String cPrologue(String base) {
    return """
        /* Written by CorpusConformanceTest: fills each struct, prints xdr_<struct>(3) bytes. */
        #include <stdio.h>
        #include <stdlib.h>
        #include "bits.h"
        #include "%s.h"

        static char buffer[1 << 20];

        static void
        dump(const char *name, xdrproc_t proc, void *value)
        {
          XDR xdrs;
          u_int i;
          xdrmem_create(&xdrs, buffer, sizeof buffer, XDR_ENCODE);
          if (!proc(&xdrs, value)) {
            printf("%%s error\\n", name);
            return;
          }
          printf("%%s ", name);
          for (i = 0; i < xdr_getpos(&xdrs); i++) {
            printf("%%02x", (unsigned char) buffer[i]);
          }
          printf("\\n");
        }

        """
        .formatted(base);
  }

  /** Compiles the Java that jrpcgen generates for the file, and loads it. */
  private static ClassLoader compileJava(Path work, String javaPackage, String base)
      throws Exception {
    CompileResult result =
        Compiler.generate(
            CompilerOptions.builder()
                .source(work.resolve(base + ".x"))
                .packageName(javaPackage)
                .build());
    assertThat(result.diagnostics()).isEmpty();
    Path sources = work.resolve("java");
    List<String> args =
        new ArrayList<>(
            List.of(
                "-d",
                work.resolve("classes").toString(),
                "-cp",
                Path.of(XdrCodec.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toString(),
                "-proc:none",
                "-nowarn"));
    for (Map.Entry<Path, String> f : result.files().entrySet()) {
      Path target = sources.resolve(f.getKey());
      Files.createDirectories(target.getParent());
      Files.writeString(target, f.getValue());
      args.add(target.toString());
    }
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    int exit =
        ToolProvider.getSystemJavaCompiler().run(null, errors, errors, args.toArray(new String[0]));
    assertThat(exit).as(errors.toString(StandardCharsets.UTF_8)).isZero();
    return new URLClassLoader(
        new URL[] {work.resolve("classes").toUri().toURL()},
        CorpusConformanceTest.class.getClassLoader());
  }

  @SuppressWarnings("unchecked")
  private static byte[] encode(Object value) throws ReflectiveOperationException {
    XdrCodec<Object> codec = (XdrCodec<Object>) value.getClass().getField("CODEC").get(null);
    XdrEncoder out = new XdrEncoder();
    codec.encode(out, value);
    return out.toByteArray();
  }
}
