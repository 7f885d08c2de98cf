package io.jrpcgen.xdr.schema;

import static io.jrpcgen.xdr.schema.XdrShape.BOOL;
import static io.jrpcgen.xdr.schema.XdrShape.DOUBLE;
import static io.jrpcgen.xdr.schema.XdrShape.FLOAT;
import static io.jrpcgen.xdr.schema.XdrShape.HYPER;
import static io.jrpcgen.xdr.schema.XdrShape.INT;
import static io.jrpcgen.xdr.schema.XdrShape.QUADRUPLE;
import static io.jrpcgen.xdr.schema.XdrShape.UNBOUNDED;
import static io.jrpcgen.xdr.schema.XdrShape.UNSIGNED_INT;
import static io.jrpcgen.xdr.schema.XdrShape.VOID;
import static io.jrpcgen.xdr.schema.XdrShape.arm;
import static io.jrpcgen.xdr.schema.XdrShape.array;
import static io.jrpcgen.xdr.schema.XdrShape.defaultArm;
import static io.jrpcgen.xdr.schema.XdrShape.enumOf;
import static io.jrpcgen.xdr.schema.XdrShape.enumerator;
import static io.jrpcgen.xdr.schema.XdrShape.fixedArray;
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

import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import io.jrpcgen.xdr.XdrException;
import io.jrpcgen.xdr.XdrStrings;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Random values: what they cover, their limits, and the malformed variants exactly. */
class XdrRandomTest {
  private static final HexFormat HEX = HexFormat.of();

  private static XdrSchema schema() {
    return XdrSchema.builder()
        .type("color", enumOf(enumerator("RED", 0), enumerator("BLUE", 2)))
        .type("count", INT)
        .type(
            "tree",
            struct(
                member("v", INT),
                member("kids", array(ref("tree"), UNBOUNDED)),
                member("left", optional(ref("tree")))))
        .type("deep", union(member("d", BOOL), arm(member("more", ref("deep")), 1), arm(null, 0)))
        .type(
            "shape",
            union(
                member("k", UNSIGNED_INT),
                arm(member("i", INT), 1, 2),
                arm(member("f", FLOAT), 3),
                defaultArm(member("o", opaque(3)))))
        .type(
            "by_color",
            union(
                member("c", ref("color")),
                arm(VOID == null ? null : null, 0),
                defaultArm(member("h", HYPER))))
        .type(
            "all_named",
            union(
                member("c", ref("color")),
                arm(null, 0),
                arm(member("x", INT), 2),
                defaultArm(member("never", INT))))
        .type("flag", union(member("b", BOOL), arm(null, 1)))
        .type(
            "text",
            struct(
                member("s", string(5)),
                member("fixed", fixedOpaque(5)),
                member("n", fixedArray(DOUBLE, 2)),
                member("q", QUADRUPLE)))
        .build();
  }

  @Test
  void everyArmComesUpTheDefaultWithADiscriminantNoCaseNames() {
    XdrSchema s = schema();
    XdrJson json = XdrJson.of(s);
    XdrRandom random = XdrRandom.of(s, new Random(11));
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 400; i++) {
      for (String type : List.of("shape", "by_color", "all_named", "flag")) {
        Json.Obj o = (Json.Obj) Json.parse(json.toJson(type, random.next(type)));
        seen.add(type + o.members().keySet());
        if (type.equals("shape") && o.members().containsKey("o")) {
          assertThat(((Json.Number) o.members().get("k")).text()).isNotIn("1", "2", "3");
        }
      }
    }
    assertThat(seen)
        .containsExactlyInAnyOrder(
            "shape[k, i]",
            "shape[k, f]",
            "shape[k, o]",
            "by_color[c]",
            "by_color[c, h]",
            "all_named[c]",
            "all_named[c, x]",
            "flag[b]");
  }

  @Test
  void recursionEndsAndLimitsHold() {
    XdrSchema s = schema();
    XdrJson json = XdrJson.of(s);
    XdrRandom random = XdrRandom.of(s, new Random(5)).withLimits(3, 2, 3);
    assertThat(random.maxBytes()).isEqualTo(3);
    assertThat(random.maxItems()).isEqualTo(2);
    assertThat(random.maxDepth()).isEqualTo(3);
    int deepest = 0;
    for (int i = 0; i < 300; i++) {
      String tree = json.toJson("tree", random.next("tree"));
      deepest = Math.max(deepest, depth(tree));
      assertThat(depth(json.toJson("deep", random.next("deep")))).isLessThanOrEqualTo(8);
      Json.Obj text = (Json.Obj) Json.parse(json.toJson("text", random.next("text")));
      assertThat(XdrStrings.byteLength(((Json.Str) text.members().get("s")).value()))
          .isLessThanOrEqualTo(3);
    }
    assertThat(deepest).isBetween(3, 12);
    assertThatThrownBy(() -> random.withLimits(-1, 0, 0)).hasMessage("negative limit: -1, 0, 0");
    assertThatThrownBy(() -> random.withLimits(0, -1, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> random.withLimits(0, 0, -1))
        .isInstanceOf(IllegalArgumentException.class);
    XdrRandom none = random.withLimits(0, 0, 0);
    // Past the depth: no kids, no left; only the int is random.
    assertThat(HEX.formatHex(none.next("tree"))).hasSize(24).endsWith("0000000000000000");
  }

  private static int depth(String json) {
    int depth = 0;
    int max = 0;
    for (char c : json.toCharArray()) {
      if (c == '{' || c == '[') {
        max = Math.max(max, ++depth);
      } else if (c == '}' || c == ']') {
        depth--;
      }
    }
    return max;
  }

  @Test
  void lengthsAreZeroTheBoundAndBetweenStringsAsciiUtf8AndAnyBytes() {
    XdrSchema s = schema();
    XdrRandom random = XdrRandom.of(s, new Random(9));
    Set<Integer> lengths = new HashSet<>();
    Set<String> kinds = new HashSet<>();
    for (int i = 0; i < 400; i++) {
      XdrDecoder in = new XdrDecoder(random.next("text"));
      String text = in.readString(5);
      lengths.add(XdrStrings.byteLength(text));
      kinds.add(
          text.chars().anyMatch(c -> c >= 0xdc80 && c <= 0xdcff)
              ? "escaped"
              : text.chars().anyMatch(c -> c >= 0x80) ? "utf-8" : "ascii");
    }
    assertThat(lengths).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
    assertThat(kinds).containsExactlyInAnyOrder("escaped", "utf-8", "ascii");
  }

  @Test
  void malformedVariantsAreExactlyWhatTheySay() {
    XdrSchema s =
        XdrSchema.builder()
            .type("color", enumOf(enumerator("RED", 0), enumerator("TOP", Integer.MAX_VALUE)))
            .type(
                "m",
                struct(
                    member("o", opaque(2)),
                    member("c", ref("color")),
                    member("p", optional(INT)),
                    member("u", union(member("d", INT), arm(null, 7))),
                    member("b", union(member("d", BOOL), arm(null, 0, 1))),
                    member("any", opaque(UNBOUNDED))))
            .build();
    // Draw until the opaque has one byte (so three of padding) and the pointer is null.
    XdrRandom random = XdrRandom.of(s, new Random(1));
    XdrRandom.Sample sample;
    do {
      sample = random.sample("m");
    } while (sample.valid()[3] != 1 || sample.valid()[15] != 0);
    byte[] v = sample.valid();
    List<String> descriptions =
        sample.malformed().stream().map(XdrRandom.Malformed::description).toList();
    assertThat(descriptions)
        .contains(
            "length 3 over its bound of 2 at offset 0",
            "length 4294967295 at offset 0",
            "padding byte 1 at offset 5",
            "enum value 2147483646 that no enumerator has at offset 8",
            "bool or pointer flag 2 at offset 12",
            "discriminant 2147483647 that no arm takes at" + " offset 16",
            "discriminant 2 that no arm takes at offset 20",
            "length 4294967295 at offset 24");
    assertThat(descriptions).filteredOn(d -> d.startsWith("length 4294967295")).hasSize(2);
    assertThat(descriptions).noneMatch(d -> d.startsWith("length 2147483648"));
    assertThat(descriptions.get(0)).matches("cut to \\d+ of " + v.length + " bytes");
    for (XdrRandom.Malformed m : sample.malformed()) {
      String d = m.description();
      if (d.startsWith("cut to ")) {
        int cut = Integer.parseInt(d.split(" ")[2]);
        assertThat(cut % 4).isZero();
        assertThat(m.bytes()).isEqualTo(java.util.Arrays.copyOf(v, cut));
      } else if (d.equals("last word missing")) {
        assertThat(m.bytes()).isEqualTo(java.util.Arrays.copyOf(v, v.length - 4));
      } else {
        assertThat(m.bytes()).hasSameSizeAs(v);
        int at = Integer.parseInt(d.substring(d.lastIndexOf(' ') + 1));
        byte[] expected = v.clone();
        if (d.startsWith("padding")) {
          expected[at] = 1;
        } else {
          int value =
              d.startsWith("length 3")
                  ? 3
                  : d.startsWith("length 4")
                      ? -1
                      : d.startsWith("enum")
                          ? Integer.MAX_VALUE - 1
                          : d.startsWith("bool")
                              ? 2
                              : d.endsWith("offset 16") ? Integer.MAX_VALUE : 2;
          expected[at] = (byte) (value >>> 24);
          expected[at + 1] = (byte) (value >>> 16);
          expected[at + 2] = (byte) (value >>> 8);
          expected[at + 3] = (byte) value;
        }
        assertThat(m.bytes()).as(d).isEqualTo(expected);
      }
      assertThatThrownBy(
              () -> {
                XdrDecoder in = new XdrDecoder(m.bytes());
                XdrJson.of(s).read(new XdrShape.Ref("m"), in);
                in.requireEnd();
              })
          .as(d)
          .isInstanceOf(XdrException.class);
    }
  }

  @Test
  void extremesOfEveryNumberComeUp() {
    XdrSchema s =
        XdrSchema.builder()
            .type("n", struct(member("h", HYPER), member("d", DOUBLE), member("u", UNSIGNED_INT)))
            .build();
    XdrRandom random = XdrRandom.of(s, new Random(3));
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 600; i++) {
      Json.Obj o = (Json.Obj) Json.parse(XdrJson.of(s).toJson("n", random.next("n")));
      o.members().forEach((k, v) -> seen.add(k + Json.write(v)));
    }
    assertThat(seen)
        .contains(
            "h\"-9223372036854775808\"",
            "h\"9223372036854775807\"",
            "h\"0\"",
            "h\"1\"",
            "h\"-1\"",
            "d-0.0",
            "d0.0",
            "d\"NaN\"",
            "d\"Infinity\"",
            "d\"-Infinity\"",
            "d\"NaN:0x7ff0000000000001\"",
            "d1.7976931348623157E308",
            "d4.9E-324",
            "u4294967295",
            "u2147483648",
            "u0");
  }

  @Test
  void rawBytesGoAsTheyAre() {
    XdrEncoder out = new XdrEncoder();
    XdrRandom.RAW.encode(out, new byte[] {1, 2, 3, 4});
    assertThat(out.toByteArray()).containsExactly(1, 2, 3, 4);
    assertThat(XdrRandom.RAW.decode(new XdrDecoder(new byte[] {5, 6, 7, 8})))
        .containsExactly(5, 6, 7, 8);
    assertThat(XdrRandom.RAW.minEncodedSize()).isZero();
  }

  @Test
  void aBindingJoinsACodecToItsShape() {
    XdrSchema s = schema();
    XdrBinding<Integer> count = new XdrBinding<>(s, "count", XdrCodec.INT);
    assertThat(count.toJson(-7)).isEqualTo("-7");
    assertThat(count.fromJson("\"12\"")).isEqualTo(12);
    assertThat(HEX.formatHex(count.encode(255))).isEqualTo("000000ff");
    assertThat(count.decode(HEX.parseHex("00000010"))).isEqualTo(16);
    assertThatThrownBy(() -> count.decode(HEX.parseHex("0000001000")))
        .isInstanceOf(XdrException.class);
    Integer v = count.random(XdrRandom.of(s, new Random(1)));
    assertThat(count.decode(count.encode(v))).isEqualTo(v);
    assertThatThrownBy(() -> new XdrBinding<>(s, "nope", XdrCodec.INT))
        .hasMessageStartingWith("no type 'nope' in the schema (it has: color, count, tree");
    assertThatThrownBy(() -> new XdrBinding<>(s, "count", null))
        .isInstanceOf(NullPointerException.class);
  }
}
