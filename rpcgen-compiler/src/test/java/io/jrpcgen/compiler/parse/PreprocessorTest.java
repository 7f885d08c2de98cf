package io.jrpcgen.compiler.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.compiler.ast.Declaration;
import io.jrpcgen.compiler.ast.Definition;
import io.jrpcgen.compiler.ast.Expr;
import io.jrpcgen.compiler.ast.Specification;
import io.jrpcgen.compiler.diag.Diagnostic;
import io.jrpcgen.compiler.diag.Diagnostics;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What rpcgen's cpp pass does, and that positions survive it. */
class PreprocessorTest {
  @TempDir Path dir;

  private final Diagnostics diagnostics = new Diagnostics();

  private Specification parse(String source, ParseOptions options) throws IOException {
    Path file = dir.resolve("t.x");
    Files.writeString(file, source);
    return XdrParser.parse(file, options, diagnostics).specification();
  }

  private Specification parse(String source) throws IOException {
    return parse(source, new ParseOptions(List.of(), Map.of()));
  }

  private static List<String> names(Specification spec) {
    return spec.definitions().stream().map(Definition::name).toList();
  }

  private List<String> errors() {
    return diagnostics.list().stream()
        .map(Diagnostic::toString)
        .map(d -> d.replace(dir.toString() + "/", ""))
        .toList();
  }

  @Test
  void passThroughLinesAndContinuationsVanishButKeepTheirLines() throws IOException {
    Specification spec =
        parse(
            "%#include <rpc/rpc.h>\n"
                + "   % indented\n"
                + "%#define TWO_LINES(a) \\\n"
                + "%   ((a) + 1)\n"
                + "%#define CONTINUED (1 +\\\n"
                + "\t\t2)\n"
                + "const A = 1;\n");
    assertThat(names(spec)).containsExactly("A");
    assertThat(spec.definitions().get(0).pos().line()).isEqualTo(7);
  }

  @Test
  void conditionalsFollowCpp() throws IOException {
    Specification spec =
        parse(
            "#define LEVEL 3\n"
                + "#if defined(LEVEL) && LEVEL > 2\nconst A = 1;\n"
                + "#elif 1\nconst B = 1;\n#else\nconst C = 1;\n#endif\n"
                + "#ifndef RPC_HDR\nconst D = 1;\n#else\nconst E = 1;\n#endif\n"
                + "#if RPC_HDR\nconst F = 1;\n#endif\n"
                + "#if 0\n#if garbage (\n#endif\nnot parsed\n#endif\n"
                + "#ifdef UNDEFINED\nconst G = 1;\n#elif (2 * 3 == 6) || !defined UNDEFINED\n"
                + "const H = 1;\n#endif\n");
    assertThat(errors()).isEmpty();
    assertThat(names(spec)).containsExactly("A", "E", "F", "H");
  }

  @Test
  void definesFromTheCommandLineAndMacrosInDefinitions() throws IOException {
    Specification spec =
        parse(
            "#ifdef WITH_B\nconst B = 1;\n#endif\n"
                + "#define SIZE 16\nstruct s { int x<SIZE>; int y; };\n",
            new ParseOptions(List.of(), Map.of("WITH_B", "1")));
    assertThat(names(spec)).containsExactly("B", "s");
    Declaration x = ((Definition.Struct) spec.definitions().get(1)).members().get(0);
    assertThat(((Expr.Number) x.bound()).value()).isEqualTo(BigInteger.valueOf(16));
    Declaration y = ((Definition.Struct) spec.definitions().get(1)).members().get(1);
    assertThat(y.pos().column()).as("columns after a shorter expansion stay").isEqualTo(29);
  }

  @Test
  void includesSplicedInWithTheirOwnPositions() throws IOException {
    Path inc = Files.createDirectories(dir.resolve("inc"));
    Files.writeString(dir.resolve("near.x"), "const NEAR = 1;\n");
    Files.writeString(inc.resolve("far.x"), "\nconst FAR = 2;\nstruct s { undefined_t x; ;\n");
    parse(
        "#include \"near.x\"\n#include <far.x>\nconst AFTER = 3;\n",
        new ParseOptions(List.of(inc), Map.of()));
    assertThat(errors()).containsExactly("inc/far.x:3:27: error: syntax error: unexpected ';'");
  }

  @Test
  void includedDefinitionsComeAtTheirPlace() throws IOException {
    Files.writeString(dir.resolve("near.x"), "const NEAR = 1;\n");
    Specification spec = parse("const BEFORE = 0;\n#include \"near.x\"\nconst AFTER = 3;\n");
    assertThat(names(spec)).containsExactly("BEFORE", "NEAR", "AFTER");
    assertThat(spec.definitions().get(1).pos().file()).endsWith("near.x");
    assertThat(spec.definitions().get(2).pos().line()).isEqualTo(3);
  }

  @Test
  void anIncludeCycleStopsWithAnError() throws IOException {
    Files.writeString(dir.resolve("self.x"), "#include \"self.x\"\n");
    parse("#include \"self.x\"\n");
    assertThat(errors())
        .hasSize(1)
        .allMatch(e -> e.endsWith("#include nested too deeply" + " (more than 64)"));
  }

  @Test
  void commentsOfBothKindsAndDirectivesInsideThem() throws IOException {
    Specification spec =
        parse(
            "/* a comment\n#ifdef NOT_A_DIRECTIVE\n*/ const A = 1; // B\n"
                + "const C = \"/* not a comment */\";\n");
    assertThat(errors()).isEmpty();
    assertThat(names(spec)).containsExactly("A", "C");
    assertThat(spec.definitions().get(0).pos().column()).isEqualTo(4);
    assertThat(((Expr.Text) ((Definition.Const) spec.definitions().get(1)).value()).value())
        .isEqualTo("/* not a comment */");
  }

  @Test
  void windowsLineEndings() throws IOException {
    Specification spec = parse("const A = 1;\r\n\r\nconst B = 2;\r\n");
    assertThat(spec.definitions().get(1).pos().line()).isEqualTo(3);
  }

  @Test
  void passThroughDefinesAreCConstantsForTheResolver() throws IOException {
    Specification spec =
        parse(
            "%#define LM_MAXSTRLEN\t1024\n%#define MAXNAMELEN LM_MAXSTRLEN+1\n"
                + "%#define NOT_A_NUMBER \"text\"\n%#define FUNC(a) (a)\nconst A = 1;\n");
    assertThat(spec.cDefines())
        .extracting(Definition.Const::name, c -> ((Expr.Number) c.value()).value().intValue())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("LM_MAXSTRLEN", 1024),
            org.assertj.core.groups.Tuple.tuple("MAXNAMELEN", 1025));
  }

  @Test
  void invalidIfExpressionIsAnErrorAndFalse() throws IOException {
    Specification spec = parse("#if 1 +\nconst A = 1;\n#endif\nconst B = 1;\n");
    assertThat(errors()).containsExactly("t.x:1:1: error: invalid #if expression: missing operand");
    assertThat(spec).isNull();
  }
}
