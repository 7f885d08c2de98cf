package it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jrpcgen.server.RpcServer;
import io.jrpcgen.transport.RpcChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import square.SquareIn;
import square.SquareOut;
import square.SquareProg;

class SquareCallTest {
  @Test
  void squaresFiveOverTcp() {
    SquareProg.SquareVers impl = in -> new SquareOut(in.arg1() * in.arg1());
    try (RpcServer server = RpcServer.builder().program(SquareProg.bindSquareVers(impl))
            .bindAddress(InetAddress.getLoopbackAddress()).tcp(0).start();
        SquareProg.SquareVersClient client = SquareProg.SquareVersClient.create(
            RpcChannel.tcp(new InetSocketAddress("127.0.0.1", server.tcpPort())))) {
      assertEquals(new SquareOut(25), client.squareproc(new SquareIn(5)));
    }
  }
}
