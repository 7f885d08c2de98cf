package io.jrpcgen.server;

import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.security.auth.x500.X500Principal;

/**
 * What TLS established about the client of a connection: the negotiated protocol and cipher suite
 * and, with mutual TLS, the client's verified certificate chain.
 *
 * @param protocol the TLS version, {@code TLSv1.3}
 * @param cipherSuite the negotiated cipher suite
 * @param certificates the client's certificate chain as verified, its own first; empty if the
 *     client sent none
 */
public record TlsPeer(String protocol, String cipherSuite, List<X509Certificate> certificates) {
  public TlsPeer {
    certificates = List.copyOf(certificates);
  }

  static TlsPeer of(SSLSession session) {
    List<X509Certificate> chain = new ArrayList<>();
    try {
      for (Certificate c : session.getPeerCertificates()) {
        if (c instanceof X509Certificate x509) {
          chain.add(x509);
        }
      }
    } catch (SSLPeerUnverifiedException e) {
      // No client certificate: an anonymous TLS client.
    }
    return new TlsPeer(session.getProtocol(), session.getCipherSuite(), chain);
  }

  /** The subject of the client's certificate, if it presented one. */
  public Optional<X500Principal> subject() {
    return certificates.isEmpty()
        ? Optional.empty()
        : Optional.of(certificates.get(0).getSubjectX500Principal());
  }

  /**
   * The DNS names, IP addresses, URIs and e-mail addresses among the subject alternative names of
   * the client's certificate; empty without a certificate.
   */
  public List<String> subjectAlternativeNames() {
    if (certificates.isEmpty()) {
      return List.of();
    }
    Collection<List<?>> names;
    try {
      names = certificates.get(0).getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      // The handshake verified this certificate; an extension the JDK cannot parse names nobody.
      return List.of();
    }
    List<String> result = new ArrayList<>();
    if (names != null) {
      for (List<?> name : names) {
        if (name.size() >= 2 && name.get(1) instanceof String value) {
          result.add(value);
        }
      }
    }
    return List.copyOf(result);
  }
}
