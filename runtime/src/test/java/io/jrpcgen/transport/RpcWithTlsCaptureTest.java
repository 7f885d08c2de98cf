package io.jrpcgen.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.rpc.AuthFlavor;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.server.ServerTls;
import io.jrpcgen.testsupport.TestCertificates;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What RPC-with-TLS puts on the wire, as tshark captures it on loopback: the AUTH_TLS probe and its
 * STARTTLS reply in the clear, then TLS records only, starting with a ClientHello. Skipped, saying
 * so, where tshark is missing or cannot capture on {@code lo}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RpcWithTlsCaptureTest {
  private static final int TLS_HANDSHAKE = 22;
  private static final int TLS_APPLICATION_DATA = 23;

  @TempDir Path dir;

  @Test
  void probeThenTlsHandshakeThenNoPlainRpc() throws Exception {
    Assumptions.assumeTrue(tsharkRuns(), () -> skip("tshark is not installed"));
    TestCertificates.Identity server =
        TestCertificates.create(dir, "server", "ip:127.0.0.1", null, 2);
    try (RpcServer rpc =
        RpcServer.builder()
            .bindAddress(Square.LOOPBACK)
            .program(Square.program())
            .tcp(0)
            .tls(ServerTls.of(server.contextTrusting()))
            .start()) {
      int port = rpc.tcpPort();
      Path pcap = dir.resolve("tls.pcap");
      Process capture =
          new ProcessBuilder("tshark", "-i", "lo", "-f", "tcp port " + port, "-w", pcap.toString())
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      try {
        Assumptions.assumeTrue(
            awaitCapturing(capture) && awaitFirstFrame(pcap, port),
            () -> skip("tshark cannot capture on lo"));
        {
          TcpChannel channel =
              RpcChannel.tls(
                  new InetSocketAddress(Square.LOOPBACK, port),
                  TlsSettings.require(
                      TlsContexts.of(null, null, TestCertificates.trustStore(server))));
          try (RpcClient client = RpcClient.create(channel, Square.PROGRAM, Square.VERSION)) {
            for (int n = 1; n <= 3; n++) {
              assertThat(Square.square(client, n)).isEqualTo(n * n);
            }
          }
        }
        // The last segments are written out before tshark is told to stop.
        Thread.sleep(1000);
      } finally {
        capture.destroy();
        if (!capture.waitFor(30, TimeUnit.SECONDS)) {
          capture.destroyForcibly();
        }
      }
      List<String> segments =
          tshark(
              "-r",
              pcap.toString(),
              "-Y",
              "tcp.len > 0 && !tcp.analysis.retransmission && !tcp.analysis.duplicate_ack",
              "-T",
              "fields",
              "-e",
              "tcp.dstport",
              "-e",
              "tcp.payload");
      ByteArrayOutputStream toServer = new ByteArrayOutputStream();
      ByteArrayOutputStream toClient = new ByteArrayOutputStream();
      for (String line : segments) {
        String[] fields = line.split("\t");
        byte[] payload = HexFormat.of().parseHex(fields[1].replace(":", ""));
        (Integer.parseInt(fields[0]) == port ? toServer : toClient).writeBytes(payload);
      }
      ByteBuffer up = ByteBuffer.wrap(toServer.toByteArray());
      ByteBuffer down = ByteBuffer.wrap(toClient.toByteArray());

      // Client to server: one record-marked call, NULLPROC with an AUTH_TLS credential.
      int probeLength = up.getInt() & 0x7fff_ffff;
      ByteBuffer probe = up.slice(up.position(), probeLength);
      assertThat(probe.getInt(4)).as("msg_type CALL").isZero();
      assertThat(probe.getInt(20)).as("procedure").isZero();
      assertThat(probe.getInt(24)).as("credential flavor").isEqualTo(AuthFlavor.AUTH_TLS.value());
      up.position(up.position() + probeLength);
      // Server to client: the reply with the STARTTLS verifier.
      int replyLength = down.getInt() & 0x7fff_ffff;
      byte[] reply = new byte[replyLength];
      down.get(reply);
      // xid, REPLY, MSG_ACCEPTED, verifier flavor AUTH_NONE and length 8, then its body.
      assertThat(ByteBuffer.wrap(reply).getInt(16)).as("verifier length").isEqualTo(8);
      assertThat(new String(reply, 20, 8, StandardCharsets.US_ASCII)).isEqualTo("STARTTLS");

      // Then TLS records only, both ways; the client's first is a ClientHello.
      assertThat(up.get(up.position())).isEqualTo((byte) TLS_HANDSHAKE);
      assertThat(up.get(up.position() + 5)).as("handshake type ClientHello").isEqualTo((byte) 1);
      assertThat(tlsRecords(up)).contains(TLS_APPLICATION_DATA);
      assertThat(tlsRecords(down)).contains(TLS_APPLICATION_DATA);
      // tshark's TLS dissector agrees: one ClientHello, a TLS 1.3 one (supported_versions).
      assertThat(
              tshark(
                  "-r",
                  pcap.toString(),
                  "-d",
                  "tcp.port==" + port + ",tls",
                  "-Y",
                  "tls.handshake.type == 1 && tls.handshake.extensions.supported_version == 0x0304",
                  "-T",
                  "fields",
                  "-e",
                  "frame.number"))
          .hasSize(1);
    }
  }

  /** Reads TLS records to the end of {@code stream}; returns their content types. */
  private static List<Integer> tlsRecords(ByteBuffer stream) {
    List<Integer> types = new java.util.ArrayList<>();
    while (stream.hasRemaining()) {
      assertThat(stream.remaining()).as("a whole TLS record header").isGreaterThanOrEqualTo(5);
      int type = stream.get() & 0xff;
      int version = stream.getShort() & 0xffff;
      int length = stream.getShort() & 0xffff;
      assertThat(type).as("TLS content type").isBetween(20, 23);
      assertThat(version).as("TLS record version").isIn(0x0301, 0x0303);
      assertThat(stream.remaining()).as("a whole TLS record").isGreaterThanOrEqualTo(length);
      stream.position(stream.position() + length);
      types.add(type);
    }
    return types;
  }

  private static boolean tsharkRuns() {
    try {
      Process p = new ProcessBuilder("tshark", "-v").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Waits (bounded) for tshark to say on stderr that it is capturing; its stderr is drained to the
   * end so that tshark never blocks on it.
   */
  private static boolean awaitCapturing(Process capture) throws Exception {
    CompletableFuture<Boolean> started = new CompletableFuture<>();
    Thread drain =
        new Thread(
            () -> {
              try (BufferedReader err =
                  new BufferedReader(
                      new InputStreamReader(capture.getErrorStream(), StandardCharsets.UTF_8))) {
                // "Capturing on" comes before the capture is armed, "Capture started" when it is.
                String line;
                while ((line = err.readLine()) != null) {
                  if (line.contains("Capture started")) {
                    started.complete(true);
                  }
                }
              } catch (IOException e) {
                // tshark ended: nothing more to read.
              }
              started.complete(false);
            },
            "tshark-stderr");
    drain.setDaemon(true);
    drain.start();
    try {
      return started.get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    }
  }

  /**
   * Connects to {@code port} without sending anything until the capture file shows a connection
   * (bounded): on a loaded machine tshark's "Capture started" may come before packets reach the
   * file, and a probe sent then would be missing from it. The connections carry no payload, so the
   * segments read back are the RPC traffic's alone.
   */
  private static boolean awaitFirstFrame(Path pcap, int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try (Socket probe = new Socket(Square.LOOPBACK, port)) {
        probe.shutdownOutput();
      }
      if (!tshark("-r", pcap.toString(), "-Y", "tcp.flags.syn == 1").isEmpty()) {
        return true;
      }
      Thread.sleep(200);
    }
    return false;
  }

  private static List<String> tshark(String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of("tshark"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return out.lines().filter(l -> !l.isBlank()).toList();
  }

  private static String skip(String why) {
    String message =
        "SKIPPED RpcWithTlsCaptureTest: " + why + " (apt-get install tshark to run it)";
    System.err.println(message);
    return message;
  }
}
