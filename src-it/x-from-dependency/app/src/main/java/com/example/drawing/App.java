package com.example.drawing;

import com.example.shapes.Shape;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.transport.RpcChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Serves drawing.x's program, whose arguments and results hold the protocol jar's own Shape, and
 * calls it over TCP on loopback.
 */
public final class App {
  private App() {}

  public static void main(String[] args) throws Exception {
    DrawingProg.DrawingVers drawings = shape -> new Drawing("framed", List.of(shape, shape));
    RpcServer server =
        RpcServer.builder()
            .program(DrawingProg.bindDrawingVers(drawings))
            .bindAddress(InetAddress.getLoopbackAddress())
            .port(0)
            .start();
    try (DrawingProg.DrawingVersClient client =
        DrawingProg.DrawingVersClient.create(
            RpcChannel.tcp(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), server.tcpPort())))) {
      Drawing drawing = client.frame(new Shape("square", 4));
      System.out.println("called over the wire: " + drawing);
      if (!drawing.shapes().equals(List.of(new Shape("square", 4), new Shape("square", 4)))) {
        throw new AssertionError("unexpected reply " + drawing);
      }
    } finally {
      server.close();
    }
  }
}
