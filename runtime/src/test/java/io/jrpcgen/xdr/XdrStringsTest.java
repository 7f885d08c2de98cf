package io.jrpcgen.xdr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** XdrStrings gives users the exact bytes of a string, and the string of any bytes. */
class XdrStringsTest {
  private static final HexFormat HEX = HexFormat.of();

  @ParameterizedTest(name = "[{index}] {1}")
  @CsvSource({
    "'', ''",
    "abc, 616263",
    "\u00e9, c3a9",
    "\u07ff, dfbf",
    "\u0800, e0a080",
    "\u20ac, e282ac",
    "\uffff, efbfbf",
    "\ud83d\ude00, f09f9880",
    "caf\udce9, 636166e9",
    "\udc80\udcff, 80ff",
    "a\u00e9\u20ac\ud83d\ude00\udcfe, 61c3a9e282acf09f9880fe"
  })
  void toBytesAndByteLengthAreTheWireBytes(String value, String hex) {
    assertThat(HEX.formatHex(XdrStrings.toBytes(value))).isEqualTo(hex);
    assertThat(XdrStrings.byteLength(value)).isEqualTo(hex.length() / 2);
    assertThat(XdrStrings.fromBytes(HEX.parseHex(hex))).isEqualTo(value);
  }

  @Test
  void fromBytesReadsTheRangeGiven() {
    byte[] bytes = HEX.parseHex("ff636166e9ff");
    assertThat(XdrStrings.fromBytes(bytes, 1, 4)).isEqualTo("caf\udce9");
    assertThat(XdrStrings.fromBytes(bytes, 1, 3)).isEqualTo("caf");
    assertThat(XdrStrings.fromBytes(bytes, 6, 0)).isEmpty();
  }

  @Test
  void escapesThatSpellUtf8EncodeToThoseBytes() {
    // Not what decoding ever gives (it reads c3 a9 as U+00E9), but still bytes: no error.
    assertThat(HEX.formatHex(XdrStrings.toBytes("\udcc3\udca9"))).isEqualTo("c3a9");
    assertThat(XdrStrings.fromBytes(HEX.parseHex("c3a9"))).isEqualTo("\u00e9");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\ud800", "\udbff", "\udc00", "\udc7f", "\udd00", "\udfff"})
  void stringsThatStandForNoBytesHaveNoLengthAndNoBytes(String value) {
    String message =
        String.format(
            "cannot encode string: unpaired surrogate U+%04X at index 1"
                + " (only U+DC80..U+DCFF stand alone, for the bytes 0x80..0xFF)",
            (int) value.charAt(0));
    assertThatThrownBy(() -> XdrStrings.byteLength("a" + value + "b"))
        .isInstanceOf(XdrException.class)
        .hasMessage(message);
    assertThatThrownBy(() -> XdrStrings.toBytes("a" + value))
        .isInstanceOf(XdrException.class)
        .hasMessage(message);
  }
}
