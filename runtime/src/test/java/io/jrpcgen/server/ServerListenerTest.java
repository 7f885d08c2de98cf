package io.jrpcgen.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.internal.rpc.Reply;
import io.jrpcgen.observe.RpcCall;
import io.jrpcgen.observe.RpcConnection;
import io.jrpcgen.observe.RpcListener;
import io.jrpcgen.rpc.OpaqueAuth;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** What a server's {@link RpcListener} hears of its TCP connections. */
class ServerListenerTest {
  @Test
  void theListenerHearsEachConnectionOpenedAndClosedWithItsAddresses() throws Exception {
    // Compared by equality: an address made from the loopback prints its name, one from a socket
    // not.
    List<List<Object>> events = new CopyOnWriteArrayList<>();
    RpcListener listener =
        new RpcListener() {
          @Override
          public void connectionOpened(RpcConnection connection) {
            events.add(List.of("opened", connection));
          }

          @Override
          public void connectionClosed(RpcConnection connection) {
            events.add(List.of("closed", connection));
          }
        };
    try (RpcServer server = new TestProgram().server().tcp(0).listener(listener).start()) {
      RpcConnection expected;
      try (Socket s = RawWire.connect(server)) {
        expected =
            new RpcConnection(
                RpcCall.Side.SERVER,
                new InetSocketAddress(RawWire.LOOPBACK, server.tcpPort()),
                (InetSocketAddress) s.getLocalSocketAddress());
        RawWire.send(s, RawWire.record(RawWire.call(1, TestProgram.PROGRAM, TestProgram.V2, 0)));
        RawWire.assertReply(RawWire.readRecord(s), new Reply.Success(1, OpaqueAuth.NONE));
        assertThat(events).containsExactly(List.of("opened", expected));
      }
      RawWire.awaitTrue("the close heard", () -> events.size() == 2);
      assertThat(events).containsExactly(List.of("opened", expected), List.of("closed", expected));
    }
  }
}
