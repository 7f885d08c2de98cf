package io.jrpcgen.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.jrpcgen.internal.rpc.CallHeader;
import io.jrpcgen.internal.rpc.Reply;
import io.jrpcgen.internal.rpc.RpcMessages;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** Hand-made RPC bytes over raw sockets, so that server tests do not depend on the client code. */
final class RawWire {
  /** The bound on every wait of a test: socket reads, latches, polls. */
  static final int TIMEOUT_MS = 3_000;

  static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  // Replies in these tests are small; a larger record means the framing went wrong.
  private static final int MAX_REPLY = 1 << 20;

  private RawWire() {}

  /** A call message with AUTH_NONE and no arguments. */
  static byte[] call(int xid, int program, int version, int procedure) {
    return call(xid, program, version, procedure, OpaqueAuth.NONE, out -> {});
  }

  /** A call message with AUTH_NONE and the arguments {@code args} writes. */
  static byte[] call(int xid, int program, int version, int procedure, Consumer<XdrEncoder> args) {
    return call(xid, program, version, procedure, OpaqueAuth.NONE, args);
  }

  /** A call message with credential {@code credential}. */
  static byte[] call(
      int xid,
      int program,
      int version,
      int procedure,
      OpaqueAuth credential,
      Consumer<XdrEncoder> args) {
    XdrEncoder out = new XdrEncoder();
    RpcMessages.writeCall(
        out, new CallHeader(xid, program, version, procedure, credential, OpaqueAuth.NONE));
    args.accept(out);
    return out.toByteArray();
  }

  /** Big-endian 32-bit words, for messages the encoder would refuse to write. */
  static byte[] words(int... words) {
    ByteBuffer b = ByteBuffer.allocate(words.length * 4);
    for (int w : words) {
      b.putInt(w);
    }
    return b.array();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** {@code message} as one record of one fragment. */
  static byte[] record(byte[] message) {
    return concat(words(0x8000_0000 | message.length), message);
  }

  /**
   * {@code message} as fragments of the given sizes, then a last fragment with the rest (which may
   * be empty).
   */
  static byte[] fragments(byte[] message, int... sizes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int at = 0;
    for (int size : sizes) {
      out.writeBytes(words(size));
      out.write(message, at, size);
      at += size;
    }
    out.writeBytes(words(0x8000_0000 | (message.length - at)));
    out.write(message, at, message.length - at);
    return out.toByteArray();
  }

  /** A TCP connection to {@code server} whose reads give up after {@link #TIMEOUT_MS}. */
  static Socket connect(RpcServer server) throws IOException {
    Socket s = new Socket();
    try {
      s.connect(new InetSocketAddress(LOOPBACK, server.tcpPort()), TIMEOUT_MS);
      s.setSoTimeout(TIMEOUT_MS);
      s.setTcpNoDelay(true);
      return s;
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }

  /** Sends {@code bytes} as they are, in one write. */
  static void send(Socket s, byte[] bytes) throws IOException {
    s.getOutputStream().write(bytes);
    s.getOutputStream().flush();
  }

  /**
   * Reads one record, reassembling fragments.
   *
   * @throws EOFException if the stream ends first
   */
  static byte[] readRecord(Socket s) throws IOException {
    DataInputStream in = new DataInputStream(s.getInputStream());
    ByteArrayOutputStream record = new ByteArrayOutputStream();
    boolean last;
    do {
      int header = in.readInt();
      last = header < 0;
      int length = header & 0x7fff_ffff;
      if (record.size() + length > MAX_REPLY) {
        fail("reply record of at least %d bytes", record.size() + length);
      }
      byte[] fragment = new byte[length];
      in.readFully(fragment);
      record.writeBytes(fragment);
    } while (!last);
    return record.toByteArray();
  }

  /** One call over a new TCP connection: the reply record. */
  static byte[] tcpExchange(RpcServer server, byte[] message) throws IOException {
    try (Socket s = connect(server)) {
      send(s, record(message));
      return readRecord(s);
    }
  }

  /** A UDP socket on the loopback whose receives give up after {@link #TIMEOUT_MS}. */
  static DatagramSocket udpSocket() throws IOException {
    DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
    s.setSoTimeout(TIMEOUT_MS);
    return s;
  }

  static void send(DatagramSocket s, RpcServer server, byte[] message) throws IOException {
    s.send(
        new DatagramPacket(
            message, message.length, new InetSocketAddress(LOOPBACK, server.udpPort())));
  }

  static byte[] receive(DatagramSocket s) throws IOException {
    byte[] buf = new byte[65_536];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    s.receive(p);
    return Arrays.copyOf(buf, p.getLength());
  }

  /** One call over a new UDP socket: the reply datagram. */
  static byte[] udpExchange(RpcServer server, byte[] message) throws IOException {
    try (DatagramSocket s = udpSocket()) {
      send(s, server, message);
      return receive(s);
    }
  }

  /** One call over {@code transport}, on a socket of its own. */
  static byte[] exchange(CallContext.Transport transport, RpcServer server, byte[] message)
      throws IOException {
    return transport == CallContext.Transport.TCP
        ? tcpExchange(server, message)
        : udpExchange(server, message);
  }

  /** Asserts that {@code reply} is exactly {@code expected}, with nothing after it. */
  static void assertReply(byte[] reply, Reply expected) {
    XdrDecoder in = new XdrDecoder(reply);
    assertThat(RpcMessages.readReply(in)).isEqualTo(expected);
    assertThat(in.remaining()).as("bytes after the reply header").isZero();
  }

  /** Asserts a SUCCESS reply to {@code xid} and returns a decoder positioned at the results. */
  static XdrDecoder results(byte[] reply, int xid) {
    XdrDecoder in = new XdrDecoder(reply);
    assertThat(RpcMessages.readReply(in)).isEqualTo(new Reply.Success(xid, OpaqueAuth.NONE));
    return in;
  }

  /** Asserts a SUCCESS reply to {@code xid} whose only result is the int {@code value}. */
  static void assertIntResult(byte[] reply, int xid, int value) {
    XdrDecoder in = results(reply, xid);
    assertThat(in.readInt()).isEqualTo(value);
    in.requireEnd();
  }

  /**
   * Asserts that the server closes {@code s} without sending anything more: the read sees the end
   * of the stream, or a reset when the server closed with our bytes unread.
   */
  static void assertClosedByServer(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    try {
      assertThat(in.read()).as("read on a connection the server should close").isEqualTo(-1);
    } catch (SocketException reset) {
      // Closed with unread input: the kernel sends RST instead of FIN.
    }
  }

  /** Asserts that {@code server} still answers NULLPROC on a new connection and over UDP. */
  static void assertServes(RpcServer server) throws IOException {
    int xid = 0x600d_0001;
    byte[] nullCall = call(xid, TestProgram.PROGRAM, TestProgram.V2, 0);
    Reply ok = new Reply.Success(xid, OpaqueAuth.NONE);
    if (server.tcpPort() > 0) {
      assertReply(tcpExchange(server, nullCall), ok);
    }
    if (server.udpPort() > 0) {
      assertReply(udpExchange(server, nullCall), ok);
    }
  }

  /** The first byte read, -1 at end of stream or reset, or -2 if none came in time. */
  static int readOrTimeout(InputStream in) throws IOException {
    try {
      return in.read();
    } catch (SocketTimeoutException e) {
      return -2;
    } catch (SocketException e) {
      // Reset by the server: closed as well.
      return -1;
    }
  }

  /** Waits up to {@link #TIMEOUT_MS} for {@code condition}, failing with {@code what}. */
  static void awaitTrue(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TIMEOUT_MS * 1_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out waiting for " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted waiting for " + what);
      }
    }
  }
}
