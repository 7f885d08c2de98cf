package io.jrpcgen.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.transport.ChannelOptions;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.transport.TcpChannel;
import io.jrpcgen.transport.UdpChannel;
import io.jrpcgen.xdr.XdrCodec;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JFR events of real calls, recorded with the JDK's own recorder and read back. */
class JfrRpcListenerTest {
  @TempDir Path dir;

  @Test
  void everyCallAndConnectionIsRecorded() throws Exception {
    Path file = dir.resolve("calls.jfr");
    InetSocketAddress address;
    int tcpXid;
    try (Recording recording = new Recording()) {
      recording.enable(JfrRpcListener.CALL_EVENT);
      recording.enable(JfrRpcListener.CONNECTION_OPENED_EVENT);
      recording.enable(JfrRpcListener.CONNECTION_CLOSED_EVENT);
      recording.start();
      // The server's connection thread reports the close after the client has gone: the test
      // waits for it before it stops recording.
      CountDownLatch serverClosed = new CountDownLatch(1);
      RpcListener closes =
          new RpcListener() {
            @Override
            public void connectionClosed(RpcConnection connection) {
              serverClosed.countDown();
            }
          };
      try (RpcServer server =
          RpcServer.builder()
              .program(new Echo().definition())
              .bindAddress(Echo.LOOPBACK)
              .port(0)
              .listener(RpcListener.all(JfrRpcListener.INSTANCE, closes))
              .start()) {
        address = new InetSocketAddress(Echo.LOOPBACK, server.tcpPort());
        ChannelOptions options = ChannelOptions.DEFAULTS.withListener(JfrRpcListener.INSTANCE);
        try (RpcClient client =
            RpcClient.create(TcpChannel.connect(address, options), Echo.PROGRAM, Echo.VERSION)
                .withNames(Echo.NAMES)) {
          assertThat(client.call(Echo.SQUARE, XdrCodec.INT, 6, XdrCodec.INT)).isEqualTo(36);
          tcpXid = client.lastXid();
          assertThatThrownBy(() -> client.call(Echo.FAIL, XdrCodec.VOID, null, XdrCodec.VOID))
              .isInstanceOf(RpcException.class);
        }
        try (RpcClient client =
            RpcClient.create(UdpChannel.open(address, options), Echo.PROGRAM, Echo.VERSION)) {
          client.call(Echo.SQUARE, XdrCodec.INT, 2, XdrCodec.INT);
        }
        assertThat(serverClosed.await(5, TimeUnit.SECONDS)).isTrue();
      }
      recording.stop();
      recording.dump(file);
    }
    List<RecordedEvent> events = RecordingFile.readAllEvents(file);
    List<RecordedEvent> calls =
        events.stream()
            .filter(e -> e.getEventType().getName().equals(JfrRpcListener.CALL_EVENT))
            .toList();
    // Three calls, each recorded by the client and by the server.
    assertThat(calls).hasSize(6);
    RecordedEvent client =
        calls.stream()
            .filter(e -> e.getString("side").equals("CLIENT") && e.getInt("xid") == tcpXid)
            .findFirst()
            .orElseThrow();
    assertThat(client.getString("transport")).isEqualTo("TCP");
    assertThat(client.getBoolean("tls")).isFalse();
    assertThat(client.getString("peer")).isEqualTo(address.toString());
    assertThat(client.getLong("program")).isEqualTo(Echo.PROGRAM);
    assertThat(client.getString("programName")).isEqualTo("ECHO_PROG");
    assertThat(client.getLong("version")).isEqualTo(Echo.VERSION);
    assertThat(client.getLong("procedure")).isEqualTo(Echo.SQUARE);
    assertThat(client.getString("procedureName")).isEqualTo("SQUARE");
    assertThat(client.getString("status")).isEqualTo("SUCCESS");
    assertThat(client.getString("error")).isNull();
    assertThat(client.getLong("requestBytes")).isEqualTo(44);
    assertThat(client.getLong("replyBytes")).isEqualTo(28);
    assertThat(client.getDuration().isNegative()).isFalse();
    RecordedEvent served =
        calls.stream()
            .filter(e -> e.getString("side").equals("SERVER") && e.getInt("xid") == tcpXid)
            .findFirst()
            .orElseThrow();
    assertThat(served.getString("procedureName")).isEqualTo("SQUARE");
    assertThat(served.getString("status")).isEqualTo("SUCCESS");
    assertThat(calls)
        .filteredOn(e -> e.getString("status").equals("SYSTEM_ERR"))
        .hasSize(2)
        .anySatisfy(e -> assertThat(e.getString("error")).contains("Remote system error"));
    assertThat(calls)
        .filteredOn(e -> e.getString("transport").equals("UDP"))
        .hasSize(2)
        .allSatisfy(
            e ->
                assertThat(e.getString("programName"))
                    .isEqualTo(e.getString("side").equals("SERVER") ? "ECHO_PROG" : null));
    // One TCP connection, opened and closed by each side.
    for (String name :
        List.of(JfrRpcListener.CONNECTION_OPENED_EVENT, JfrRpcListener.CONNECTION_CLOSED_EVENT)) {
      assertThat(events)
          .filteredOn(e -> e.getEventType().getName().equals(name))
          .extracting(e -> e.getString("side"))
          .containsExactlyInAnyOrder("CLIENT", "SERVER");
    }
  }

  @Test
  void aThresholdKeepsOnlyTheSlowCalls() throws Exception {
    Path file = dir.resolve("slow.jfr");
    try (Recording recording = new Recording()) {
      recording.enable(JfrRpcListener.CALL_EVENT).withThreshold(Duration.ofMillis(20));
      recording.start();
      try (RpcServer server =
              RpcServer.builder()
                  .program(new Echo().definition())
                  .bindAddress(Echo.LOOPBACK)
                  .tcp(0)
                  .listener(JfrRpcListener.INSTANCE)
                  .start();
          RpcClient client =
              RpcClient.create(
                  RpcChannel.tcp(new InetSocketAddress(Echo.LOOPBACK, server.tcpPort())),
                  Echo.PROGRAM,
                  Echo.VERSION)) {
        client.call(Echo.SLEEP, XdrCodec.INT, 100, XdrCodec.INT);
      }
      recording.stop();
      recording.dump(file);
    }
    // The server's event, which lasted as long as the procedure slept at least.
    assertThat(RecordingFile.readAllEvents(file))
        .filteredOn(e -> e.getEventType().getName().equals(JfrRpcListener.CALL_EVENT))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getString("procedureName")).isEqualTo("SLEEP");
              assertThat(e.getDuration()).isGreaterThanOrEqualTo(Duration.ofMillis(100));
            });
  }

  @Test
  void withoutARecordingNothingIsMade() {
    RpcCall call =
        new RpcCall(
            RpcCall.Side.CLIENT,
            RpcCall.Transport.TCP,
            false,
            null,
            null,
            1,
            2,
            3,
            4,
            null,
            null,
            0);
    assertThat(JfrRpcListener.INSTANCE.callStarted(call)).isSameAs(CallObserver.NONE);
    assertThat(JfrRpcListener.INSTANCE).hasToString("JfrRpcListener");
  }
}
