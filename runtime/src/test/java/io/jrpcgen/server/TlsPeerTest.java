package io.jrpcgen.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.testsupport.TestCertificates;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the server tells a procedure about a TLS client: its certificate and names. */
class TlsPeerTest {
  @TempDir static Path dir;
  private static TestCertificates.Identity named;
  private static TestCertificates.Identity unnamed;

  @BeforeAll
  static void certificates() throws Exception {
    named = TestCertificates.create(dir, "client", "dns:client.example,ip:127.0.0.1", null, 2);
    unnamed = TestCertificates.create(dir, "plain", null, null, 2);
  }

  @Test
  void aPeerNamesItsCertificatesSubjectAndAlternativeNames() {
    X509Certificate certificate = (X509Certificate) named.certificate();
    List<X509Certificate> chain = new ArrayList<>(List.of(certificate));
    TlsPeer peer = new TlsPeer("TLSv1.3", "TLS_AES_128_GCM_SHA256", chain);
    chain.clear();
    assertThat(peer.certificates()).containsExactly(certificate);
    assertThat(peer.subject().orElseThrow().getName()).isEqualTo("CN=client");
    assertThat(peer.subjectAlternativeNames()).containsExactly("client.example", "127.0.0.1");
  }

  @Test
  void aCertificateWithoutAlternativeNamesHasNone() {
    TlsPeer peer =
        new TlsPeer(
            "TLSv1.3", "TLS_AES_128_GCM_SHA256", List.of((X509Certificate) unnamed.certificate()));
    assertThat(peer.subject().orElseThrow().getName()).isEqualTo("CN=plain");
    assertThat(peer.subjectAlternativeNames()).isEmpty();
  }

  @Test
  void anAnonymousPeerHasNoSubjectAndNoNames() {
    TlsPeer peer = new TlsPeer("TLSv1.3", "TLS_AES_128_GCM_SHA256", List.of());
    assertThat(peer.subject()).isEmpty();
    assertThat(peer.subjectAlternativeNames()).isEmpty();
  }
}
