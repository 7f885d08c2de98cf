package io.jrpcgen.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.compiler.diag.Diagnostic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One test per diagnostic, each asserting its exact text; nothing is generated on error. */
class DiagnosticsTest {
  @TempDir Path dir;

  private CompileResult compile(String source) throws IOException {
    Path file = dir.resolve("t.x");
    Files.writeString(file, source);
    return Compiler.generate(CompilerOptions.builder().source(file).packageName("t").build());
  }

  private List<String> errors(String source) throws IOException {
    CompileResult result = compile(source);
    assertThat(result.files()).as("nothing is generated when there are errors").isEmpty();
    return result.diagnostics().stream()
        .map(Diagnostic::toString)
        .map(d -> d.replace(dir.resolve("t.x").toString(), "t.x"))
        .toList();
  }

  @Test
  void undefinedType() throws IOException {
    assertThat(
            errors(
                "struct square_in { long arg1; };\n"
                    + "program P { version V { square_out SQUAREPROC(square_inn) = 1; } = 1; } = 1;\n"))
        .containsExactly(
            "t.x:2:25: error: undefined type 'square_out' (map it to a Java class with"
                + " -T square_out=CLASS)",
            "t.x:2:47: error: undefined type 'square_inn'; did you mean 'square_in'?");
  }

  @Test
  void duplicateName() throws IOException {
    assertThat(errors("const A = 1;\nstruct A { int x; };\n"))
        .containsExactly("t.x:2:1: error: 'A' is already defined at t.x:1:1");
  }

  @Test
  void duplicateCaseValue() throws IOException {
    assertThat(
            errors(
                "const ONE = 1;\n"
                    + "union u switch (int d) { case 1: int a; case ONE: void; };\n"))
        .containsExactly("t.x:2:46: error: duplicate case value ONE (1) in union 'u'");
  }

  @Test
  void duplicateProcedureNumber() throws IOException {
    assertThat(
            errors(
                "program P { version V {\n  void A(void) = 1;\n  void B(void) = 1;\n"
                    + "} = 1; } = 1;\n"))
        .containsExactly("t.x:3:18: error: duplicate procedure number 1 in version 'V' (also 'A')");
  }

  @Test
  void recursiveStructWithoutPointer() throws IOException {
    assertThat(errors("struct node { int v; node next; };\n"))
        .containsExactly(
            "t.x:1:1: error: struct 'node' contains itself without '*', so its values would be"
                + " infinitely large");
  }

  @Test
  void recursionThroughAUnionArmIsFine() throws IOException {
    CompileResult result =
        compile(
            "union op switch (int d) { case 0: void; case 1: struct n *next; };\n"
                + "struct n { op o; };\n");
    assertThat(result.diagnostics()).isEmpty();
    assertThat(result.files()).isNotEmpty();
  }

  @Test
  void badDiscriminantType() throws IOException {
    assertThat(errors("union u switch (hyper d) { case 1: int a; };\n"))
        .containsExactly(
            "t.x:1:17: error: union discriminant must be int, unsigned int, enum or bool, not hyper");
  }

  @Test
  void aDiscriminantMappedWithTNamesTheClass() throws IOException {
    Path file = dir.resolve("t.x");
    Files.writeString(file, "enum kind { A = 1 };\nunion u switch (kind k) { case A: void; };\n");
    CompileResult result =
        Compiler.generate(
            CompilerOptions.builder()
                .source(file)
                .packageName("t")
                .externalType("kind", "com.example.Kind")
                .build());
    assertThat(result.diagnostics())
        .extracting(Diagnostic::toString)
        .map(d -> d.replace(file.toString(), "t.x"))
        .containsExactly(
            "t.x:2:17: error: union discriminant must be int, unsigned int, enum or bool, not"
                + " kind (mapped to com.example.Kind)");
  }

  @Test
  void constantOutOfRange() throws IOException {
    assertThat(errors("enum e { A = 4294967296 };\nstruct s { int x<-1>; };\n"))
        .containsExactly(
            "t.x:1:14: error: value 4294967296 is out of range for an enum value",
            "t.x:2:18: error: array size must not be negative: -1");
  }

  @Test
  void undefinedConstant() throws IOException {
    assertThat(errors("struct s { int x<MAX>; };\n"))
        .containsExactly(
            "t.x:1:18: error: undefined constant 'MAX' (define it with" + " -D MAX=VALUE)");
  }

  @Test
  void misspeltConstantSuggestsTheNearestOne() throws IOException {
    assertThat(errors("const MAXNAME = 8;\nstruct s { int x<MAXNAM>; };\n"))
        .containsExactly(
            "t.x:2:18: error: undefined constant 'MAXNAM'; did you mean" + " 'MAXNAME'?");
  }

  @Test
  void misspeltTypeSuggestsTheNearestOne() throws IOException {
    assertThat(errors("struct point { int x; };\nstruct s { pointt p; };\n"))
        .containsExactly("t.x:2:12: error: undefined type 'pointt'; did you mean 'point'?");
  }

  @Test
  void duplicateMember() throws IOException {
    assertThat(errors("struct s { int x; int x; };\n"))
        .containsExactly("t.x:1:23: error: member 'x' is already defined at t.x:1:16");
  }

  @Test
  void duplicateProcedureName() throws IOException {
    assertThat(
            errors(
                "program P { version V {\n  void A(void) = 1;\n  void A(void) = 2;\n"
                    + "} = 1; } = 1;\n"))
        .containsExactly("t.x:3:8: error: procedure 'A' is already defined at t.x:2:8");
  }

  @Test
  void duplicateVersionAndParameterNames() throws IOException {
    assertThat(
            errors(
                "program P {\n  version V { int ADD(int a, int a) = 1; } = 1;\n"
                    + "  version V { void X(void) = 1; } = 2;\n} = 1;\n"))
        .containsExactly(
            "t.x:2:30: error: parameter 'a' is already defined at t.x:2:23",
            "t.x:3:3: error: version 'V' is already defined at t.x:2:3");
  }

  @Test
  void packageThatIsNotAJavaName() {
    assertThatThrownBy(() -> CompilerOptions.builder().packageName("com.example.class"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a Java package name: 'com.example.class' ('class' is a Java keyword)");
    assertThatThrownBy(() -> CompilerOptions.builder().packageName("com.1x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a Java package name: 'com.1x'");
  }

  @Test
  void externalTypeThatIsNotAJavaClassName() {
    assertThatThrownBy(() -> CompilerOptions.builder().externalType("fh", "com.example.new.Fh"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("-T fh=com.example.new.Fh: not a Java class name ('new' is a Java keyword)");
  }

  @Test
  void structKeywordForAUnionIsAcceptedAsRpcgenDoes() throws IOException {
    CompileResult result =
        compile(
            "union u switch (int d) { case 1: int a; default: void; };\n"
                + "struct s { struct u x; };\n");
    assertThat(result.diagnostics()).isEmpty();
    assertThat(result.files()).containsKey(Path.of("t/S.java"));
  }

  @Test
  void noDefinitionsLeftWarnsWithTheLikelyCause() throws IOException {
    CompileResult result =
        compile("/* as db_item_c.x */\n#ifdef USINGC\nconst A = 1;\n" + "#endif\n");
    assertThat(result.success()).isTrue();
    assertThat(result.files()).isEmpty();
    assertThat(result.diagnostics())
        .extracting(Diagnostic::toString)
        .map(d -> d.replace(dir.resolve("t.x").toString(), "t.x"))
        .containsExactly(
            "t.x:1:1: warning: no definitions in t.x; are they inside" + " #ifdef USINGC?");
    assertThat(compile("/* nothing */\n").diagnostics())
        .extracting(Diagnostic::toString)
        .map(d -> d.replace(dir.resolve("t.x").toString(), "t.x"))
        .containsExactly("t.x:1:1: warning: no definitions in t.x");
  }

  @Test
  void armNamesThatCollide() throws IOException {
    assertThat(
            errors(
                "enum k { A_B = 1, AB = 2 };\n"
                    + "union u switch (k d) { case A_B: void; case AB: void; };\n"))
        .containsExactly("t.x:2:45: error: 'A_B' and 'AB' both map to the Java name 'Ab'");
  }

  @Test
  void nestedProgramNamesThatCollide() throws IOException {
    assertThat(
            errors(
                "program P { version V { void X(void) = 1; } = 1;\n"
                    + "  version V_CLIENT { void Y(void) = 1; } = 2; } = 1;\n"))
        .containsExactly(
            "t.x:2:3: error: 'V' and 'V_CLIENT' both map to the Java name" + " 'VClient'");
  }

  @Test
  void aProcedureNamedLikeAnotherOnesAsyncOrOneWayForm() throws IOException {
    assertThat(
            errors(
                "program P { version V {\n  void X(void) = 1;\n  int X_ASYNC(void) = 2;\n"
                    + "  void X_ONE_WAY(void) = 3; } = 1; } = 1;\n"))
        .containsExactly(
            "t.x:2:8: error: 'X_ASYNC' and 'X' both map to the Java name 'xAsync'",
            "t.x:2:8: error: 'X_ONE_WAY' and 'X' both map to the Java name 'xOneWay'");
  }

  @Test
  void aVersionNamedLikeAnotherVersionsAsynchronousInterface() throws IOException {
    assertThat(
            errors(
                "program P { version V { void X(void) = 1; } = 1;\n"
                    + "  version V_ASYNC { void Y(void) = 1; } = 2; } = 1;\n"))
        .containsExactly(
            "t.x:2:3: error: 'V' and 'V_ASYNC' both map to the Java name" + " 'VAsync'");
  }

  @Test
  void aTypeNamedLikeAGeneratedClass() throws IOException {
    assertThat(errors("const A = 1;\nstruct t_constants { int x; };\n"))
        .containsExactly(
            "t.x:2:1: error: the constants class of t.x and 't_constants' both map"
                + " to the Java name 'TConstants'");
  }

  @Test
  void typedefCodecNamesThatCollide() throws IOException {
    assertThat(errors("typedef int count_t;\ntypedef int countT;\n"))
        .containsExactly(
            "t.x:2:1: error: 'count_t' and 'countT' both map to the Java name" + " 'COUNT_T'");
  }

  @Test
  void javaNameCollision() throws IOException {
    assertThat(errors("struct foo_bar { int x; };\nstruct fooBar { int y; };\n"))
        .containsExactly(
            "t.x:2:1: error: 'foo_bar' and 'fooBar' both map to the Java name" + " 'FooBar'");
    assertThat(errors("struct s { int file_name; int fileName; };\n"))
        .containsExactly(
            "t.x:1:31: error: 'file_name' and 'fileName' both map to the Java"
                + " name 'fileName'");
  }

  @Test
  void caseValueOutsideTheEnum() throws IOException {
    assertThat(errors("enum e { A = 1 };\nunion u switch (e d) { case 2: void; };\n"))
        .containsExactly("t.x:2:29: error: case value 2 is not a value of enum 'e'");
  }

  @Test
  void everyErrorIsReportedInOneRun() throws IOException {
    assertThat(errors("struct a { b x; c y; };\nstruct a { int z; };\n")).hasSize(3);
  }

  @Test
  void syntaxError() throws IOException {
    assertThat(errors("struct s { int x; }\nconst A = 1;\n"))
        .containsExactly("t.x:2:1: error: syntax error: unexpected 'const', expecting ';'");
    assertThat(errors("struct s {\n  int x\n  int y;\n};\n"))
        .containsExactly("t.x:3:3: error: syntax error: unexpected 'int', expecting ';'");
  }

  @Test
  void syntaxErrorAtTheEndOfTheFile() throws IOException {
    assertThat(errors("struct s { int x;"))
        .containsExactly("t.x:1:18: error: syntax error: unexpected end of file");
  }

  @Test
  void unexpectedCharacter() throws IOException {
    assertThat(errors("const A = @1;\n"))
        .containsExactly("t.x:1:11: error: unexpected character '@'");
  }

  @Test
  void unterminatedComment() throws IOException {
    assertThat(errors("const A = 1;\n/* never closed\nconst B = 2;\n"))
        .containsExactly("t.x:2:1: error: unterminated comment");
  }

  @Test
  void missingInclude() throws IOException {
    assertThat(errors("const A = 1;\n#include \"nothere.x\"\n"))
        .containsExactly("t.x:2:1: error: cannot find include file 'nothere.x'");
  }

  @Test
  void unbalancedConditionals() throws IOException {
    assertThat(errors("#ifdef X\nconst A = 1;\n"))
        .containsExactly("t.x:1:1: error: unterminated #ifdef");
    assertThat(errors("#endif\nconst A = 1;\n"))
        .containsExactly("t.x:1:1: error: #endif without #if");
  }

  @Test
  void unknownDirective() throws IOException {
    assertThat(errors("#foo bar\nconst A = 1;\n"))
        .containsExactly("t.x:1:1: error: unknown directive '#foo'");
  }

  @Test
  void invalidNumber() throws IOException {
    assertThat(errors("const A = 09;\nconst B = 0xg;\n"))
        .containsExactly(
            "t.x:1:11: error: invalid number '09'", "t.x:2:11: error: invalid number '0xg'");
  }

  @Test
  void unreadableFile() {
    CompileResult result =
        Compiler.generate(
            CompilerOptions.builder().source(dir.resolve("missing.x")).packageName("t").build());
    assertThat(result.diagnostics())
        .extracting(Diagnostic::toString)
        .containsExactly(
            dir.resolve("missing.x")
                + ":1:1: error: cannot read "
                + dir.resolve("missing.x")
                + ": no such file");
  }
}
