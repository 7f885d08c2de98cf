package io.jrpcgen.xdr.schema;

import static io.jrpcgen.xdr.schema.XdrShape.BOOL;
import static io.jrpcgen.xdr.schema.XdrShape.DOUBLE;
import static io.jrpcgen.xdr.schema.XdrShape.FLOAT;
import static io.jrpcgen.xdr.schema.XdrShape.HYPER;
import static io.jrpcgen.xdr.schema.XdrShape.INT;
import static io.jrpcgen.xdr.schema.XdrShape.UNBOUNDED;
import static io.jrpcgen.xdr.schema.XdrShape.UNSIGNED_HYPER;
import static io.jrpcgen.xdr.schema.XdrShape.UNSIGNED_INT;
import static io.jrpcgen.xdr.schema.XdrShape.arm;
import static io.jrpcgen.xdr.schema.XdrShape.array;
import static io.jrpcgen.xdr.schema.XdrShape.defaultArm;
import static io.jrpcgen.xdr.schema.XdrShape.enumOf;
import static io.jrpcgen.xdr.schema.XdrShape.enumerator;
import static io.jrpcgen.xdr.schema.XdrShape.fixedOpaque;
import static io.jrpcgen.xdr.schema.XdrShape.member;
import static io.jrpcgen.xdr.schema.XdrShape.opaque;
import static io.jrpcgen.xdr.schema.XdrShape.optional;
import static io.jrpcgen.xdr.schema.XdrShape.ref;
import static io.jrpcgen.xdr.schema.XdrShape.string;
import static io.jrpcgen.xdr.schema.XdrShape.struct;
import static io.jrpcgen.xdr.schema.XdrShape.union;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The JSON form: each XDR type byte-exact both ways, strict input, random round trips. */
class XdrJsonTest {
  private static final HexFormat HEX = HexFormat.of();
  // Per test, not static: a mutation tester swaps classes after static initializers ran.
  private final XdrSchema schema =
      XdrSchema.builder()
          .type("color", enumOf(enumerator("RED", 0), enumerator("BLUE", 255)))
          .type(
              "nums",
              struct(
                  member("i", INT),
                  member("u", UNSIGNED_INT),
                  member("h", HYPER),
                  member("uh", UNSIGNED_HYPER),
                  member("f", FLOAT),
                  member("d", DOUBLE),
                  member("b", BOOL)))
          .type(
              "bytes",
              struct(
                  member("fixed", fixedOpaque(3)),
                  member("var", opaque(8)),
                  member("s", string(6))))
          .type("node", struct(member("v", INT), member("next", optional(ref("node")))))
          .type("list", struct(member("head", optional(ref("node")))))
          .type(
              "res",
              union(
                  member("status", ref("color")),
                  arm(member("ok", array(INT, 2)), 0),
                  defaultArm(null)))
          .type("same", union(member("stat", INT), arm(member("stat", string(4)), 1)))
          .type(
              "num",
              union(member("n", UNSIGNED_INT), arm(member("c", ref("color")), 1), arm(null, 2)))
          .build();
  private final XdrJson xdrJson = XdrJson.of(schema);

  private void roundTrip(String type, String hex, String json) {
    assertThat(xdrJson.toJson(type, HEX.parseHex(hex))).isEqualTo(json);
    assertThat(HEX.formatHex(xdrJson.toXdr(type, json))).isEqualTo(hex);
  }

  @Test
  void numbersKeepEveryBit() {
    roundTrip(
        "nums",
        "80000000"
            + "ffffffff"
            + "8000000000000000"
            + "ffffffffffffffff"
            + "80000000"
            + "7ff0000000000001"
            + "00000001",
        "{\"i\":-2147483648,\"u\":4294967295,\"h\":\"-9223372036854775808\","
            + "\"uh\":\"18446744073709551615\",\"f\":-0.0,\"d\":\"NaN:0x7ff0000000000001\","
            + "\"b\":true}");
    roundTrip(
        "nums",
        "00000000"
            + "00000000"
            + "0020000000000001"
            + "0000000000000000"
            + "7fc00000"
            + "fff0000000000000"
            + "00000000",
        "{\"i\":0,\"u\":0,\"h\":\"9007199254740993\",\"uh\":\"0\",\"f\":\"NaN\","
            + "\"d\":\"-Infinity\",\"b\":false}");
    // A number is read for a hyper too, and members in any order.
    assertThat(
            HEX.formatHex(
                xdrJson.toXdr(
                    "nums",
                    "{\"b\":false,\"d\":1.5,\"f\":0.1,"
                        + "\"uh\":18446744073709551615,\"h\":9007199254740993,\"u\":1,\"i\":-1}")))
        .isEqualTo(
            "ffffffff"
                + "00000001"
                + "0020000000000001"
                + "ffffffffffffffff"
                + "3dcccccd"
                + "3ff8000000000000"
                + "00000000");
  }

  @Test
  void opaquesAsHexAndStringsThatAreNotUtf8Escaped() {
    roundTrip(
        "bytes",
        "cafe0100" + "00000002abcd0000" + "00000004636166e9",
        "{\"fixed\":\"cafe01\",\"var\":\"abcd\",\"s\":\"caf\\udce9\"}");
    roundTrip(
        "bytes",
        "00000000" + "00000000" + "0000000363c3a900",
        "{\"fixed\":\"000000\",\"var\":\"\",\"s\":\"c\u00e9\"}");
  }

  @Test
  void listsAreArraysAndUnionsNameTheirDiscriminant() {
    roundTrip(
        "list",
        "00000001" + "00000001" + "00000001" + "00000002" + "00000000",
        "{\"head\":[{\"v\":1},{\"v\":2}]}");
    roundTrip("list", "00000000", "{\"head\":null}");
    roundTrip("res", "00000000" + "00000001" + "00000007", "{\"status\":\"RED\",\"ok\":[7]}");
    roundTrip("res", "000000ff", "{\"status\":\"BLUE\"}");
    roundTrip("num", "00000001" + "000000ff", "{\"n\":1,\"c\":\"BLUE\"}");
    roundTrip("num", "00000002", "{\"n\":2}");
    // An arm named like the discriminant: the arm's key has a _ after it.
    roundTrip("same", "00000001" + "00000002" + "6f6b0000", "{\"stat\":1,\"stat_\":\"ok\"}");
  }

  @Test
  void badJsonSaysWhereAndWhat() {
    assertThatThrownBy(() -> xdrJson.toXdr("nums", "{\"i\":1}"))
        .isInstanceOf(JsonException.class)
        .hasMessage("$: member \"u\" is missing");
    assertThatThrownBy(() -> xdrJson.toXdr("bytes", "{\"fixed\":\"00\",\"var\":\"\",\"s\":\"\"}"))
        .hasMessage("$.fixed: 1 bytes, but the opaque takes exactly 3");
    assertThatThrownBy(
            () -> xdrJson.toXdr("bytes", "{\"fixed\":\"000000\",\"var\":\"\",\"s\":\"1234567\"}"))
        .hasMessage("$.s: string of 7 bytes exceeds its bound of 6");
    assertThatThrownBy(() -> xdrJson.toXdr("res", "{\"status\":\"RED\",\"ok\":[1,2,3]}"))
        .hasMessage("$.ok: 3 items, but the array takes at most 2");
    assertThatThrownBy(() -> xdrJson.toXdr("res", "{\"status\":\"GREEN\"}"))
        .hasMessage("$.status: \"GREEN\" is none of [RED, BLUE]");
    assertThatThrownBy(() -> xdrJson.toXdr("num", "{\"n\":4294967296}"))
        .hasMessage("$.n: 4294967296 is out of range [0, 4294967295]");
    assertThatThrownBy(() -> xdrJson.toXdr("num", "{\"n\":3}"))
        .hasMessage("$.n: no arm of the union takes 3");
    assertThatThrownBy(() -> xdrJson.toXdr("num", "{\"n\":2,\"c\":\"RED\"}"))
        .hasMessage("$: unknown member \"c\" for 2 (a void arm)");
    assertThatThrownBy(() -> xdrJson.toXdr("list", "{\"head\":[]}"))
        .hasMessageStartingWith("$.head: a list has at least one node");
    assertThatThrownBy(() -> xdrJson.toXdr("list", "{\"head\":null,}"))
        .hasMessage("JSON: expected a member name in quotes at offset 13");
    assertThatThrownBy(() -> Json.parse("{\"a\":1,\"a\":2}"))
        .hasMessage("duplicate member \"a\" at offset 7");
    assertThatThrownBy(() -> Json.parse("[".repeat(2000)))
        .hasMessageContaining("nested deeper than 1000 levels");
  }

  @Test
  void badXdrIsAnXdrException() {
    assertThatThrownBy(() -> xdrJson.toJson("res", HEX.parseHex("00000001")))
        .isInstanceOf(XdrException.class)
        .hasMessage("enum value 1 is none of [RED, BLUE]");
    assertThatThrownBy(() -> xdrJson.toJson("num", HEX.parseHex("00000003")))
        .hasMessage("no union arm for discriminant 3 at offset 0");
    assertThatThrownBy(() -> xdrJson.toJson("num", HEX.parseHex("0000000200")))
        .hasMessage("1 unexpected bytes after the end of the data");
  }

  @Test
  void randomValuesRoundTripCoverEveryArmAndTheirMalformedVariantsAreRejected() {
    XdrRandom random = XdrRandom.of(schema, new Random(42));
    Set<String> arms = new HashSet<>();
    for (String type : schema.types().keySet()) {
      for (int i = 0; i < 200; i++) {
        XdrRandom.Sample sample = random.sample(type);
        String text = xdrJson.toJson(type, sample.valid());
        assertThat(xdrJson.toXdr(type, text)).as(text).isEqualTo(sample.valid());
        if (type.equals("num") || type.equals("res")) {
          arms.add(type + ":" + ((Json.Obj) Json.parse(text)).members().keySet());
        }
        for (XdrRandom.Malformed m : sample.malformed()) {
          assertThatThrownBy(
                  () -> {
                    XdrDecoder in = new XdrDecoder(m.bytes());
                    xdrJson.read(new XdrShape.Ref(type), in);
                    in.requireEnd();
                  })
              .as(type + ": " + m.description())
              .isInstanceOf(XdrException.class);
        }
      }
    }
    assertThat(arms).contains("num:[n, c]", "num:[n]", "res:[status, ok]", "res:[status]");
  }

  @Test
  void randomValuesReachTheBoundsAndTheExtremes() {
    XdrRandom random = XdrRandom.of(schema, new Random(7));
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 500; i++) {
      Json.Obj o = (Json.Obj) Json.parse(xdrJson.toJson("bytes", random.next("bytes")));
      seen.add("var" + ((Json.Str) o.members().get("var")).value().length() / 2);
      Json.Obj n = (Json.Obj) Json.parse(xdrJson.toJson("nums", random.next("nums")));
      seen.add("i" + Json.write(n.members().get("i")));
      seen.add("f" + Json.write(n.members().get("f")));
    }
    assertThat(seen)
        .contains(
            "var0", "var8", "i-2147483648", "i2147483647", "f-0.0", "f\"NaN\"", "f\"-Infinity\"");
  }

  @Test
  void unboundedIsWrittenAsTheBound() {
    assertThat(string(UNBOUNDED)).isEqualTo(new XdrShape.Text(Integer.MAX_VALUE));
  }
}
