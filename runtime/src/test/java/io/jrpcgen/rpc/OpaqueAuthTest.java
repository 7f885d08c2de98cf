package io.jrpcgen.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.internal.rpc.RpcMessages;
import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import io.jrpcgen.xdr.XdrException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** opaque_auth carries a flavor and at most 400 bytes of body, both ways (RFC 5531 §8.2). */
class OpaqueAuthTest {
  private static final HexFormat HEX = HexFormat.of();

  private static XdrDecoder decoder(String hex) {
    return new XdrDecoder(HEX.parseHex(hex.replace(" ", "")));
  }

  @Test
  void bodyOver400BytesIsRefusedOnDecode() {
    String auth = "00000001 00000191" + "00".repeat(404); // 401 bytes + 3 of padding
    assertThatThrownBy(() -> RpcMessages.readAuth(decoder(auth)))
        .isInstanceOf(XdrException.class)
        .hasMessage("opaque length 401 at offset 4 exceeds its bound of 400");
  }

  @Test
  void bodyOf400BytesDecodes() {
    OpaqueAuth auth = RpcMessages.readAuth(decoder("00000001 00000190" + "5a".repeat(400)));
    assertThat(auth.flavor()).isEqualTo(1);
    assertThat(auth.body()).isEqualTo(Opaque.fromHex("5a".repeat(400)));
  }

  @Test
  void bodyOver400BytesIsRefusedOnConstruction() {
    Opaque body = Opaque.copyOf(new byte[401]);
    assertThatThrownBy(() -> new OpaqueAuth(1, body))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("auth body > 400 bytes: 401");
  }

  @Test
  void nullBodyIsRefused() {
    assertThatThrownBy(() -> new OpaqueAuth(0, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("body is null");
  }

  @Test
  void encodesFlavorThenPaddedBody() {
    XdrEncoder out = new XdrEncoder();
    OpaqueAuth.shortHand(Opaque.fromHex("0102030405")).encode(out);
    assertThat(HEX.formatHex(out.toByteArray()))
        .isEqualTo("00000002" + "00000005" + "0102030405000000");
  }

  @Test
  void unknownFlavorPassesThrough() {
    OpaqueAuth auth = RpcMessages.readAuth(decoder("00000190 00000002 abcd0000"));
    assertThat(auth).isEqualTo(new OpaqueAuth(400, Opaque.fromHex("abcd")));
    assertThat(auth.is(AuthFlavor.AUTH_NONE)).isFalse();
  }

  @Test
  void authNoneDecodesToTheConstant() {
    OpaqueAuth auth = RpcMessages.readAuth(decoder("00000000 00000000"));
    assertThat(auth).isEqualTo(OpaqueAuth.NONE);
    assertThat(auth.is(AuthFlavor.AUTH_NONE)).isTrue();
  }

  @Test
  void authNoneWithABodyKeepsTheBody() {
    // RFC 5531 lets AUTH_NONE carry a body; it must not be dropped by the NONE shortcut.
    OpaqueAuth auth = RpcMessages.readAuth(decoder("00000000 00000001 ee000000"));
    assertThat(auth).isNotEqualTo(OpaqueAuth.NONE);
    assertThat(auth.body()).isEqualTo(Opaque.fromHex("ee"));
  }

  @Test
  void flavorNumbersMatchRfc5531() {
    assertThat(AuthFlavor.AUTH_NONE.value()).isZero();
    assertThat(AuthFlavor.AUTH_SYS.value()).isEqualTo(1);
    assertThat(AuthFlavor.AUTH_SHORT.value()).isEqualTo(2);
    assertThat(AuthFlavor.AUTH_DH.value()).isEqualTo(3);
    assertThat(AuthFlavor.RPCSEC_GSS.value()).isEqualTo(6);
  }
}
