package io.jrpcgen.bench.impl;

import io.jrpcgen.bench.load.BlockingLoadClient;
import io.jrpcgen.bench.load.Workload;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.acplt.oncrpc.OncRpcClient;
import org.acplt.oncrpc.OncRpcException;
import org.acplt.oncrpc.OncRpcTcpClient;
import org.acplt.oncrpc.OncRpcUdpClient;
import org.acplt.oncrpc.XdrAble;
import org.acplt.oncrpc.XdrDecodingStream;
import org.acplt.oncrpc.XdrEncodingStream;
import org.acplt.oncrpc.XdrVoid;
import org.acplt.oncrpc.server.OncRpcCallInformation;
import org.acplt.oncrpc.server.OncRpcDispatchable;
import org.acplt.oncrpc.server.OncRpcServerStub;
import org.acplt.oncrpc.server.OncRpcServerTransport;
import org.acplt.oncrpc.server.OncRpcServerTransportRegistrationInfo;
import org.acplt.oncrpc.server.OncRpcTcpServerTransport;
import org.acplt.oncrpc.server.OncRpcUdpServerTransport;

/**
 * Remote Tea (the {@code org.acplt.oncrpc} library), as its own jrpcgen would set it up: a server
 * stub with a TCP and a UDP transport (a thread per connection), and its clients, whose {@code
 * call} is synchronized: threads sharing one client take turns.
 */
public final class RemoteTea {
  private static final int SQUARE_PROG = 0x31230000;
  private static final int ECHO_PROG = 0x31230001;
  private static final int VERSION = 1;
  private static final int PROC = 1;
  private static final int TIMEOUT_MILLIS = 25_000;
  // The library's default buffer size for both transports.
  private static final int BUFFER_SIZE = 32_768;
  // UDP: a lost datagram costs a second, as for the other clients.
  private static final int UDP_RETRANSMIT_MILLIS = 1_000;

  private RemoteTea() {}

  /**
   * {@code struct square_in} and {@code struct square_out}, each one {@code long} (4 bytes):
   * hand-written in Remote Tea's mutable XdrAble style.
   */
  static final class Square implements XdrAble {
    int value;

    @Override
    public void xdrEncode(XdrEncodingStream out) throws OncRpcException, IOException {
      out.xdrEncodeInt(value);
    }

    @Override
    public void xdrDecode(XdrDecodingStream in) throws OncRpcException, IOException {
      value = in.xdrDecodeInt();
    }
  }

  /** {@code echo_data}: {@code opaque<>}. */
  static final class Echo implements XdrAble {
    byte[] data;

    @Override
    public void xdrEncode(XdrEncodingStream out) throws OncRpcException, IOException {
      out.xdrEncodeDynamicOpaque(data);
    }

    @Override
    public void xdrDecode(XdrDecodingStream in) throws OncRpcException, IOException {
      data = in.xdrDecodeDynamicOpaque();
    }
  }

  /** The server stub: dispatches both programs. */
  private static final class Stub extends OncRpcServerStub implements OncRpcDispatchable {
    @Override
    public void dispatchOncRpcCall(
        OncRpcCallInformation call, int program, int version, int procedure)
        throws OncRpcException, IOException {
      if (version != VERSION) {
        call.failProgramMismatch(VERSION, VERSION);
      } else if (procedure == 0) {
        call.retrieveCall(XdrVoid.XDR_VOID);
        call.reply(XdrVoid.XDR_VOID);
      } else if (procedure != PROC) {
        call.failProcedureUnavailable();
      } else if (program == SQUARE_PROG) {
        Square in = new Square();
        call.retrieveCall(in);
        Square out = new Square();
        out.value = in.value * in.value;
        call.reply(out);
      } else {
        Echo in = new Echo();
        call.retrieveCall(in);
        call.reply(in);
      }
    }
  }

  /** Starts a server of both programs on loopback, TCP and UDP. */
  public static BenchServer startServer() throws OncRpcException, IOException {
    Stub stub = new Stub();
    OncRpcServerTransportRegistrationInfo[] programs = {
      new OncRpcServerTransportRegistrationInfo(SQUARE_PROG, VERSION),
      new OncRpcServerTransportRegistrationInfo(ECHO_PROG, VERSION)
    };
    InetAddress loopback = InetAddress.getLoopbackAddress();
    OncRpcTcpServerTransport tcp =
        new OncRpcTcpServerTransport(stub, loopback, 0, programs, BUFFER_SIZE);
    OncRpcUdpServerTransport udp =
        new OncRpcUdpServerTransport(stub, loopback, 0, programs, BUFFER_SIZE);
    OncRpcServerTransport[] transports = {tcp, udp};
    // run() starts a listener thread per transport and waits for stopRpcProcessing().
    Thread runner = new Thread(() -> stub.run(transports), "remotetea-stub");
    runner.setDaemon(true);
    runner.start();
    return new BenchServer() {
      @Override
      public int tcpPort() {
        return tcp.getPort();
      }

      @Override
      public int udpPort() {
        return udp.getPort();
      }

      @Override
      public void close() {
        stub.stopRpcProcessing();
        stub.close(transports);
      }
    };
  }

  /** The library's TCP and UDP clients; a shared connection is one client for all threads. */
  public static final class Client extends BlockingLoadClient {
    @Override
    protected Connection open(Workload workload, InetSocketAddress server)
        throws OncRpcException, IOException {
      int program = workload.kind() == Workload.Kind.SQUARE ? SQUARE_PROG : ECHO_PROG;
      OncRpcClient client;
      if (workload.transport() == Workload.Transport.TCP) {
        client = new OncRpcTcpClient(server.getAddress(), program, VERSION, server.getPort());
      } else {
        OncRpcUdpClient udp =
            new OncRpcUdpClient(server.getAddress(), program, VERSION, server.getPort());
        udp.setRetransmissionTimeout(UDP_RETRANSMIT_MILLIS);
        client = udp;
      }
      client.setTimeout(TIMEOUT_MILLIS);
      if (workload.kind() == Workload.Kind.SQUARE) {
        return Connection.of(
            seq -> {
              Square in = new Square();
              in.value = Payloads.squareArg(seq);
              Square out = new Square();
              client.call(PROC, in, out);
              return out.value == in.value * in.value;
            },
            client::close);
      }
      Echo payload = new Echo();
      payload.data = Payloads.of(workload.payload());
      return Connection.of(
          seq -> {
            Echo out = new Echo();
            client.call(PROC, payload, out);
            return out.data.length == payload.data.length;
          },
          client::close);
    }
  }
}
