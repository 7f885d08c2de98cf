package io.jrpcgen.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.conformance.gen.ConformanceProg.ConformanceV1;
import io.jrpcgen.conformance.gen.ConformanceProg.ConformanceV1Client;
import io.jrpcgen.conformance.gen.Point;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrException;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The generated client refuses to encode a value beyond its {@code .x} bound, with an error that
 * names the bound, and sends nothing: the first call a listening peer receives afterwards is the
 * next good one. (libtirpc's encoders refuse such values too, after writing part of the call.)
 * Records refuse such values already when they are made, with the same message.
 */
class JavaClientBoundsTest {
  private static final int RECEIVE_TIMEOUT_MILLIS = 5_000;
  // The call header before the procedure number: xid, mtype, rpcvers, prog, vers.
  private static final int PROCEDURE_OFFSET = 20;

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "udp"})
  void valuesBeyondTheirBoundsAreRefusedAndNothingIsSent(String transport) throws Exception {
    try (Peer peer = transport.equals("tcp") ? new TcpPeer() : new UdpPeer();
        ConformanceV1Client v1 = ConformanceV1Client.create(peer.channel())) {
      assertRefused(
          () -> v1.echoName("abcdefghijklm"), "string of 13 bytes exceeds its bound of 12");
      // The bound counts bytes, as C does: seven two-byte characters are 14.
      assertRefused(() -> v1.echoName("ééééééé"), "string of 14 bytes exceeds its bound of 12");
      // A record refuses such a value already when it is made, with the encoder's message.
      List<Point> four =
          List.of(new Point(1, 1), new Point(2, 2), new Point(3, 3), new Point(4, 4));
      assertThatThrownBy(() -> ConformanceValues.ARRAYS_EMPTY.withSome(four))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("some: array of 4 elements exceeds its bound of 3");
      assertThatThrownBy(() -> ConformanceValues.ARRAYS_EMPTY.withNames(List.of("abcdefghijklm")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("names: string of 13 bytes exceeds its bound of 12");
      assertThatThrownBy(
              () -> ConformanceValues.OPAQUES_A.withData(Opaque.fromHex("0102030405060708")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("data: opaque of 8 bytes exceeds its bound of 7");
      assertThatThrownBy(() -> v1.echoTriple(1, "abcdefghijklm", new Point(0, 0)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("arg2: string of 13 bytes exceeds its bound of 12");

      v1.rpcClient().callBatched(ConformanceV1.PING, XdrCodec.VOID, null);
      v1.rpcClient().flush();
      ByteBuffer first = ByteBuffer.wrap(peer.receiveCall());
      assertThat(first.getInt(PROCEDURE_OFFSET))
          .as("the first call received")
          .isEqualTo(ConformanceV1.PING);
    }
  }

  /** The call failed as clnt_call does with RPC_CANTENCODEARGS, saying which bound. */
  private static void assertRefused(ThrowingCallable call, String why) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.status()).isEqualTo(RpcStatus.CANT_ENCODE_ARGS))
        .hasMessageEndingWith("RPC: Can't encode arguments; " + why)
        .hasCauseInstanceOf(XdrException.class);
  }

  /** A peer that listens on loopback and reads calls, answering none. */
  private interface Peer extends AutoCloseable {
    RpcChannel channel();

    /** The next call message, waiting a few seconds at most. */
    byte[] receiveCall() throws IOException;

    @Override
    void close() throws IOException;
  }

  private static final class TcpPeer implements Peer {
    private final ServerSocket listener;
    private final RpcChannel channel;

    TcpPeer() throws IOException {
      listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
      listener.setSoTimeout(RECEIVE_TIMEOUT_MILLIS);
      channel =
          RpcChannel.tcp(
              new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()));
    }

    @Override
    public RpcChannel channel() {
      return channel;
    }

    @Override
    public byte[] receiveCall() throws IOException {
      try (Socket socket = listener.accept()) {
        socket.setSoTimeout(RECEIVE_TIMEOUT_MILLIS);
        DataInputStream in = new DataInputStream(socket.getInputStream());
        int mark = in.readInt();
        assertThat(mark).as("a single, last fragment").isNegative();
        byte[] call = new byte[mark & 0x7fff_ffff];
        in.readFully(call);
        return call;
      }
    }

    @Override
    public void close() throws IOException {
      listener.close();
    }
  }

  private static final class UdpPeer implements Peer {
    private final DatagramSocket socket;
    private final RpcChannel channel;

    UdpPeer() throws IOException {
      socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
      socket.setSoTimeout(RECEIVE_TIMEOUT_MILLIS);
      channel =
          RpcChannel.udp(
              new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort()));
    }

    @Override
    public RpcChannel channel() {
      return channel;
    }

    @Override
    public byte[] receiveCall() throws IOException {
      DatagramPacket packet = new DatagramPacket(new byte[65_536], 65_536);
      socket.receive(packet);
      return java.util.Arrays.copyOf(packet.getData(), packet.getLength());
    }

    @Override
    public void close() {
      socket.close();
    }
  }
}
