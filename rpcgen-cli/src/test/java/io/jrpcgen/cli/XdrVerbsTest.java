package io.jrpcgen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verbs decode, encode and random, and --dump-schema json. */
class XdrVerbsTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final Path CORPUS = Path.of("../../shared/corpus");
  private static final String SQUARE =
      "struct square_in { long arg1; };\n"
          + "struct square_out { long res1; };\n"
          + "program SQUARE_PROG { version SQUARE_VERS {\n"
          + "  square_out SQUAREPROC(square_in) = 1; } = 1; } = 0x31230000;\n";
  private static final String CALL_HEX =
      "00000001"
          + "00000000"
          + "00000002"
          + "31230000"
          + "00000001"
          + "00000001"
          + "0000000000000000"
          + "0000000000000000"
          + "00000005";

  @TempDir Path dir;
  private String square;

  private record Run(int code, byte[] out, String err) {
    String text() {
      return new String(out, StandardCharsets.UTF_8);
    }
  }

  @BeforeEach
  void writeSquare() throws IOException {
    square = Files.writeString(dir.resolve("square.x"), SQUARE).toString();
  }

  private static Run verb(byte[] stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    int code = XdrVerbs.run(args, new ByteArrayInputStream(stdin), out, new PrintWriter(err, true));
    return new Run(code, out.toByteArray(), err.toString());
  }

  private static Run main(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString().getBytes(StandardCharsets.UTF_8), err.toString());
  }

  @Test
  void encodeWritesXdrAndDecodePrintsJson() {
    Run encoded = verb(new byte[0], "encode", square, "square_in", "{\"arg1\": 5}");
    assertThat(encoded.code()).as(encoded.err()).isZero();
    assertThat(HEX.formatHex(encoded.out())).isEqualTo("00000005");

    Run decoded = verb(HEX.parseHex("00000019"), "decode", square, "square_out");
    assertThat(decoded.code()).as(decoded.err()).isZero();
    assertThat(decoded.text()).isEqualTo("{\n  \"res1\": 25\n}\n");
    assertThat(
            verb(
                    "00 00 00 19\n".getBytes(StandardCharsets.US_ASCII),
                    "decode",
                    "--hex",
                    "--compact",
                    square,
                    "square_out")
                .text())
        .isEqualTo("{\"res1\":25}\n");
    // The JSON may come on standard input.
    assertThat(
            verb(
                    "{\"arg1\": -1}".getBytes(StandardCharsets.UTF_8),
                    "encode",
                    "--hex",
                    square,
                    "square_in")
                .text())
        .isEqualTo("ffffffff\n");
  }

  @Test
  void callsAreReadWithOrWithoutARecordMarkAndWrittenBack() {
    String expected =
        "{\"xid\":1,\"message\":\"call\","
            + "\"program\":{\"name\":\"SQUARE_PROG\",\"number\":824377344},"
            + "\"version\":{\"name\":\"SQUARE_VERS\",\"number\":1},"
            + "\"procedure\":{\"name\":\"SQUAREPROC\",\"number\":1},"
            + "\"credential\":{\"flavor\":0,\"body\":\"\"},\"verifier\":{\"flavor\":0,\"body\":\"\"},"
            + "\"arguments\":{\"arg1\":5}}\n";
    assertThat(verb(HEX.parseHex(CALL_HEX), "decode", "--compact", square, "--call").text())
        .isEqualTo(expected);
    assertThat(
            verb(HEX.parseHex("8000002c" + CALL_HEX), "decode", "--compact", square, "--call")
                .text())
        .isEqualTo(expected);
    // Two fragments make one record.
    assertThat(
            verb(
                    HEX.parseHex(
                        "00000008"
                            + CALL_HEX.substring(0, 16)
                            + "80000024"
                            + CALL_HEX.substring(16)),
                    "decode",
                    "--compact",
                    square,
                    "--call")
                .text())
        .isEqualTo(expected);

    Run call = verb(new byte[0], "encode", "--hex", square, "--call", expected);
    assertThat(call.code()).as(call.err()).isZero();
    assertThat(call.text()).isEqualTo(CALL_HEX + "\n");
    assertThat(
            verb(new byte[0], "encode", "--hex", "--record-mark", square, "--call", expected)
                .text())
        .isEqualTo("8000002c" + CALL_HEX + "\n");
  }

  @Test
  void repliesNameTheProcedureTheyAnswer() {
    String success =
        "00000001" + "00000001" + "00000000" + "0000000000000000" + "00000000" + "00000019";
    Run r = verb(HEX.parseHex(success), "decode", "--compact", square, "--reply", "SQUAREPROC");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.text())
        .isEqualTo(
            "{\"xid\":1,\"message\":\"reply\","
                + "\"program\":{\"name\":\"SQUARE_PROG\",\"number\":824377344},"
                + "\"version\":{\"name\":\"SQUARE_VERS\",\"number\":1},"
                + "\"procedure\":{\"name\":\"SQUAREPROC\",\"number\":1},"
                + "\"verifier\":{\"flavor\":0,\"body\":\"\"},\"status\":\"SUCCESS\","
                + "\"result\":{\"res1\":25}}\n");
    assertThat(verb(new byte[0], "encode", "--hex", square, "--reply", r.text()).text())
        .isEqualTo(success + "\n");

    String garbage = "00000002" + "00000001" + "00000000" + "0000000000000000" + "00000004";
    Run g =
        verb(
            HEX.parseHex(garbage),
            "decode",
            "--compact",
            square,
            "--reply",
            "SQUARE_PROG.SQUARE_VERS.SQUAREPROC");
    assertThat(g.text()).contains("\"status\":\"GARBAGE_ARGS\"").doesNotContain("result");
    assertThat(verb(new byte[0], "encode", "--hex", square, "--reply", g.text()).text())
        .isEqualTo(garbage + "\n");
    String authError = "00000003" + "00000001" + "00000001" + "00000001" + "00000002";
    Run a = verb(HEX.parseHex(authError), "decode", "--compact", square, "--reply", "SQUAREPROC");
    assertThat(a.text()).contains("\"status\":\"AUTH_ERROR\",\"auth\":\"AUTH_REJECTEDCRED\"");
    assertThat(verb(new byte[0], "encode", "--hex", square, "--reply", a.text()).text())
        .isEqualTo(authError + "\n");
  }

  @Test
  void badInputIsOneLineAndExitCodeOne() {
    Run truncated = verb(HEX.parseHex("0000"), "decode", square, "square_out");
    assertThat(truncated.code()).isEqualTo(1);
    assertThat(truncated.err())
        .isEqualTo("jrpcgen decode: truncated: 4 bytes needed at offset 0, 2 left\n");
    Run json = verb(new byte[0], "encode", square, "square_in", "{\"arg1\": 5.5}");
    assertThat(json.code()).isEqualTo(1);
    assertThat(json.err()).isEqualTo("jrpcgen encode: $.arg1: not an integer: 5.5\n");
    Run program =
        verb(HEX.parseHex(CALL_HEX.replace("31230000", "31230001")), "decode", square, "--call");
    assertThat(program.code()).isEqualTo(1);
    assertThat(program.err())
        .isEqualTo(
            "jrpcgen decode: program 824377345 (0x31230001) is"
                + " not in "
                + square
                + " (it has: [SQUARE_PROG = 824377344])\n");
    Run reply = verb(HEX.parseHex(CALL_HEX), "decode", square, "--reply", "SQUAREPROC");
    assertThat(reply.code()).isEqualTo(1);
    assertThat(reply.err())
        .isEqualTo("jrpcgen decode: expected a reply (msg_type 1), got msg_type 0\n");
    Run call = verb(HEX.parseHex("00000001" + "00000001"), "decode", square, "--call");
    assertThat(call.err())
        .isEqualTo("jrpcgen decode: not a call: msg_type 1 (a reply: use --reply PROCEDURE)\n");
  }

  @Test
  void typedefAliasesAreTypesOfTheirOwn() throws IOException {
    String x =
        Files.writeString(
                dir.resolve("alias.x"),
                "typedef string filename3<>;\n"
                    + "struct fattr3 { unsigned int mode; filename3 name; };\n"
                    + "typedef fattr3 attr_alias;\n"
                    + "typedef attr_alias attr_alias2;\n")
            .toString();
    Run name = verb(new byte[0], "encode", "--hex", x, "filename3", "\"ab\"");
    assertThat(name.code()).as(name.err()).isZero();
    assertThat(name.text()).isEqualTo("0000000261620000\n");
    for (String alias : List.of("attr_alias", "attr_alias2")) {
      Run encoded =
          verb(new byte[0], "encode", "--hex", x, alias, "{\"mode\": 4294967295, \"name\": \"a\"}");
      assertThat(encoded.code()).as(encoded.err()).isZero();
      assertThat(encoded.text()).isEqualTo("ffffffff0000000161000000\n");
      Run decoded = verb(HEX.parseHex("ffffffff0000000161000000"), "decode", "--compact", x, alias);
      assertThat(decoded.code()).as(decoded.err()).isZero();
      assertThat(decoded.text()).isEqualTo("{\"mode\":4294967295,\"name\":\"a\"}\n");
      Run random = verb(new byte[0], "random", "--seed", "1", "-n", "5", x, alias);
      assertThat(random.code()).as(random.err()).isZero();
      assertThat(random.text().lines()).hasSize(5).allMatch(l -> l.startsWith("{\"mode\":"));
    }
  }

  @Test
  void badUsageIsExitCodeTwo() {
    Run type = verb(new byte[0], "decode", square, "square_inn");
    assertThat(type.code()).isEqualTo(2);
    assertThat(type.err())
        .isEqualTo(
            "jrpcgen decode: no type 'square_inn' in "
                + square
                + " (its types: square_in, square_out)\n");
    assertThat(verb(new byte[0], "decode", square).err())
        .isEqualTo("jrpcgen decode: give one of TYPE, --call or --reply\n");
    assertThat(verb(new byte[0], "decode", square, "--reply", "NOPE").err())
        .isEqualTo("jrpcgen decode: no procedure 'NOPE' in " + square + "\n");
    assertThat(verb(new byte[0], "random", square, "square_in", "--count", "x").code())
        .isEqualTo(2);
    assertThat(main("--dump-schema", "yaml", square).code()).isEqualTo(2);
  }

  @Test
  void aBadXFileGetsItsDiagnosticsAndExitCodeOne() throws IOException {
    String bad = Files.writeString(dir.resolve("bad.x"), "struct s { nope x; };\n").toString();
    Run r = verb(new byte[0], "decode", bad, "s");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .startsWith(bad + ":1:12: error: undefined type 'nope'")
        .endsWith("jrpcgen decode: " + bad + " has errors or no definitions\n");
  }

  @Test
  void randomValuesFollowTheSeedAndMalformedOnesSayWhatIsWrong() {
    Run a = verb(new byte[0], "random", "--seed", "5", "-n", "3", square, "square_in");
    assertThat(a.code()).as(a.err()).isZero();
    assertThat(a.text().lines()).hasSize(3).allMatch(l -> l.matches("\\{\"arg1\":-?\\d+}"));
    assertThat(verb(new byte[0], "random", "--seed", "5", "-n", "3", square, "square_in").text())
        .isEqualTo(a.text());
    Run hex = verb(new byte[0], "random", "--seed", "5", "-n", "1", "--hex", square, "square_in");
    assertThat(hex.text()).matches("[0-9a-f]{8}\n");
    Run bad =
        verb(new byte[0], "random", "--seed", "5", "-n", "1", "--malformed", square, "square_in");
    assertThat(bad.text().lines())
        .isNotEmpty()
        .allMatch(l -> l.matches("[0-9a-f]*\tcut to 0 of 4 bytes"));
  }

  @Test
  void dumpSchemaWritesTheResolvedSchemaWithPositions() throws IOException {
    Run r = main("--dump-schema", "json", square);
    assertThat(r.code()).as(r.err()).isZero();
    JsonElement root = JsonParser.parseString(r.text());
    assertThat(root.getAsJsonObject().get("format").getAsInt()).isEqualTo(1);
    var file = root.getAsJsonObject().getAsJsonArray("files").get(0).getAsJsonObject();
    var type = file.getAsJsonArray("types").get(0).getAsJsonObject();
    assertThat(type.get("name").getAsString()).isEqualTo("square_in");
    assertThat(type.get("pos").getAsString()).isEqualTo(square + ":1:1");
    assertThat(type.getAsJsonArray("members").get(0).toString())
        .isEqualTo(
            "{\"name\":\"arg1\",\"pos\":\"" + square + ":1:25\",\"type\":{\"kind\":\"int\"}}");
    var procedure =
        file.getAsJsonArray("programs")
            .get(0)
            .getAsJsonObject()
            .getAsJsonArray("versions")
            .get(0)
            .getAsJsonObject()
            .getAsJsonArray("procedures")
            .get(0)
            .getAsJsonObject();
    assertThat(procedure.get("result").toString())
        .isEqualTo("{\"kind\":\"ref\",\"name\":\"square_out\"}");
    assertThat(dir.resolve("square")).doesNotExist(); // no Java written
  }

  @Test
  void everyCorpusFileDumpsAsValidJson() throws IOException {
    List<Path> files;
    try (Stream<Path> all = Files.walk(CORPUS)) {
      files = all.filter(p -> p.toString().endsWith(".x")).sorted().toList();
    }
    assertThat(files).hasSizeGreaterThan(30);
    for (Path x : files) {
      String name = x.getFileName().toString();
      List<String> args =
          switch (name) {
            // Types that reach it only through a C header, and a file in OCamlnet's own dialect.
            case "nis_callback.x" ->
                List.of(
                    "-T", "nis_object=corpus.nis.NisObject", "-T", "nis_error=corpus.nis.NisError");
            case "rpc_nfs4_rfc3530.x" -> null;
            default -> List.of();
          };
      if (args == null) {
        assertThat(main("--dump-schema", "json", x.toString()).code()).isEqualTo(1);
        continue;
      }
      String[] argv =
          Stream.concat(
                  Stream.concat(Stream.of("--dump-schema", "json"), args.stream()),
                  Stream.of(x.toString()))
              .toArray(String[]::new);
      Run r = main(argv);
      assertThat(r.code()).as(x + ": " + r.err()).isZero();
      JsonElement root = JsonParser.parseString(r.text());
      assertThat(root.getAsJsonObject().getAsJsonArray("files")).as(x.toString()).hasSize(1);
      // Our own parser reads what we write, too.
      assertThat(io.jrpcgen.xdr.schema.Json.write(io.jrpcgen.xdr.schema.Json.parse(r.text())))
          .isEqualTo(root.toString());
    }
  }
}
