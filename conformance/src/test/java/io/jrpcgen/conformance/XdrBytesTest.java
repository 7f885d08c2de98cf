package io.jrpcgen.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.compiler.Compiler;
import io.jrpcgen.compiler.CompilerOptions;
import io.jrpcgen.compiler.model.Schema;
import io.jrpcgen.compiler.model.Shapes;
import io.jrpcgen.conformance.ConformanceValues.Case;
import io.jrpcgen.conformance.gen.Opaques;
import io.jrpcgen.conformance.gen.Prims;
import io.jrpcgen.testsupport.NativeTools;
import io.jrpcgen.testsupport.NativeTools.ProcessRun;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import io.jrpcgen.xdr.XdrException;
import io.jrpcgen.xdr.schema.Json;
import io.jrpcgen.xdr.schema.XdrJson;
import io.jrpcgen.xdr.schema.XdrShape;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Byte-level conformance: for every value of conformance.x, the bytes jrpcgen's generated codecs
 * write equal the bytes libtirpc's rpcgen-generated {@code xdr_*} routines write with {@code
 * xdrmem_create}, and each side decodes the other's bytes to the same fields.
 */
class XdrBytesTest {
  private static final HexFormat HEX = HexFormat.of();
  // Linux limits one command-line argument to 128 KiB: larger values are not decoded by argv.
  private static final int MAX_ARGUMENT_HEX = 100_000;

  @TempDir static Path dir;
  private static ConformancePeers peers;
  private static final Map<String, String> C_HEX = new LinkedHashMap<>();

  @BeforeAll
  static void encodeEveryCaseWithLibtirpc() throws Exception {
    if (NativeTools.missingTools() != null) {
      return; // every test skips itself, loudly
    }
    peers = ConformancePeers.build(dir);
    List<String> names = cases().filter(c -> !c.voidResult()).map(Case::name).toList();
    ProcessRun run = peers.encode(names);
    assertThat(run.exitCode()).as(run.output()).isZero();
    for (String line : run.lines()) {
      String[] parts = line.split(" ", 2);
      C_HEX.put(parts[0], parts.length > 1 ? parts[1] : "");
    }
    assertThat(C_HEX.keySet()).containsExactlyElementsOf(names);
  }

  @BeforeEach
  void requireCPeers() {
    NativeTools.assumeToolsPresent();
  }

  static Stream<Case<?>> cases() {
    return ConformanceValues.cases().stream();
  }

  static Stream<Case<?>> valueCases() {
    return cases().filter(c -> !c.voidResult());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueCases")
  void javaEncodesTheBytesLibtirpcEncodes(Case<?> c) {
    assertThat(HEX.formatHex(c.encodedArgs())).isEqualTo(C_HEX.get(c.name()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueCases")
  void javaDecodesLibtirpcBytesToTheSameFields(Case<?> c) {
    Object decoded = c.decodeArgs(HEX.parseHex(C_HEX.get(c.name())));
    assertThat(Fields.lines(decoded)).isEqualTo(Fields.lines(c.args()));
  }

  /**
   * libtirpc's bytes read as JSON by the schema of conformance.x (as {@code jrpcgen decode} does)
   * and written back from that JSON (as {@code jrpcgen encode} does) are the same bytes.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("valueCases")
  void libtirpcBytesRoundTripThroughJson(Case<?> c) {
    Schema schema = conformanceSchema();
    Schema.Procedure procedure =
        schema.programs().get(0).versions().stream()
            .filter(v -> v.number() == c.version())
            .findFirst()
            .orElseThrow()
            .procedures()
            .stream()
            .filter(p -> p.number() == c.procedure())
            .findFirst()
            .orElseThrow();
    List<XdrShape.Member> params =
        procedure.parameters().stream()
            .map(f -> new XdrShape.Member(f.name(), Shapes.shape(f.type())))
            .toList();
    XdrShape args = params.size() == 1 ? params.get(0).shape() : new XdrShape.Struct(params);
    XdrJson json = XdrJson.of(Shapes.of(schema));
    byte[] cBytes = HEX.parseHex(C_HEX.get(c.name()));
    XdrDecoder in = new XdrDecoder(cBytes);
    Json value = json.read(args, in);
    in.requireEnd();
    XdrEncoder out = new XdrEncoder();
    json.write(args, Json.parse(Json.write(value)), out);
    assertThat(HEX.formatHex(out.toByteArray()))
        .as(Json.write(value))
        .isEqualTo(C_HEX.get(c.name()));
  }

  private static Schema conformanceSchema() {
    Compiler.Resolved resolved =
        Compiler.resolve(
            CompilerOptions.builder().source(Path.of("src/test/x/conformance.x")).build());
    assertThat(resolved.diagnostics()).isEmpty();
    return resolved.schemas().get(0);
  }

  /** Cases whose argument type is also the result type, which xdr_dump decodes. */
  static Stream<Case<?>> echoCases() {
    return valueCases().filter(c -> c.args() == c.result());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("echoCases")
  void libtirpcDecodesJavaBytesToTheSameFields(Case<?> c) throws Exception {
    String hex = HEX.formatHex(c.encodedArgs());
    if (hex.length() > MAX_ARGUMENT_HEX) {
      return; // the 10,000-entry list: its bytes are compared above, and it goes over TCP
    }
    ProcessRun run = peers.decode(c.name(), hex);
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.lines()).isEqualTo(Fields.prefixed(c.name(), Fields.lines(c.args())));
  }

  // libtirpc decodes leniently where RFC 4506 is strict; jrpcgen follows the RFC. Each test shows
  // libtirpc accepting the bytes and Java refusing them.

  @Test
  void boolOtherThanZeroOrOneIsTrueForLibtirpcAndAnErrorForJava() throws Exception {
    byte[] bytes = encode("prims_zero");
    int boolOffset = 4 + 4 + 8 + 8 + 4 + 8; // i u h uh f d, then b
    bytes[boolOffset + 3] = 2;
    ProcessRun run = peers.decode("prims_zero", HEX.formatHex(bytes));
    assertThat(run.lines()).contains("prims_zero r.b=true");
    assertThatThrownBy(() -> Prims.CODEC.decode(new XdrDecoder(bytes)))
        .isInstanceOf(XdrException.class)
        .hasMessage("bool must be 0 or 1, got 2 at offset " + boolOffset);
  }

  @Test
  void nonZeroPaddingIsIgnoredByLibtirpcAndAnErrorForJava() throws Exception {
    byte[] bytes = encode("opaques_a");
    bytes[1] = 0x5a; // opaque one[1] = ff, then three bytes of padding
    ProcessRun run = peers.decode("opaques_a", HEX.formatHex(bytes));
    assertThat(run.lines()).contains("opaques_a r.one=#ff");
    assertThatThrownBy(() -> Opaques.CODEC.decode(new XdrDecoder(bytes)))
        .isInstanceOf(XdrException.class)
        .hasMessage("non-zero padding byte at offset 1");
  }

  @Test
  void unknownEnumValueIsKeptByLibtirpcAndAnErrorForJava() throws Exception {
    byte[] bytes = encode("prims_zero");
    int hueOffset = 4 + 4 + 8 + 8 + 4 + 8 + 4;
    bytes[hueOffset + 3] = 3; // color has 0, 1, 2, -2147483647 and 0x7fffffff
    ProcessRun run = peers.decode("prims_zero", HEX.formatHex(bytes));
    assertThat(run.lines()).contains("prims_zero r.hue=00000003");
    assertThatThrownBy(() -> Prims.CODEC.decode(new XdrDecoder(bytes)))
        .isInstanceOf(XdrException.class)
        .hasMessageContaining("3");
  }

  private static byte[] encode(String name) {
    return cases().filter(c -> c.name().equals(name)).findFirst().orElseThrow().encodedArgs();
  }
}
