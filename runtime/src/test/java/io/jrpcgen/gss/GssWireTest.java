package io.jrpcgen.gss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.rpc.AuthFlavor;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import io.jrpcgen.xdr.XdrException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import javax.security.auth.Subject;
import javax.security.auth.kerberos.KerberosPrincipal;
import org.ietf.jgss.GSSException;
import org.junit.jupiter.api.Test;

/** The RPCSEC_GSS wire structures, byte for byte, and the settings' checks. */
class GssWireTest {

  @Test
  void aCredentialIsVersionProcedureSequenceServiceAndHandle() {
    GssCred cred =
        new GssCred(
            1, GssCred.DATA, 0x01020304, GssService.PRIVACY.value(), Opaque.fromHex("aabbcc"));
    OpaqueAuth auth = cred.toOpaqueAuth();
    assertThat(auth.flavor()).isEqualTo(AuthFlavor.RPCSEC_GSS.value());
    assertThat(auth.body().toHex())
        .isEqualTo("00000001" + "00000000" + "01020304" + "00000003" + "00000003aabbcc00");
    assertThat(GssCred.decode(auth)).isEqualTo(cred);
  }

  @Test
  void aCredentialWithTrailingBytesOrCutShortIsRefused() {
    assertThatThrownBy(
            () ->
                GssCred.decode(
                    new OpaqueAuth(
                        6,
                        Opaque.fromHex(
                            "00000001000000000000000000000001" + "00000000" + "00000000"))))
        .isInstanceOf(XdrException.class);
    assertThatThrownBy(() -> GssCred.decode(new OpaqueAuth(6, Opaque.fromHex("00000001"))))
        .isInstanceOf(XdrException.class);
  }

  @Test
  void anInitResultIsHandleMajorMinorWindowAndToken() {
    InitResult r = new InitResult(Opaque.fromHex("0102"), 1, 2, 128, Opaque.fromHex("ff"));
    XdrEncoder out = new XdrEncoder();
    InitResult.CODEC.encode(out, r);
    assertThat(Opaque.copyOf(out.toByteArray()).toHex())
        .isEqualTo("0000000201020000" + "00000001" + "00000002" + "00000080" + "00000001ff000000");
    assertThat(InitResult.CODEC.decode(new XdrDecoder(out.toByteArray()))).isEqualTo(r);
  }

  @Test
  void servicesHaveTheirWireNumbers() {
    assertThat(GssService.NONE.value()).isEqualTo(1);
    assertThat(GssService.INTEGRITY.value()).isEqualTo(2);
    assertThat(GssService.PRIVACY.value()).isEqualTo(3);
    for (GssService s : GssService.values()) {
      assertThat(GssService.fromValue(s.value())).isSameAs(s);
    }
    assertThat(GssService.fromValue(0)).isNull();
    assertThat(GssService.fromValue(4)).isNull();
  }

  @Test
  void settingsAreChecked() {
    GssLogin login = GssLogin.subject(new Subject());
    GssSettings s = GssSettings.of("nfs@host", login, GssService.INTEGRITY);
    assertThat(s.timeout()).isEqualTo(GssSettings.DEFAULT_TIMEOUT);
    assertThatThrownBy(() -> GssSettings.of("", login, GssService.NONE))
        .hasMessage("servicePrincipal is empty: ");
    assertThatThrownBy(() -> GssSettings.of("nfs@host", null, GssService.NONE))
        .hasMessage("login and service must not be null");
    assertThatThrownBy(() -> GssSettings.of("nfs@host", login, null))
        .hasMessage("login and service must not be null");
    assertThatThrownBy(() -> new GssSettings("nfs@host", login, GssService.NONE, Duration.ZERO))
        .hasMessage("timeout <= 0: PT0S");
    assertThatThrownBy(
            () -> new GssSettings("nfs@host", login, GssService.NONE, Duration.ofSeconds(-1)))
        .hasMessage("timeout <= 0: PT-1S");
    assertThatThrownBy(() -> new GssSettings("nfs@host", login, GssService.NONE, null))
        .hasMessage("timeout <= 0: null");
    assertThatThrownBy(() -> GssSettings.of(null, login, GssService.NONE))
        .hasMessage("servicePrincipal is empty: null");
    assertThatThrownBy(() -> GssLogin.subject(null)).hasMessage("subject is null");
  }

  @Test
  void sequenceNumbersAreBigEndian() {
    assertThat(GssProtection.intBytes(0x01020304)).containsExactly(1, 2, 3, 4);
    assertThat(GssProtection.intBytes(-2)).containsExactly(0xff, 0xff, 0xff, 0xfe);
  }

  @Test
  void aLoginOfASubjectHoldsItAndSaysWhoseItIs() {
    Subject subject = new Subject();
    subject.getPrincipals().add(new KerberosPrincipal("bob@X.ORG"));
    GssLogin login = GssLogin.subject(subject);
    assertThat(login.subject()).isSameAs(subject);
    assertThat(login).hasToString("GssLogin[[bob@X.ORG]]");
  }

  @Test
  void aLoginPassesGssFailuresOnAndWrapsOthers() {
    GssLogin login = GssLogin.subject(new Subject());
    GSSException noCredential = new GSSException(GSSException.NO_CRED);
    assertThatThrownBy(
            () ->
                login.run(
                    () -> {
                      throw noCredential;
                    }))
        .isSameAs(noCredential);
    IOException other = new IOException("not GSS");
    assertThatThrownBy(
            () ->
                login.run(
                    () -> {
                      throw other;
                    }))
        .isInstanceOf(SecurityException.class)
        .hasCause(other);
  }

  @Test
  void aLoginWithoutTicketsFailsWithTheReason() {
    assertThatThrownBy(() -> GssLogin.ticketCache(Path.of("/nonexistent.ccache")))
        .isInstanceOf(SecurityException.class)
        .hasMessageStartingWith("Kerberos login of ticket cache /nonexistent.ccache failed: ");
  }

  @Test
  void aLoginWithoutKeysFailsWithTheReason() {
    assertThatThrownBy(() -> GssLogin.keytab("nobody@NOWHERE", Path.of("/nonexistent.keytab")))
        .isInstanceOf(SecurityException.class)
        .hasMessageStartingWith("Kerberos login of nobody@NOWHERE failed: ");
  }
}
