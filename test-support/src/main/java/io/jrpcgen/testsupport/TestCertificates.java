package io.jrpcgen.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Throwaway self-signed certificates made with the JDK's {@code keytool}, for TLS tests. */
public final class TestCertificates {
  public static final char[] PASSWORD = "changeit".toCharArray();

  /** A key pair and its self-signed certificate. */
  public record Identity(KeyStore keyStore, Certificate certificate) {
    /**
     * A TLS 1.3 context presenting this identity and trusting {@code trusted}, built with the JDK
     * alone (this module is below the runtime, so it cannot use the runtime's {@code TlsContexts}).
     */
    public SSLContext contextTrusting(Identity... trusted) {
      try {
        KeyManagerFactory keys =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(keyStore, PASSWORD);
        TrustManagerFactory trust =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trustStore(trusted));
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        return context;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private TestCertificates() {}

  /**
   * Makes an identity named {@code cn} with subject alternative names {@code san} (keytool's
   * syntax, e.g. {@code ip:127.0.0.1}), valid from {@code startDate} (keytool's syntax, null for
   * now) for {@code days}.
   */
  public static Identity create(Path dir, String cn, String san, String startDate, int days)
      throws IOException, InterruptedException {
    Path file = dir.resolve(cn + "-" + System.nanoTime() + ".p12");
    List<String> command =
        new ArrayList<>(
            List.of(
                "-genkeypair",
                "-alias",
                "id",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=" + cn,
                "-validity",
                Integer.toString(days),
                "-keystore",
                file.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                new String(PASSWORD),
                "-keypass",
                new String(PASSWORD)));
    if (san != null) {
      command.addAll(List.of("-ext", "SAN=" + san));
    }
    if (startDate != null) {
      command.addAll(List.of("-startdate", startDate));
    }
    keytool(command);
    try (InputStream in = Files.newInputStream(file)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, PASSWORD);
      return new Identity(store, store.getCertificate("id"));
    } catch (GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  /**
   * Makes an identity named {@code cn} whose certificate {@code issuer} signed, valid from {@code
   * startDate} for {@code days}: unlike a self-signed certificate trusted as such, its validity
   * dates are checked.
   */
  public static Identity createSigned(
      Path dir, Identity issuer, String cn, String san, String startDate, int days)
      throws Exception {
    Identity self = create(dir, cn, san, null, days);
    Path issuerFile = dir.resolve("issuer-" + System.nanoTime() + ".p12");
    try (OutputStream out = Files.newOutputStream(issuerFile)) {
      issuer.keyStore().store(out, PASSWORD);
    }
    Path selfFile = dir.resolve(cn + "-self-" + System.nanoTime() + ".p12");
    try (OutputStream out = Files.newOutputStream(selfFile)) {
      self.keyStore().store(out, PASSWORD);
    }
    Path request = dir.resolve(cn + ".csr");
    Path signed = dir.resolve(cn + ".cer");
    keytool(
        List.of(
            "-certreq",
            "-alias",
            "id",
            "-keystore",
            selfFile.toString(),
            "-storepass",
            new String(PASSWORD),
            "-file",
            request.toString()));
    keytool(
        List.of(
            "-gencert",
            "-alias",
            "id",
            "-keystore",
            issuerFile.toString(),
            "-storepass",
            new String(PASSWORD),
            "-infile",
            request.toString(),
            "-outfile",
            signed.toString(),
            "-startdate",
            startDate,
            "-validity",
            Integer.toString(days),
            "-ext",
            "SAN=" + san));
    Certificate leaf;
    try (InputStream in = Files.newInputStream(signed)) {
      leaf = CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry(
        "id",
        self.keyStore().getKey("id", PASSWORD),
        PASSWORD,
        new Certificate[] {leaf, issuer.certificate()});
    return new Identity(store, leaf);
  }

  private static void keytool(List<String> arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(arguments);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        throw new IOException("keytool did not finish in 120 s");
      }
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IOException("keytool failed: " + output);
      }
    } finally {
      p.destroyForcibly();
    }
  }

  /** A trust store holding the certificates of {@code trusted}. */
  public static KeyStore trustStore(Identity... trusted) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < trusted.length; i++) {
        store.setCertificateEntry("trusted-" + i, trusted[i].certificate());
      }
      return store;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
