package io.jrpcgen.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Builds the {@link SSLContext} RPC-with-TLS clients and servers take, from key stores. */
public final class TlsContexts {
  private TlsContexts() {}

  /**
   * A TLS 1.3 context with the private key and certificate in {@code keys} (null for a client
   * without a certificate) and the certificates trusted in {@code trust} (null: the JDK's default
   * trust store).
   */
  public static SSLContext of(KeyStore keys, char[] keyPassword, KeyStore trust) {
    try {
      KeyManagerFactory kmf = null;
      if (keys != null) {
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, keyPassword);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLSv1.3");
      context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot build a TLS context: " + e.getMessage(), e);
    }
  }

  /** Loads a key store file ({@code PKCS12} or {@code JKS}, as {@code keytool} writes them). */
  public static KeyStore load(Path file, char[] password) {
    try (InputStream in = Files.newInputStream(file)) {
      KeyStore store = KeyStore.getInstance(file.toFile(), password);
      store.load(in, password);
      return store;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read key store " + file, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot read key store " + file + ": " + e, e);
    }
  }
}
