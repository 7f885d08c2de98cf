package io.jrpcgen.server;

import static io.jrpcgen.server.RawWire.assertIntResult;
import static io.jrpcgen.server.RawWire.call;
import static io.jrpcgen.server.TestProgram.COUNT;
import static io.jrpcgen.server.TestProgram.PROGRAM;
import static io.jrpcgen.server.TestProgram.V2;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramSocket;
import org.junit.jupiter.api.Test;

/** The UDP duplicate request cache, seen from the wire: retransmissions do not run twice. */
class DuplicateRequestCacheWireTest {
  private final TestProgram prog = new TestProgram();

  private static byte[] count(int xid) {
    return call(xid, PROGRAM, V2, COUNT);
  }

  /** Sends {@code request} and returns the reply. */
  private static byte[] exchange(DatagramSocket s, RpcServer server, byte[] request)
      throws IOException {
    RawWire.send(s, server, request);
    return RawWire.receive(s);
  }

  @Test
  void retransmissionIsAnsweredFromTheCache() throws IOException {
    try (RpcServer server = prog.server().udp(0).duplicateRequestCache(64).start();
        DatagramSocket s = RawWire.udpSocket()) {
      byte[] first = exchange(s, server, count(0x7001));
      byte[] again = exchange(s, server, count(0x7001));
      assertIntResult(first, 0x7001, 1);
      assertThat(again).isEqualTo(first);
      assertThat(prog.count.get()).isEqualTo(1);

      assertIntResult(exchange(s, server, count(0x7002)), 0x7002, 2);
      assertThat(prog.count.get()).isEqualTo(2);
    }
  }

  @Test
  void withoutTheCacheARetransmissionRunsAgain() throws IOException {
    try (RpcServer server = prog.server().udp(0).start();
        DatagramSocket s = RawWire.udpSocket()) {
      assertIntResult(exchange(s, server, count(0x7101)), 0x7101, 1);
      assertIntResult(exchange(s, server, count(0x7101)), 0x7101, 2);
      assertThat(prog.count.get()).isEqualTo(2);
    }
  }

  @Test
  void theSameXidFromAnotherClientIsANewCall() throws IOException {
    try (RpcServer server = prog.server().udp(0).duplicateRequestCache(64).start();
        DatagramSocket a = RawWire.udpSocket();
        DatagramSocket b = RawWire.udpSocket()) {
      assertIntResult(exchange(a, server, count(0x7201)), 0x7201, 1);
      assertIntResult(exchange(b, server, count(0x7201)), 0x7201, 2);
      assertThat(prog.count.get()).isEqualTo(2);
    }
  }

  @Test
  void theCacheForgetsTheLeastRecentlyUsedReply() throws IOException {
    try (RpcServer server = prog.server().udp(0).duplicateRequestCache(2).start();
        DatagramSocket s = RawWire.udpSocket()) {
      exchange(s, server, count(1));
      exchange(s, server, count(2));
      exchange(s, server, count(1)); // from the cache: 1 is now the most recently used
      exchange(s, server, count(3)); // evicts 2
      assertThat(prog.count.get()).isEqualTo(3);
      assertIntResult(exchange(s, server, count(1)), 1, 1);
      assertIntResult(exchange(s, server, count(2)), 2, 4);
      assertThat(prog.count.get()).isEqualTo(4);
    }
  }
}
