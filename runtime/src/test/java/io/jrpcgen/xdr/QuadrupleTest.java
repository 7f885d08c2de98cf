package io.jrpcgen.xdr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Quadruple is an immutable 16-byte value. */
class QuadrupleTest {
  private static final String ONE = "3fff0000000000000000000000000000";

  @Test
  void valueEqualityAndHex() {
    Quadruple a = Quadruple.fromBytes(HexFormat.of().parseHex(ONE));
    Quadruple b = new XdrDecoder(HexFormat.of().parseHex(ONE)).readQuadruple();
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).hasToString("Quadruple[" + ONE + "]");
    assertThat(a).isNotEqualTo(Quadruple.fromBytes(new byte[16]));
  }

  @Test
  void bytesAreCopiedInAndOut() {
    byte[] source = HexFormat.of().parseHex(ONE);
    Quadruple q = Quadruple.fromBytes(source);
    source[0] = 0;
    q.toBytes()[1] = 0;
    assertThat(HexFormat.of().formatHex(q.toBytes())).isEqualTo(ONE);
  }

  @Test
  void decodedQuadrupleDoesNotViewTheSource() {
    byte[] wire = HexFormat.of().parseHex(ONE);
    Quadruple q = new XdrDecoder(wire).readQuadruple();
    wire[0] = 0;
    assertThat(HexFormat.of().formatHex(q.toBytes())).isEqualTo(ONE);
  }

  @Test
  void needsExactlySixteenBytes() {
    assertThatThrownBy(() -> Quadruple.fromBytes(new byte[15]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("quadruple needs 16 bytes: 15");
  }
}
