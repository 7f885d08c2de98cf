package io.jrpcgen.xdr.schema;

import static io.jrpcgen.xdr.schema.XdrShape.INT;
import static io.jrpcgen.xdr.schema.XdrShape.arm;
import static io.jrpcgen.xdr.schema.XdrShape.array;
import static io.jrpcgen.xdr.schema.XdrShape.defaultArm;
import static io.jrpcgen.xdr.schema.XdrShape.fixedArray;
import static io.jrpcgen.xdr.schema.XdrShape.fixedOpaque;
import static io.jrpcgen.xdr.schema.XdrShape.member;
import static io.jrpcgen.xdr.schema.XdrShape.optional;
import static io.jrpcgen.xdr.schema.XdrShape.ref;
import static io.jrpcgen.xdr.schema.XdrShape.string;
import static io.jrpcgen.xdr.schema.XdrShape.struct;
import static io.jrpcgen.xdr.schema.XdrShape.union;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.xdr.XdrException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Schemas: references checked when built, typedef chains followed, sizes for hostile input. */
class XdrSchemaTest {
  @Test
  void everyReferenceMustNameAType() {
    for (XdrShape bad :
        List.of(
            ref("nope"),
            array(ref("nope"), 3),
            optional(ref("nope")),
            struct(member("a", ref("nope"))),
            union(member("d", ref("nope")), arm(null, 1)),
            union(member("d", INT), arm(member("a", ref("nope")), 1)))) {
      assertThatThrownBy(() -> XdrSchema.builder().type("t", bad).build())
          .as(bad.toString())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("undefined type 'nope'");
    }
    assertThatThrownBy(() -> XdrSchema.builder().type("t", INT).type("t", INT))
        .hasMessage("type 't' defined twice");
  }

  @Test
  void typedefChainsAreFollowedAndCyclesRefused() {
    XdrSchema s =
        XdrSchema.builder()
            .type("a", ref("b"))
            .type("b", ref("c"))
            .type("c", string(3))
            .type("x", ref("y"))
            .type("y", ref("x"))
            .build();
    assertThat(s.shape("a")).isEqualTo(string(3));
    assertThat(s.resolve(INT)).isSameAs(INT);
    assertThat(s.types().keySet()).containsExactly("a", "b", "c", "x", "y");
    assertThatThrownBy(() -> s.shape("x")).hasMessageStartingWith("typedef cycle through '");
    assertThatThrownBy(() -> s.shape("q"))
        .hasMessage("no type 'q' in the schema (it has: a, b, c, x, y)");
    assertThatThrownBy(() -> s.types().put("z", INT))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void shapesRefuseNegativeSizesAndNulls() {
    assertThatThrownBy(() -> string(-1)).hasMessage("size < 0: -1");
    assertThatThrownBy(() -> fixedOpaque(-1)).hasMessage("size < 0: -1");
    assertThatThrownBy(() -> array(INT, -1)).hasMessage("size < 0: -1");
    assertThat(string(0)).isEqualTo(new XdrShape.Text(0));
    assertThatThrownBy(() -> member(null, INT)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> optional(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new XdrShape.Primitive(null)).isInstanceOf(NullPointerException.class);
    assertThat(defaultArm(null).isDefault()).isTrue();
    assertThat(arm(null, 1).isDefault()).isFalse();
  }

  /**
   * An array count is checked against the bytes left, with each element's least size: a count that
   * the bytes cannot hold fails before anything is allocated.
   */
  @Test
  void arrayCountsAreCheckedAgainstTheLeastSizeOfAnElement() {
    XdrSchema s =
        XdrSchema.builder()
            .type("pair", struct(member("a", INT), member("b", ref("inner"))))
            .type(
                "inner",
                union(
                    member("d", INT),
                    arm(member("x", fixedArray(INT, 2)), 1),
                    arm(member("y", INT), 2)))
            .type("node", struct(member("v", ref("pair")), member("n", optional(ref("node")))))
            .type("p", array(ref("pair"), 100))
            .type("n", array(ref("node"), 100))
            .type("f", array(fixedOpaque(5), 100))
            .type("h", array(XdrShape.HYPER, 100))
            .type("q", array(XdrShape.QUADRUPLE, 100))
            .type("d", array(XdrShape.DOUBLE, 100))
            .type("u", array(XdrShape.UNSIGNED_HYPER, 100))
            .type("fa", array(fixedArray(XdrShape.DOUBLE, 3), 100))
            .type("v", array(XdrShape.VOID, 100))
            .build();
    XdrJson json = XdrJson.of(s);
    // pair: 4 + (4 + 4) = 12 bytes at least; node: 12 + 4.
    expectCannotFit(json, "p", 2, 23, "array of 2 elements cannot fit in the 23 bytes left");
    expectCannotFit(json, "n", 2, 31, "array of 2 elements cannot fit in the 31 bytes left");
    expectCannotFit(json, "f", 3, 23, "array of 3 elements cannot fit in the 23 bytes left");
    expectCannotFit(json, "h", 3, 23, "array of 3 elements cannot fit in the 23 bytes left");
    expectCannotFit(json, "d", 3, 23, "array of 3 elements cannot fit in the 23 bytes left");
    expectCannotFit(json, "u", 3, 23, "array of 3 elements cannot fit in the 23 bytes left");
    expectCannotFit(json, "q", 2, 31, "array of 2 elements cannot fit in the 31 bytes left");
    expectCannotFit(json, "fa", 2, 47, "array of 2 elements cannot fit in the 47 bytes left");
    // Elements of no bytes count as one byte each.
    expectCannotFit(json, "v", 9, 8, "array of 9 bytes cannot fit in the 8 bytes left");
  }

  private static void expectCannotFit(
      XdrJson json, String type, int count, int left, String message) {
    byte[] bytes = new byte[4 + left];
    bytes[3] = (byte) count;
    assertThatThrownBy(() -> json.toJson(type, bytes))
        .as(type)
        .isInstanceOf(XdrException.class)
        .hasMessage(message);
  }
}
