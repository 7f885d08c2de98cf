package io.jrpcgen.compiler.naming;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.compiler.CompileResult;
import io.jrpcgen.compiler.Compiler;
import io.jrpcgen.compiler.CompilerOptions;
import io.jrpcgen.compiler.InProcessJavac;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import io.jrpcgen.xdr.schema.XdrBinding;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Names the generated code derives from {@code .x} names: whatever C compiles, javac compiles too,
 * and the names follow the README's rules.
 */
class GeneratedNamesTest {
  /** Every kind of name that needs care, in one file. */
  static final Path NAMES_FIXTURE = Path.of("src/test/resources/fixtures/names.x");

  @TempDir Path dir;

  /** Compiles {@code source} as {@code file} in package t; javac must accept the output. */
  private ClassLoader compile(String file, String source) throws IOException {
    Path x = dir.resolve(file);
    Files.writeString(x, source);
    CompileResult result =
        Compiler.generate(CompilerOptions.builder().source(x).packageName("t").build());
    assertThat(result.diagnostics()).as(source).isEmpty();
    return javac(result.files());
  }

  private ClassLoader javac(Map<Path, String> files) throws IOException {
    Path classes = Files.createTempDirectory(dir, "classes");
    assertThat(InProcessJavac.compile(files, classes)).as(files.keySet().toString()).isEmpty();
    return new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader());
  }

  private static List<String> recordComponents(Class<?> type) {
    return Arrays.stream(type.getRecordComponents()).map(c -> c.getName()).toList();
  }

  private static List<String> nested(Class<?> type) {
    return Arrays.stream(type.getDeclaredClasses()).map(Class::getSimpleName).sorted().toList();
  }

  @SuppressWarnings("unchecked")
  private static String hex(Class<?> type, Object value) throws ReflectiveOperationException {
    XdrCodec<Object> codec = (XdrCodec<Object>) type.getField("CODEC").get(null);
    XdrEncoder out = new XdrEncoder();
    codec.encode(out, value);
    return HexFormat.of().formatHex(out.toByteArray());
  }

  @SuppressWarnings("unchecked")
  private static Object decode(Class<?> type, String hex) throws ReflectiveOperationException {
    XdrCodec<Object> codec = (XdrCodec<Object>) type.getField("CODEC").get(null);
    XdrDecoder in = new XdrDecoder(HexFormat.of().parseHex(hex));
    Object value = codec.decode(in);
    in.requireEnd();
    return value;
  }

  @Test
  void theNamesFixtureCompiles() throws IOException {
    compile("names.x", Files.readString(NAMES_FIXTURE));
  }

  /** Each source names something as a member Java or the generated code already has. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "struct s { int hashCode; int toString; int getClass; int wait; int notify;"
            + " int notifyAll; int clone; int finalize; int equals; };",
        "enum e { CODEC = 1, value = 2 };",
        "union u switch (int in) { case 1: int a; default: void; };",
        "union u switch (int hashCode) { case 1: int toString; case 2: case 3: int getClass; };",
        "program P { version V { int CLOSE(int) = 1; int CREATE(string, string) = 2;"
            + " int WAIT(void) = 3; int ADD(int client, int hashCode) = 5; } = 1; } = 1;",
        "program P { version DEFAULT_TIMEOUT { void X(void) = 1; } = 1; } = 1;",
        "struct String { int x; }; struct Integer { int y; }; struct Object { int z; };"
            + " struct Override { int o; }; struct List { int l; }; struct XdrCodec { int c; };"
            + " struct Opaque { int p; }; struct Duration { int d; };"
            + " struct s { string name<>; String other; int many<>; opaque op<>; };"
            + " union u switch (int d) { case 1: int a; case 2: case 3: void; };"
            + " program P { version V { s ECHO(s) = 1; } = 1; } = 1;",
        "typedef int *maybe; struct UnaryOperator { int u; }; struct LinkedNodes { int n; };"
            + " struct XdrChecks { int c; }; struct Arrays { int a; }; struct Objects { int o; };"
            + " struct node { maybe opts<>; string name<4>; opaque h[2]; node *next; };",
        "enum kind { POINT = 1, OTHER = 2 }; struct point { int x; };"
            + " union u switch (kind k) { case POINT: point p; case OTHER: void; };",
        "enum k { U = 1, B = 2 }; union u switch (k d) { case U: int x; case B: void; };",
        "struct square_in { int a; }; program P { version square_in_v {"
            + " square_in ECHO(square_in) = 1; } = 1; version SQUARE_IN { void X(void) = 1; }"
            + " = 2; } = 1;",
      })
  void namesThatJavaOrTheGeneratedCodeReserveCompile(String source) throws IOException {
    compile("t.x", source + "\n");
  }

  @Test
  void reservedMembersGetATrailingUnderscore() throws Exception {
    ClassLoader loader =
        compile(
            "t.x",
            "struct s { int hashCode; int value; };\n" + "enum e { CODEC = 1, value = 2 };\n");
    assertThat(recordComponents(loader.loadClass("t.S"))).containsExactly("hashCode_", "value");
    assertThat(Arrays.stream(loader.loadClass("t.E").getEnumConstants()).map(Object::toString))
        .containsExactly("CODEC_", "value_");
  }

  /** RFC 5531's rejected_reply has an arm named like its discriminant. */
  @Test
  void membersNamedLikeACopyMethodOrAsListGetATrailingUnderscore() throws Exception {
    ClassLoader loader =
        compile(
            "t.x",
            "struct node { int size; int withSize; int asList; node *next; };\n"
                + "program P { version V { int ADD(int a, int withB, int b) = 1; } = 1; } = 1;\n");
    Class<?> node = loader.loadClass("t.Node");
    assertThat(recordComponents(node)).containsExactly("size", "withSize_", "asList_", "next");
    assertThat(
            Arrays.stream(node.getDeclaredMethods())
                .filter(m -> m.getParameterCount() == 1)
                .map(Method::getName)
                .filter(m -> m.startsWith("with"))
                .sorted())
        .containsExactly("withAsList", "withNext", "withSize", "withWithSize");
    Object made = node.getConstructors()[0].newInstance(1, 2, 3, null);
    Object copy = node.getMethod("withSize", int.class).invoke(made, 5);
    assertThat(node.getMethod("size").invoke(copy)).isEqualTo(5);
    assertThat(node.getMethod("withSize_").invoke(copy)).isEqualTo(2);
    List<?> nodes = (List<?>) node.getMethod("asList", node).invoke(null, copy);
    assertThat(nodes).hasSize(1);
    assertThat(nodes.get(0)).isSameAs(copy);
    assertThat(recordComponents(loader.loadClass("t.P$AddArgs")))
        .containsExactly("a", "withB_", "b");
  }

  /**
   * A list's decoder reads each node's values into locals of its own before it makes the nodes:
   * values of every kind, named like those locals, and a node's value that is itself a list (read
   * while the outer one is) come back as they were sent.
   */
  @Test
  void aListWhoseValuesAreNamedLikeItsDecodersLocalsRoundTrips() throws Exception {
    ClassLoader loader =
        compile(
            "t.x",
            "enum color { RED = 1, BLUE = 2 };\n"
                + "struct inner { int v; inner *more; };\n"
                + "struct node { hyper in; bool count; float list; double scratch; string name<>;"
                + " opaque data<>; int many<>; color c; inner sub; inner *opt; node *next; };\n");
    Class<?> node = loader.loadClass("t.Node");
    String first =
        "0000000100000002" // in
            + "00000001" // count: TRUE
            + "3fc00000" // list: 1.5f
            + "8000000000000000" // scratch: -0.0
            + "0000000261620000" // name: "ab"
            + "0000000301020300" // data: 010203
            + "0000000200000005ffffffff" // many: [5, -1]
            + "00000002" // c: BLUE
            + "00000007000000010000000800000000" // sub: 7, 8
            + "00000000" // opt: absent
            + "00000001"; // next
    String second =
        "ffffffffffffffff" // in: -1
            + "00000000" // count: FALSE
            + "c0100000" // list: -2.25f
            + "0000000000000001" // scratch: the smallest double
            + "00000000" // name: ""
            + "00000000" // data: empty
            + "00000000" // many: []
            + "00000001" // c: RED
            + "0000000900000000" // sub: 9
            + "000000010000000a00000000" // opt: 10
            + "00000000"; // the end
    Object list = decode(node, first + second);
    assertThat(hex(node, list)).isEqualTo(first + second);
    assertThat(node.getMethod("in").invoke(list)).isEqualTo(0x1_0000_0002L);
    assertThat(node.getMethod("count").invoke(list)).isEqualTo(true);
    assertThat(node.getMethod("list").invoke(list)).isEqualTo(1.5f);
    assertThat(node.getMethod("scratch").invoke(list)).isEqualTo(-0.0);
    assertThat(node.getMethod("name").invoke(list)).isEqualTo("ab");
    assertThat(node.getMethod("many").invoke(list)).isEqualTo(List.of(5, -1));
    Object next = node.getMethod("next").invoke(list);
    assertThat(node.getMethod("scratch").invoke(next)).isEqualTo(Double.MIN_VALUE);
    assertThat(node.getMethod("list").invoke(next)).isEqualTo(-2.25f);
    assertThat(node.getMethod("next").invoke(next)).isNull();
  }

  @Test
  void armNamedLikeItsDiscriminantRoundTrips() throws Exception {
    ClassLoader loader =
        compile(
            "t.x",
            "enum kind { A = 7, B = 8 };\n"
                + "union u switch (kind stat) { case A: int stat; case B: void; };\n"
                + "union v switch (int stat) { case 7: int stat; default: void; };\n");
    Class<?> u = loader.loadClass("t.U");
    Class<?> a = loader.loadClass("t.U$A");
    Object value = a.getConstructors()[0].newInstance(42);
    assertThat(hex(u, value)).isEqualTo("000000070000002a");
    assertThat(decode(u, "000000070000002a")).isEqualTo(value);
    assertThat(recordComponents(a)).containsExactly("stat_");

    Class<?> v = loader.loadClass("t.V");
    Object seven = loader.loadClass("t.V$Case7").getConstructors()[0].newInstance(42);
    assertThat(hex(v, seven)).isEqualTo("000000070000002a");
    assertThat(decode(v, "000000070000002a")).isEqualTo(seven);
    Method stat = v.getMethod("stat");
    assertThat(stat.invoke(seven)).isEqualTo(7);
  }

  @Test
  void armsAreNamedAfterTheirLabels() throws Exception {
    ClassLoader loader =
        compile(
            "t.x",
            "enum op { OP_GETATTR = 9, OP_GETFH = 10,"
                + " OP_OPEN_CONFIRM = 20, OP_A = 1, OP_B = 2 };\n"
                + "union argop switch (op argop) {\n"
                + "  case OP_GETATTR: int opgetattr;\n"
                + "  case OP_GETFH: void;\n"
                + "  case OP_OPEN_CONFIRM: int opopen_confirm;\n"
                + "  case OP_A: case OP_B: int ab;\n"
                + "};\n"
                + "union r switch (int status) { case 0: int ok; case 1: case 2: void; case -1: void;"
                + " default: int raw; };\n"
                + "union set switch (bool set_it) { case TRUE: int value; default: void; };\n");
    assertThat(nested(loader.loadClass("t.Argop")))
        .containsExactly("OpAOrB", "OpGetattr", "OpGetfh", "OpOpenConfirm");
    assertThat(nested(loader.loadClass("t.R")))
        .containsExactly("Case0", "Case1Or2", "CaseMinus1", "Default");
    Class<?> set = loader.loadClass("t.Set");
    assertThat(nested(set)).containsExactly("False", "True");
    Class<?> whenFalse = loader.loadClass("t.Set$False");
    assertThat(recordComponents(whenFalse)).isEmpty();
    Object unset = whenFalse.getConstructor().newInstance();
    assertThat(hex(set, unset)).isEqualTo("00000000");
    assertThat(decode(set, "00000000")).isEqualTo(unset);
  }

  /** The client reads the program number by its simple name: a procedure's must not hide it. */
  @Test
  void aProcedureNamedLikeItsProgramKeepsTheProgramNumberVisible() throws Exception {
    ClassLoader loader =
        compile(
            "t.x", "program SAME { version V { int SAME(void) = 1; } = 1; }" + " = 0x20000003;\n");
    assertThat(loader.loadClass("t.Same").getField("SAME").get(null)).isEqualTo(0x20000003);
    assertThat(loader.loadClass("t.Same$V").getField("SAME_PROCEDURE").get(null)).isEqualTo(1);
  }

  @Test
  void anArmNamedLikeTheEnumOfItsDiscriminantCompiles() throws Exception {
    ClassLoader loader =
        compile(
            "t.x",
            "enum kind { KIND = 1, OTHER = 2 };\n"
                + "union u switch (kind k) { case KIND: void; case OTHER: int x; };\n");
    Object kind = loader.loadClass("t.U$Kind").getConstructor().newInstance();
    assertThat(hex(loader.loadClass("t.U"), kind)).isEqualTo("00000001");
  }

  @Test
  void typedefCodecsHaveConstantCaseNames() throws Exception {
    ClassLoader loader = compile("t.x", "typedef opaque nfs_fh4<128>;\ntypedef int countT;\n");
    Class<?> typedefs = loader.loadClass("t.TTypedefs");
    assertThat(Arrays.stream(typedefs.getFields()).map(f -> f.getName()))
        .containsExactly("NFS_FH4", "COUNT_T");
  }

  /**
   * The schema class binds every type and typedef; a binding never takes SCHEMA, and a typedef
   * whose name a type's binding has gets a trailing _.
   */
  @Test
  void schemaBindingsOfTypesAndTypedefsHaveNamesOfTheirOwn() throws Exception {
    ClassLoader loader =
        compile(
            "t.x",
            "struct schema { int a; };\nstruct countT { int b; };\n"
                + "typedef int count_t;\ntypedef countT alias_t;\n");
    Class<?> schema = loader.loadClass("t.TSchema");
    assertThat(Arrays.stream(schema.getFields()).map(f -> f.getName()))
        .containsExactly("SCHEMA", "SCHEMA_", "COUNT_T", "COUNT_T_", "ALIAS_T");
    assertThat(((XdrBinding<?>) schema.getField("COUNT_T_").get(null)).type()).isEqualTo("count_t");
    assertThat(((XdrBinding<?>) schema.getField("SCHEMA_").get(null)).type()).isEqualTo("schema");
    XdrBinding<?> alias = (XdrBinding<?>) schema.getField("ALIAS_T").get(null);
    assertThat(alias.type()).isEqualTo("alias_t");
    assertThat(alias.codec()).isSameAs(loader.loadClass("t.CountT").getField("CODEC").get(null));
  }

  @Test
  void aFileWhoseNameIsNoJavaIdentifierGetsValidNames() throws Exception {
    Path x = dir.resolve("1kv.x");
    Files.writeString(x, "const MAX = 1;\ntypedef int key<MAX>;\n");
    CompileResult result = Compiler.generate(CompilerOptions.builder().source(x).build());
    assertThat(result.diagnostics()).isEmpty();
    assertThat(result.files().keySet())
        .containsExactlyInAnyOrder(
            Path.of("_1kv/_1KvConstants.java"),
            Path.of("_1kv/_1KvTypedefs.java"),
            Path.of("_1kv/_1KvSchema.java"));
    javac(result.files());
  }

  /** -T for a type the file defines: the user's class stands for it, nothing is generated. */
  @Test
  void externalTypeReplacesTheFilesOwnDefinition() throws Exception {
    Path x = dir.resolve("t.x");
    Files.writeString(
        x,
        "typedef string filename3<>;\nstruct point { int x; };\n"
            + "struct s { filename3 name; point where; };\n");
    CompileResult result =
        Compiler.generate(
            CompilerOptions.builder()
                .source(x)
                .packageName("t")
                .externalType("filename3", "com.example.Name")
                .externalType("point", "com.example.Point")
                .build());
    assertThat(result.diagnostics()).isEmpty();
    assertThat(result.files().keySet()).containsExactly(Path.of("t/S.java"));
    Map<Path, String> withUserClasses = new java.util.LinkedHashMap<>(result.files());
    withUserClasses.put(Path.of("com/example/Name.java"), userClass("Name"));
    withUserClasses.put(Path.of("com/example/Point.java"), userClass("Point"));
    ClassLoader loader = javac(withUserClasses);
    assertThat(
            Arrays.stream(loader.loadClass("t.S").getRecordComponents())
                .map(c -> c.getType().getName()))
        .containsExactly("com.example.Name", "com.example.Point");
  }

  private static String userClass(String name) {
    return "package com.example;\n"
        + "import io.jrpcgen.xdr.XdrCodec;\n"
        + "public record "
        + name
        + "(int v) {\n"
        + "  public static final XdrCodec<"
        + name
        + "> CODEC = XdrCodec.of(\n"
        + "      (out, x) -> out.writeInt(x.v()), in -> new "
        + name
        + "(in.readInt()));\n"
        + "}\n";
  }
}
