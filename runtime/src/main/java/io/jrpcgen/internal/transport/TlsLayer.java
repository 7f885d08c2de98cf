package io.jrpcgen.internal.transport;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * An {@code SSLSocket} layered on a connected TCP socket through a {@link LayeredSocket}, and the
 * streams RPC records go through on it. The output holds TLS's writes from a message's first byte
 * to the flush that ends it, so a large message leaves in 64 KiB writes rather than one per 16 KiB
 * TLS record; the input's {@code available()} counts the bytes received and not yet decrypted, as a
 * plain socket's counts those the kernel holds, so that a record's buffer can be sized to what has
 * arrived (TLS's own counts only what it has decrypted, at most one TLS record).
 */
public final class TlsLayer {
  private final SSLSocket socket;
  private final LayeredSocket layer;

  private TlsLayer(SSLSocket socket, LayeredSocket layer) {
    this.socket = socket;
    this.layer = layer;
  }

  /**
   * Layers a socket of {@code factory} on {@code plain}, to be configured and its handshake run by
   * the caller; closing it closes {@code plain}.
   */
  public static TlsLayer over(SSLSocketFactory factory, Socket plain, String host, int port)
      throws IOException {
    LayeredSocket layer = new LayeredSocket(plain);
    return new TlsLayer((SSLSocket) factory.createSocket(layer, host, port, true), layer);
  }

  /** The TLS socket. */
  public SSLSocket socket() {
    return socket;
  }

  /** The TLS socket with the streams described above; writers flush after each message. */
  public SocketStreams streams() throws IOException {
    InputStream in =
        new FilterInputStream(socket.getInputStream()) {
          @Override
          public int available() throws IOException {
            long both = (long) super.available() + layer.available();
            return (int) Math.min(Integer.MAX_VALUE, both);
          }
        };
    OutputStream out =
        new FilterOutputStream(socket.getOutputStream()) {
          @Override
          public void write(int b) throws IOException {
            layer.hold();
            out.write(b);
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            layer.hold();
            out.write(b, off, len);
          }

          @Override
          public void flush() throws IOException {
            try {
              out.flush();
            } finally {
              layer.release();
            }
          }
        };
    return new SocketStreams(socket, in, out);
  }
}
