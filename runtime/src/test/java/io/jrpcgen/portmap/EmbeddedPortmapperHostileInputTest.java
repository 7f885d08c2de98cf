package io.jrpcgen.portmap;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.internal.rpc.CallHeader;
import io.jrpcgen.internal.rpc.RpcMessages;
import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.xdr.XdrEncoder;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Whatever arrives, the embedded portmapper keeps serving. */
class EmbeddedPortmapperHostileInputTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final CallOptions SHORT =
      CallOptions.DEFAULTS
          .withTimeout(Duration.ofSeconds(3))
          .withRetryInterval(Duration.ofMillis(500));

  private EmbeddedPortmapper portmapper;

  @BeforeEach
  void start() {
    portmapper =
        EmbeddedPortmapper.builder()
            .bindAddress(LOOPBACK)
            .port(0)
            .probeTimeout(Duration.ofMillis(200))
            .forwardTimeout(Duration.ofMillis(200))
            .start();
  }

  @AfterEach
  void stop() {
    portmapper.close();
  }

  @Test
  void randomDatagramsAndCallsWithRandomArguments() throws IOException {
    Random random = new Random(20_241_123);
    try (DatagramSocket socket = new DatagramSocket(0, LOOPBACK)) {
      for (int i = 0; i < 3000; i++) {
        byte[] datagram = i % 3 == 0 ? noise(random, 300) : callWithNoise(random);
        socket.send(new DatagramPacket(datagram, datagram.length, portmapper.localAddress()));
      }
    }
    assertStillServes();
  }

  @Test
  void randomRecordsOverTcp() throws IOException {
    Random random = new Random(7);
    for (int connection = 0; connection < 20; connection++) {
      try (Socket socket = new Socket(LOOPBACK, portmapper.port())) {
        OutputStream out = socket.getOutputStream();
        for (int i = 0; i < 50; i++) {
          byte[] record = i % 4 == 0 ? noise(random, 200) : callWithNoise(random);
          byte[] header = {(byte) 0x80, 0, (byte) (record.length >> 8), (byte) record.length};
          out.write(header);
          out.write(record);
        }
        // A record that claims 2 GiB and a fragment header cut in half.
        out.write(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2});
        out.flush();
      } catch (IOException e) {
        // The server may close on us; that is its right.
      }
    }
    assertStillServes();
  }

  @Test
  void lengthsThatLieAreRefusedBeforeAnythingIsAllocated() throws IOException {
    try (DatagramSocket socket = new DatagramSocket(0, LOOPBACK)) {
      for (int procedure : new int[] {1, 2, 3, 5, 9}) {
        for (int version : new int[] {2, 3, 4}) {
          XdrEncoder out = header(version, procedure);
          out.writeInt(7);
          out.writeInt(1);
          out.writeInt(0x7fff_fff0);
          out.writeInt(0x7fff_fff0);
          byte[] datagram = out.toByteArray();
          socket.send(new DatagramPacket(datagram, datagram.length, portmapper.localAddress()));
        }
      }
      // A DUMP-shaped list sent as arguments: the server has no list argument to read it into.
      XdrEncoder list = header(2, 4);
      for (int i = 0; i < 1000; i++) {
        list.writeBoolean(true);
      }
      byte[] datagram = list.toByteArray();
      socket.send(new DatagramPacket(datagram, datagram.length, portmapper.localAddress()));
    }
    assertStillServes();
  }

  private void assertStillServes() {
    for (RpcChannel channel :
        new RpcChannel[] {
          RpcChannel.tcp(portmapper.localAddress()), RpcChannel.udp(portmapper.localAddress())
        }) {
      try (PortmapperClient client = PortmapperClient.create(channel, SHORT)) {
        client.ping();
        assertThat(client.getPort(PortmapProtocol.PROGRAM, 2, PortmapProtocol.IPPROTO_TCP))
            .isEqualTo(portmapper.port());
        assertThat(client.dump()).isNotEmpty();
      }
    }
    try (RpcbindClient client =
        RpcbindClient.create(RpcChannel.udp(portmapper.localAddress()), 4, SHORT)) {
      assertThat(client.dump()).isNotEmpty();
    }
  }

  private static XdrEncoder header(int version, int procedure) {
    XdrEncoder out = new XdrEncoder();
    RpcMessages.writeCall(
        out,
        new CallHeader(
            1, PortmapProtocol.PROGRAM, version, procedure, OpaqueAuth.NONE, OpaqueAuth.NONE));
    return out;
  }

  /** A well-formed call header to the portmapper, then random arguments. */
  private static byte[] callWithNoise(Random random) {
    XdrEncoder out = header(2 + random.nextInt(3), random.nextInt(13));
    byte[] noise = noise(random, 120);
    out.writeRaw(noise, 0, noise.length);
    return out.toByteArray();
  }

  /** Random bytes, often with small big-endian words, which look like lengths and flags. */
  private static byte[] noise(Random random, int max) {
    byte[] bytes = new byte[random.nextInt(max)];
    random.nextBytes(bytes);
    for (int i = 0; i + 4 <= bytes.length; i += 4) {
      if (random.nextBoolean()) {
        bytes[i] = 0;
        bytes[i + 1] = 0;
        bytes[i + 2] = 0;
        bytes[i + 3] = (byte) random.nextInt(3);
      }
    }
    return bytes;
  }
}
