package io.jrpcgen.internal.transport;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;
import java.util.Set;

/**
 * The connected TCP socket an {@code SSLSocket} is layered on, seen through streams that save
 * system calls. The JDK's TLS reads each record's 5-byte header and then its body from the socket,
 * two reads a record; here one read brings in several records. It writes and flushes each record
 * (at most 16 KiB) on its own; here the records of one RPC message are gathered while the message
 * is written ({@link #hold}) and leave in a few large writes ({@link #release}). Everything else is
 * the plain socket's.
 */
final class LayeredSocket extends Socket {
  // Four full TLS records (16 KiB of plaintext, 22 bytes of header and tag) per system call.
  static final int BUFFER_SIZE = 4 * (16 * 1024 + 22);

  private final Socket plain;
  private final BufferedInputStream in;
  private final HeldOutput out;

  LayeredSocket(Socket plain) throws IOException {
    this.plain = plain;
    this.in = new BufferedInputStream(plain.getInputStream(), BUFFER_SIZE);
    this.out = new HeldOutput(plain.getOutputStream());
  }

  /**
   * Refused: this socket is the plain one, connected already. Said here, since newer JDKs' {@code
   * Socket} checks a state of its own rather than {@link #isConnected}, and would connect the
   * unused socket this class extends.
   */
  @Override
  public void connect(SocketAddress endpoint, int timeout) throws SocketException {
    throw new SocketException("Socket is already connected");
  }

  /** Refused, as {@link #connect(SocketAddress, int)} is: the plain socket is bound already. */
  @Override
  public void bind(SocketAddress local) throws SocketException {
    throw new SocketException("Already bound");
  }

  /** Bytes received and not yet read by TLS: those buffered here and those the kernel holds. */
  int available() throws IOException {
    return in.available();
  }

  /** Keeps what TLS writes until {@link #release}, but for whole buffers. */
  void hold() {
    out.hold();
  }

  /** Writes what was held, and lets TLS's flushes through again. */
  void release() throws IOException {
    out.release();
  }

  @Override
  public InputStream getInputStream() {
    return in;
  }

  @Override
  public OutputStream getOutputStream() {
    return out;
  }

  /**
   * Gathers small writes: while held, a flush is put off until {@link #release}, so the TLS records
   * of one message go out together; otherwise (the handshake, alerts) each flush writes.
   */
  private static final class HeldOutput extends OutputStream {
    private final OutputStream socket;
    private final byte[] buf = new byte[BUFFER_SIZE];
    private int count;
    private boolean held;

    HeldOutput(OutputStream socket) {
      this.socket = socket;
    }

    synchronized void hold() {
      held = true;
    }

    synchronized void release() throws IOException {
      held = false;
      flush();
    }

    @Override
    public synchronized void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
      if (len > buf.length - count) {
        drain();
      }
      if (len >= buf.length) {
        socket.write(b, off, len);
      } else {
        System.arraycopy(b, off, buf, count, len);
        count += len;
      }
    }

    @Override
    public synchronized void flush() throws IOException {
      if (!held) {
        drain();
        socket.flush();
      }
    }

    private void drain() throws IOException {
      if (count > 0) {
        socket.write(buf, 0, count);
        count = 0;
      }
    }
  }

  // What follows is the plain socket's, as an SSLSocket layered on this one asks for it. It is
  // connected and bound already: Socket's connect and bind see that and refuse.

  @Override
  public InetAddress getInetAddress() {
    return plain.getInetAddress();
  }

  @Override
  public InetAddress getLocalAddress() {
    return plain.getLocalAddress();
  }

  @Override
  public int getPort() {
    return plain.getPort();
  }

  @Override
  public int getLocalPort() {
    return plain.getLocalPort();
  }

  @Override
  public SocketAddress getRemoteSocketAddress() {
    return plain.getRemoteSocketAddress();
  }

  @Override
  public SocketAddress getLocalSocketAddress() {
    return plain.getLocalSocketAddress();
  }

  @Override
  public SocketChannel getChannel() {
    return plain.getChannel();
  }

  @Override
  public void setTcpNoDelay(boolean on) throws SocketException {
    plain.setTcpNoDelay(on);
  }

  @Override
  public boolean getTcpNoDelay() throws SocketException {
    return plain.getTcpNoDelay();
  }

  @Override
  public void setSoLinger(boolean on, int linger) throws SocketException {
    plain.setSoLinger(on, linger);
  }

  @Override
  public int getSoLinger() throws SocketException {
    return plain.getSoLinger();
  }

  @Override
  public void sendUrgentData(int data) throws IOException {
    plain.sendUrgentData(data);
  }

  @Override
  public void setOOBInline(boolean on) throws SocketException {
    plain.setOOBInline(on);
  }

  @Override
  public boolean getOOBInline() throws SocketException {
    return plain.getOOBInline();
  }

  @Override
  public void setSoTimeout(int timeout) throws SocketException {
    plain.setSoTimeout(timeout);
  }

  @Override
  public int getSoTimeout() throws SocketException {
    return plain.getSoTimeout();
  }

  @Override
  public void setSendBufferSize(int size) throws SocketException {
    plain.setSendBufferSize(size);
  }

  @Override
  public int getSendBufferSize() throws SocketException {
    return plain.getSendBufferSize();
  }

  @Override
  public void setReceiveBufferSize(int size) throws SocketException {
    plain.setReceiveBufferSize(size);
  }

  @Override
  public int getReceiveBufferSize() throws SocketException {
    return plain.getReceiveBufferSize();
  }

  @Override
  public void setKeepAlive(boolean on) throws SocketException {
    plain.setKeepAlive(on);
  }

  @Override
  public boolean getKeepAlive() throws SocketException {
    return plain.getKeepAlive();
  }

  @Override
  public void setTrafficClass(int tc) throws SocketException {
    plain.setTrafficClass(tc);
  }

  @Override
  public int getTrafficClass() throws SocketException {
    return plain.getTrafficClass();
  }

  @Override
  public void setReuseAddress(boolean on) throws SocketException {
    plain.setReuseAddress(on);
  }

  @Override
  public boolean getReuseAddress() throws SocketException {
    return plain.getReuseAddress();
  }

  @Override
  public void close() throws IOException {
    plain.close();
  }

  @Override
  public void shutdownInput() throws IOException {
    plain.shutdownInput();
  }

  @Override
  public void shutdownOutput() throws IOException {
    plain.shutdownOutput();
  }

  @Override
  public String toString() {
    return plain.toString();
  }

  @Override
  public boolean isConnected() {
    return plain.isConnected();
  }

  @Override
  public boolean isBound() {
    return plain.isBound();
  }

  @Override
  public boolean isClosed() {
    return plain.isClosed();
  }

  @Override
  public boolean isInputShutdown() {
    return plain.isInputShutdown();
  }

  @Override
  public boolean isOutputShutdown() {
    return plain.isOutputShutdown();
  }

  @Override
  public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
    plain.setPerformancePreferences(connectionTime, latency, bandwidth);
  }

  @Override
  public <T> Socket setOption(SocketOption<T> name, T value) throws IOException {
    plain.setOption(name, value);
    return this;
  }

  @Override
  public <T> T getOption(SocketOption<T> name) throws IOException {
    return plain.getOption(name);
  }

  @Override
  public Set<SocketOption<?>> supportedOptions() {
    return plain.supportedOptions();
  }
}
