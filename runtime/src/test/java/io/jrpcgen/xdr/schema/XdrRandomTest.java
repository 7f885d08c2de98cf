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
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
        assertThat(m.bytes()).isEqualTo(Arrays.copyOf(v, cut));
      } else if (d.equals("last word missing")) {
        assertThat(m.bytes()).isEqualTo(Arrays.copyOf(v, v.length - 4));
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
  void lengthsReachZeroAndTheBoundOrTheCapAndNeverPassEither() {
    XdrSchema s =
        XdrSchema.builder()
            .type(
                "v",
                struct(
                    member("small", opaque(2)),
                    member("any", opaque(UNBOUNDED)),
                    member("text", string(UNBOUNDED)),
                    member("few", array(INT, 2)),
                    member("many", array(INT, UNBOUNDED)),
                    member("fixed", fixedOpaque(6)),
                    member("ints", fixedArray(INT, 3))))
            .build();
    XdrRandom random = XdrRandom.of(s, new Random(4)).withLimits(3, 4, 6);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 300; i++) {
      XdrDecoder in = new XdrDecoder(random.next("v"));
      seen.add("small" + in.readVariableOpaque(2).length());
      byte[] any = in.readVariableOpaque(UNBOUNDED).toByteArray();
      seen.add("any" + any.length);
      if (any.length == 3 && (any[0] | any[1] | any[2]) != 0) {
        seen.add("random bytes");
      }
      seen.add("text" + XdrStrings.byteLength(in.readString(UNBOUNDED)));
      int few = in.readInt();
      seen.add("few" + few);
      in.readFixedOpaque(4 * few);
      int many = in.readInt();
      seen.add("many" + many);
      in.readFixedOpaque(4 * many);
      seen.add("fixed" + in.readFixedOpaque(6).length());
      in.readFixedOpaque(4 * 3);
      in.requireEnd();
    }
    assertThat(seen)
        .containsExactlyInAnyOrder(
            "small0",
            "small1",
            "small2",
            "any0",
            "any1",
            "any2",
            "any3",
            "text0",
            "text1",
            "text2",
            "text3",
            "few0",
            "few1",
            "few2",
            "many0",
            "many1",
            "many2",
            "many3",
            "many4",
            "fixed6",
            "random bytes");
  }

  @Test
  void everyIntAndFloatExtremeComesUp() {
    XdrSchema s =
        XdrSchema.builder().type("n", struct(member("i", INT), member("f", FLOAT))).build();
    XdrRandom random = XdrRandom.of(s, new Random(8));
    Set<Integer> ints = new HashSet<>();
    Set<Integer> floats = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      XdrDecoder in = new XdrDecoder(random.next("n"));
      ints.add(in.readInt());
      floats.add(in.readInt());
    }
    assertThat(ints).contains(0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE);
    // And values other than the extremes.
    assertThat(ints).hasSizeGreaterThan(100);
    assertThat(floats)
        .contains(
            0, // 0.0
            0x80000000, // -0.0
            0x7fc00000, // NaN
            0x7f800001, // a signalling NaN with a payload
            0xffc00001, // a negative NaN with a payload
            0x7f800000, // Infinity
            0xff800000, // -Infinity
            1, // the least subnormal
            0x7f7fffff, // the greatest
            0xff7fffff, // the least
            0x00800000, // the least normal
            0x3f800000); // 1.0
  }

  @Test
  void quadruplesAreSixteenBytesAndBoolsAreZeroOrOne() {
    XdrSchema s =
        XdrSchema.builder()
            .type("q", struct(member("q", QUADRUPLE), member("b", BOOL), member("h", HYPER)))
            .build();
    XdrRandom random = XdrRandom.of(s, new Random(6));
    Set<Boolean> bools = new HashSet<>();
    Set<String> quads = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      XdrDecoder in = new XdrDecoder(random.next("q"));
      quads.add(HEX.formatHex(in.readFixedOpaque(16).toByteArray()));
      bools.add(in.readBoolean());
      in.readHyper();
      in.requireEnd();
    }
    assertThat(bools).containsExactlyInAnyOrder(true, false);
    assertThat(quads).hasSize(100);
  }

  @Test
  void pointersAreBothNullAndSetUntilTheDepthThenNull() {
    XdrSchema s = XdrSchema.builder().type("p", optional(INT)).build();
    XdrRandom random = XdrRandom.of(s, new Random(2));
    Set<Integer> lengths = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      lengths.add(random.next("p").length);
    }
    assertThat(lengths).containsExactlyInAnyOrder(4, 8);
    XdrRandom flat = random.withLimits(8, 8, 0);
    for (int i = 0; i < 50; i++) {
      assertThat(flat.next("p")).containsExactly(0, 0, 0, 0);
      // At the depth already: empty, however long it may be.
      assertThat(flat.next(opaque(8))).containsExactly(0, 0, 0, 0);
      assertThat(flat.next(array(INT, 8))).containsExactly(0, 0, 0, 0);
    }
  }

  @Test
  void pastTheDepthAUnionTakesTheArmThatEndsSoonest() {
    XdrSchema s =
        XdrSchema.builder()
            .type("deep", struct(member("a", struct(member("b", INT)))))
            .type("loop", struct(member("next", ref("loop_u"))))
            .type(
                "loop_u",
                union(
                    member("d", INT),
                    arm(member("again", ref("loop")), 1),
                    arm(member("two", ref("deep")), 2),
                    arm(member("pair", fixedArray(ref("deep"), 1)), 3),
                    arm(member("one", struct(member("x", INT))), 4),
                    arm(member("none", fixedArray(ref("loop"), 0)), 5)))
            .type(
                "twice",
                union(
                    member("d", INT),
                    arm(member("four", struct(member("a", struct(member("b", ref("deep")))))), 1),
                    arm(
                        member("three", struct(member("a", ref("deep")), member("b", ref("deep")))),
                        2)))
            .type(
                "by_ref",
                union(
                    member("d", INT),
                    arm(member("inline", struct(member("a", struct(member("b", struct()))))), 1),
                    arm(member("named", ref("deep")), 2)))
            .type(
                "tie",
                union(
                    member("d", INT),
                    arm(member("one", struct(member("x", INT))), 1),
                    arm(member("i", INT), 2),
                    arm(member("h", HYPER), 3)))
            .type(
                "no_void",
                union(
                    member("d", INT),
                    arm(member("two", ref("deep")), 1),
                    arm(member("pair", fixedArray(ref("deep"), 2)), 2),
                    arm(member("one", struct(member("x", INT))), 3),
                    arm(member("again", ref("loop")), 4)))
            .build();
    XdrRandom flat = XdrRandom.of(s, new Random(1)).withLimits(8, 8, 0);
    for (int i = 0; i < 50; i++) {
      // A zero-length fixed array ends at once: arm 5, nothing after the discriminant.
      assertThat(flat.next("loop_u")).containsExactly(0, 0, 0, 5);
      byte[] b = flat.next("no_void");
      assertThat(HEX.formatHex(b, 0, 4)).isEqualTo("00000003");
      assertThat(b).hasSize(8);
      // A type met twice side by side is no recursion: three levels, not four.
      assertThat(HEX.formatHex(flat.next("twice"), 0, 4)).isEqualTo("00000002");
      // A named type is as deep as what it names.
      assertThat(HEX.formatHex(flat.next("by_ref"), 0, 4)).isEqualTo("00000002");
      // Of arms that end as soon, the first.
      assertThat(HEX.formatHex(flat.next("tie"), 0, 4)).isEqualTo("00000002");
    }
    XdrRandom deep = XdrRandom.of(s, new Random(1));
    Set<Integer> arms = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      arms.add(new XdrDecoder(deep.next("no_void")).readInt());
    }
    assertThat(arms).containsExactlyInAnyOrder(1, 2, 3, 4);
  }

  @Test
  void onlyValidDiscriminantsAreDrawn() {
    XdrSchema s =
        XdrSchema.builder()
            .type("color", enumOf(enumerator("RED", 0), enumerator("BLUE", 2)))
            .type(
                "b",
                union(
                    member("d", BOOL),
                    arm(member("x", INT), 1),
                    arm(member("never", HYPER), 2),
                    arm(null, 0),
                    defaultArm(member("neither", HYPER))))
            .type(
                "c",
                union(
                    member("d", ref("color")),
                    arm(member("never", HYPER), 1),
                    arm(null, 0, 2),
                    defaultArm(member("neither", HYPER))))
            .type("none", union(member("d", BOOL), arm(member("x", INT), 2)))
            .build();
    XdrRandom random = XdrRandom.of(s, new Random(3));
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      for (String type : List.of("b", "c")) {
        byte[] b = random.next(type);
        seen.add(type + new XdrDecoder(b).readInt() + ":" + b.length);
      }
    }
    // No arm for a value a bool or the enum cannot take, no default where every value is named.
    assertThat(seen).containsExactlyInAnyOrder("b0:4", "b1:8", "c0:4", "c2:4");
    assertThatThrownBy(() -> random.next("none"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a union with no arm that a value can take");
  }

  @Test
  void aUnionWithADefaultArmHasNoDiscriminantOutsideItsArms() {
    XdrSchema s =
        XdrSchema.builder()
            .type("d", union(member("d", INT), arm(null, 1), defaultArm(null)))
            .type("n", union(member("d", INT), arm(null, Integer.MAX_VALUE, Integer.MAX_VALUE - 1)))
            .build();
    XdrRandom random = XdrRandom.of(s, new Random(3));
    for (int i = 0; i < 20; i++) {
      XdrRandom.Sample d = random.sample("d");
      assertThat(d.malformed())
          .extracting(XdrRandom.Malformed::description)
          .noneMatch(m -> m.startsWith("discriminant"));
      XdrRandom.Sample n = random.sample("n");
      assertThat(n.malformed())
          .extracting(XdrRandom.Malformed::description)
          .contains("discriminant " + (Integer.MAX_VALUE - 2) + " that no arm takes at offset 0");
    }
  }

  @Test
  void aBoolMemberHasAFlagOfTwoAsItsMalformedVariant() {
    XdrSchema s =
        XdrSchema.builder().type("b", struct(member("b", BOOL), member("i", INT))).build();
    XdrRandom.Sample b = XdrRandom.of(s, new Random(3)).sample("b");
    // Besides cuts, the flag alone: an int has no invalid value.
    assertThat(b.malformed())
        .extracting(XdrRandom.Malformed::description)
        .filteredOn(d -> !d.startsWith("cut to ") && !d.equals("last word missing"))
        .containsExactly("bool or pointer flag 2 at offset 0");
  }

  @Test
  void anEmptyValueHasNoMalformedVariantAndAWordOnlyItsCut() {
    XdrSchema s =
        XdrSchema.builder()
            .type("e", struct())
            .type("w", struct(member("x", fixedOpaque(4))))
            .type("two", struct(member("x", fixedOpaque(8))))
            .build();
    XdrRandom random = XdrRandom.of(s, new Random(3));
    XdrRandom.Sample e = random.sample("e");
    assertThat(e.valid()).isEmpty();
    assertThat(e.malformed()).isEmpty();
    // Cut to 0 is the last word missing: said once. No padding, lengths or flags to change.
    XdrRandom.Sample w = random.sample("w");
    assertThat(w.malformed())
        .extracting(XdrRandom.Malformed::description)
        .containsExactly("cut to 0 of 4 bytes");
    Set<List<String>> twos = new HashSet<>();
    for (int i = 0; i < 40; i++) {
      twos.add(random.sample("two").malformed().stream().map(m -> m.description()).toList());
    }
    assertThat(twos)
        .containsExactlyInAnyOrder(
            List.of("cut to 0 of 8 bytes", "last word missing"), List.of("cut to 4 of 8 bytes"));
  }

  @Test
  void stringsOfUtf8AreCutAtACharacterAndNeverOverTheBound() {
    XdrSchema s = XdrSchema.builder().type("s", string(7)).build();
    XdrRandom random = XdrRandom.of(s, new Random(12));
    int multiByte = 0;
    for (int i = 0; i < 3000; i++) {
      byte[] b = random.next("s");
      int length = new XdrDecoder(b).readInt();
      assertThat(length).isBetween(0, 7);
      if (isUtf8WithAMultiByteCharacter(Arrays.copyOfRange(b, 4, 4 + length))) {
        multiByte++;
      }
    }
    // A third are drawn as UTF-8, about half of them with a character of 2 to 4 bytes (484 of
    // 3000 with this seed); any bytes at all are rarely UTF-8. A cut inside a character would
    // make most of those not UTF-8.
    assertThat(multiByte).isGreaterThan(400);
  }

  private static boolean isUtf8WithAMultiByteCharacter(byte[] text) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(text));
    } catch (CharacterCodingException e) {
      return false;
    }
    for (byte x : text) {
      if (x < 0) {
        return true;
      }
    }
    return false;
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
