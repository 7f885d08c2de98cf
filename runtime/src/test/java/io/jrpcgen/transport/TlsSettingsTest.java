package io.jrpcgen.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.server.ServerTls;
import io.jrpcgen.testsupport.TestCertificates;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS settings types: defaults, copies, preconditions, and building contexts. */
class TlsSettingsTest {
  @TempDir Path dir;

  @Test
  void clientSettingsDefaultToCheckingHostAndAlpnAndCopiesChangeOneThing() throws Exception {
    SSLContext context = SSLContext.getDefault();
    TlsSettings require = TlsSettings.require(context);
    assertThat(require).isEqualTo(new TlsSettings(context, TlsSettings.Policy.REQUIRE, true, true));
    assertThat(TlsSettings.opportunistic(context))
        .isEqualTo(new TlsSettings(context, TlsSettings.Policy.OPPORTUNISTIC, true, true));
    assertThat(require.withoutHostnameCheck())
        .isEqualTo(new TlsSettings(context, TlsSettings.Policy.REQUIRE, false, true));
    assertThat(require.withoutAlpnCheck())
        .isEqualTo(new TlsSettings(context, TlsSettings.Policy.REQUIRE, true, false));
    assertThatThrownBy(() -> TlsSettings.require(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("context is null");
    assertThatThrownBy(() -> new TlsSettings(context, null, true, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("policy is null");
  }

  @Test
  void channelOptionsCarryTlsThroughEveryCopy() throws Exception {
    TlsSettings tls = TlsSettings.require(SSLContext.getDefault());
    ChannelOptions options = ChannelOptions.DEFAULTS.withTls(tls);
    assertThat(ChannelOptions.DEFAULTS.tls()).isNull();
    assertThat(options.tls()).isSameAs(tls);
    assertThat(options.withConnectTimeout(Duration.ofSeconds(1)).tls()).isSameAs(tls);
    assertThat(options.withKeepAlive(true).tls()).isSameAs(tls);
    assertThat(options.withMaxRecordSize(10).tls()).isSameAs(tls);
    assertThat(options.withMaxFragmentSize(10).tls()).isSameAs(tls);
    assertThat(options.withTls(null).tls()).isNull();
  }

  @Test
  void serverSettingsCopyAndGuard() throws Exception {
    SSLContext context = SSLContext.getDefault();
    ServerTls tls = ServerTls.of(context);
    assertThat(tls.clientAuth()).isEqualTo(ServerTls.ClientAuth.NONE);
    assertThat(tls.tlsOnlyPrograms()).isEmpty();
    ServerTls strict =
        tls.withClientAuth(ServerTls.ClientAuth.NEED).requireTlsFor(5).requireTlsFor(6);
    assertThat(strict.clientAuth()).isEqualTo(ServerTls.ClientAuth.NEED);
    assertThat(strict.tlsOnlyPrograms()).containsExactlyInAnyOrder(5, 6);
    assertThat(tls.tlsOnlyPrograms()).as("the original is unchanged").isEmpty();
    assertThatThrownBy(() -> ServerTls.of(null)).hasMessage("context is null");
    assertThatThrownBy(() -> tls.withClientAuth(null)).hasMessage("clientAuth is null");
  }

  @Test
  void contextsComeFromKeyStoresAndBadStoresAreClearErrors() throws Exception {
    TestCertificates.Identity id = TestCertificates.create(dir, "ctx", "ip:127.0.0.1", null, 2);
    SSLContext context = TlsContexts.of(id.keyStore(), TestCertificates.PASSWORD, null);
    assertThat(context.getProtocol()).isEqualTo("TLSv1.3");
    assertThatThrownBy(() -> TlsContexts.of(id.keyStore(), "wrong".toCharArray(), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TLS context");
    Path file = dir.resolve("store.p12");
    try (var out = Files.newOutputStream(file)) {
      id.keyStore().store(out, TestCertificates.PASSWORD);
    }
    KeyStore loaded = TlsContexts.load(file, TestCertificates.PASSWORD);
    assertThat(loaded.getCertificate("id")).isEqualTo(id.certificate());
    assertThatThrownBy(
            () -> TlsContexts.load(dir.resolve("missing.p12"), TestCertificates.PASSWORD))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("missing.p12");
    Path garbage = Files.write(dir.resolve("garbage.p12"), new byte[] {1, 2, 3});
    assertThatThrownBy(() -> TlsContexts.load(garbage, TestCertificates.PASSWORD))
        .hasMessageContaining("garbage.p12");
  }
}
