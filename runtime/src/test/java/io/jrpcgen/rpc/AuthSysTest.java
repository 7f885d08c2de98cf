package io.jrpcgen.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** AUTH_SYS credentials encode as authsys_parms (RFC 5531 Appendix A) and refuse bad bodies. */
class AuthSysTest {
  // stamp 1 | "ab" | uid 0 | gid 0 | gids {}: the smallest interesting body.
  private static final String SMALL = "00000001 00000002 61620000 00000000 00000000 00000000";

  private static OpaqueAuth sys(String hex) {
    return new OpaqueAuth(AuthFlavor.AUTH_SYS.value(), Opaque.fromHex(hex.replace(" ", "")));
  }

  @Test
  void encodesToAuthsysParms() {
    OpaqueAuth auth = new AuthSys(1, "ab", 0, 0, List.of()).toOpaqueAuth();
    assertThat(auth.flavor()).isEqualTo(1);
    assertThat(auth.body().toHex()).isEqualTo(SMALL.replace(" ", ""));
  }

  @Test
  void unsignedIdsKeepTheirBitPatterns() {
    // nobody is 65534 on Linux; 0xfffffffe also appears as (uid_t) -2.
    AuthSys sys = new AuthSys(-1, "h", 0xffff_fffe, 65534, List.of(0x8000_0000));
    assertThat(sys.toOpaqueAuth().body().toHex())
        .isEqualTo(
            String.join(
                "",
                "ffffffff",
                "00000001",
                "68000000",
                "fffffffe",
                "0000fffe",
                "00000001",
                "80000000"));
    assertThat(AuthSys.fromOpaqueAuth(sys.toOpaqueAuth())).isEqualTo(sys);
  }

  @Test
  void roundTripsAtTheBounds() {
    List<Integer> gids = IntStream.range(0, 16).boxed().toList();
    AuthSys sys = new AuthSys(7, "m".repeat(255), 1000, 1000, gids);
    OpaqueAuth auth = sys.toOpaqueAuth();
    assertThat(auth.body().length()).isEqualTo(4 + 4 + 256 + 4 + 4 + 4 + 16 * 4);
    assertThat(AuthSys.fromOpaqueAuth(auth)).isEqualTo(sys);
  }

  @Test
  void machineNameBoundCountsUtf8Bytes() {
    // 128 two-byte chars: 256 bytes, one over the bound.
    AuthSys sys = new AuthSys(0, "\u00e9".repeat(128), 0, 0, List.of());
    assertThatThrownBy(sys::toOpaqueAuth)
        .isInstanceOf(XdrException.class)
        .hasMessage("string of 256 bytes exceeds its bound of 255");
  }

  @Test
  void machineNameOfAnyBytesComesBackUnchanged() {
    // A C client's host name "caf\xe9" (ISO-8859-1, not UTF-8): 63 61 66 e9.
    String body = "00000001 00000004 636166e9 00000000 00000000 00000000";
    AuthSys sys = AuthSys.fromOpaqueAuth(sys(body));
    assertThat(sys.machineName()).isEqualTo("caf\uDCE9");
    assertThat(sys.toOpaqueAuth().body().toHex()).isEqualTo(body.replace(" ", ""));
  }

  @Test
  void moreThanSixteenGidsAreRefused() {
    List<Integer> gids = IntStream.range(0, 17).boxed().toList();
    assertThatThrownBy(() -> new AuthSys(0, "h", 0, 0, gids))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("more than 16 gids: 17");
  }

  @Test
  void gidsAreCopiedAndImmutable() {
    List<Integer> gids = new ArrayList<>(List.of(1, 2));
    AuthSys sys = new AuthSys(0, "h", 0, 0, gids);
    gids.add(3);
    assertThat(sys.gids()).containsExactly(1, 2);
    assertThatThrownBy(() -> Collections.sort(sys.gids()))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void nullMachineNameIsRefused() {
    assertThatThrownBy(() -> new AuthSys(0, null, 0, 0, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("machineName is null");
  }

  @Test
  void parsesAHandWrittenBody() {
    assertThat(AuthSys.fromOpaqueAuth(sys(SMALL))).isEqualTo(new AuthSys(1, "ab", 0, 0, List.of()));
  }

  @Test
  void truncatedBodyIsMalformed() {
    String full = SMALL.replace(" ", "");
    for (int cut = 0; cut < full.length() / 2; cut++) {
      OpaqueAuth auth = sys(full.substring(0, 2 * cut));
      assertThatThrownBy(() -> AuthSys.fromOpaqueAuth(auth))
          .as("cut after %d bytes", cut)
          .isInstanceOf(XdrException.class);
    }
  }

  @Test
  void trailingBytesAreMalformed() {
    assertThatThrownBy(() -> AuthSys.fromOpaqueAuth(sys(SMALL + "00000000")))
        .isInstanceOf(XdrException.class)
        .hasMessage("4 unexpected bytes after the end of the data");
  }

  @Test
  void machineNameOverItsBoundIsMalformed() {
    String body = "00000001 00000100" + "61".repeat(256) + "00000000 00000000 00000000";
    assertThatThrownBy(() -> AuthSys.fromOpaqueAuth(sys(body)))
        .isInstanceOf(XdrException.class)
        .hasMessage("string length 256 at offset 4 exceeds its bound of 255");
  }

  @Test
  void seventeenGidsAreMalformed() {
    String body = "00000001 00000000 00000000 00000000 00000011" + "00000000".repeat(17);
    assertThatThrownBy(() -> AuthSys.fromOpaqueAuth(sys(body)))
        .isInstanceOf(XdrException.class)
        .hasMessage("array length 17 at offset 16 exceeds its bound of 16");
  }

  @Test
  void otherFlavorsAreNotAuthSys() {
    OpaqueAuth shortHand = OpaqueAuth.shortHand(Opaque.fromHex("00000000"));
    assertThatThrownBy(() -> AuthSys.fromOpaqueAuth(shortHand))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not an AUTH_SYS credential: flavor 2");
  }
}
