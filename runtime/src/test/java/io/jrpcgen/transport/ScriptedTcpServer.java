package io.jrpcgen.transport;

import io.jrpcgen.internal.rpc.CallHeader;
import io.jrpcgen.internal.transport.Message;
import io.jrpcgen.internal.transport.PeerClosedException;
import io.jrpcgen.internal.transport.RecordMarking;
import io.jrpcgen.internal.transport.RecordReader;
import io.jrpcgen.internal.xdr.Bytes;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A loopback TCP server whose n-th connection is served by the n-th script (the last script serves
 * any further ones), for tests of a client against peers that misbehave. Stops its thread and
 * closes every socket it opened on {@link #close()}.
 */
final class ScriptedTcpServer implements AutoCloseable {
  /** What the server does with one accepted connection. */
  interface Script {
    void serve(Peer peer) throws Exception;
  }

  /** One accepted connection, with the calls read from it. */
  static final class Peer {
    final Socket socket;
    private final RecordReader reader;
    final List<Integer> arguments;

    Peer(Socket socket, List<Integer> arguments) throws IOException {
      this.socket = socket;
      this.reader = new RecordReader(socket.getInputStream(), 1 << 20);
      this.arguments = arguments;
    }

    /** Reads one square call; returns its header and notes its argument. */
    Call readCall() throws IOException {
      XdrDecoder in = reader.read().decoder();
      CallHeader header = RawRpc.readSquareCall(in);
      int n = in.readInt();
      arguments.add(n);
      return new Call(header.xid(), n);
    }

    /** Reads the next record whole: a call or a reply. */
    Message read() throws IOException {
      return reader.read();
    }

    /** Writes {@code bytes} as they are. */
    void write(byte[] bytes) throws IOException {
      OutputStream out = socket.getOutputStream();
      out.write(bytes);
      out.flush();
    }

    /** Answers {@code call} at once, in one fragment. */
    void answer(Call call) throws IOException {
      write(record(RawRpc.squareReply(call.xid(), OpaqueAuth.NONE, call.n())));
    }

    /** Answers every call until the client closes the connection. */
    void answerAll() throws IOException {
      try {
        while (true) {
          answer(readCall());
        }
      } catch (PeerClosedException done) {
        // The client went away.
      }
    }

    /** Waits (bounded) until the client closes the connection. */
    void awaitClose() throws IOException {
      socket.setSoTimeout(30_000);
      while (socket.getInputStream().read() >= 0) {
        // Discard whatever else arrives.
      }
    }

    /** Resets the connection: the peer gets RST, as from a host that forgot it. */
    void reset() throws IOException {
      socket.setSoLinger(true, 0);
      socket.close();
    }
  }

  /** A square call's XID and argument. */
  record Call(int xid, int n) {}

  private final ServerSocket listener;
  private final List<Socket> accepted = new CopyOnWriteArrayList<>();

  /** The argument of every call read, on any connection, in order per connection. */
  final List<List<Integer>> argumentsByConnection = new CopyOnWriteArrayList<>();

  private final Thread thread;

  ScriptedTcpServer(Script... scripts) throws IOException {
    listener = new ServerSocket(0, 50, Square.LOOPBACK);
    thread = new Thread(() -> acceptLoop(scripts), "scripted-tcp-server");
    thread.setDaemon(true);
    thread.start();
  }

  InetSocketAddress address() {
    return new InetSocketAddress(Square.LOOPBACK, listener.getLocalPort());
  }

  int connections() {
    return argumentsByConnection.size();
  }

  /** The record of {@code message} in one fragment. */
  static byte[] record(XdrEncoder message) {
    byte[] record = new byte[RecordMarking.HEADER_SIZE + message.position()];
    Bytes.putInt(record, 0, RecordMarking.LAST_FRAGMENT | message.position());
    System.arraycopy(message.array(), 0, record, RecordMarking.HEADER_SIZE, message.position());
    return record;
  }

  private void acceptLoop(Script[] scripts) {
    int index = 0;
    while (!listener.isClosed()) {
      Socket socket;
      try {
        socket = listener.accept();
      } catch (IOException e) {
        return;
      }
      accepted.add(socket);
      List<Integer> arguments = new CopyOnWriteArrayList<>();
      argumentsByConnection.add(arguments);
      Script script = scripts[Math.min(index++, scripts.length - 1)];
      Thread worker =
          new Thread(
              () -> {
                try {
                  script.serve(new Peer(socket, arguments));
                } catch (Exception e) {
                  // A script ends when the client goes away; tests check what the client saw.
                }
              },
              "scripted-tcp-connection");
      worker.setDaemon(true);
      worker.start();
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket s : accepted) {
      s.close();
    }
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
