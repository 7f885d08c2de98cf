package io.jrpcgen.transport;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * A channel that calls the client at the other end of a TCP connection a server accepted, on that
 * connection (NFSv4.1's back channel), with what the connection's owner does for it: the owner
 * writes its calls, hands it the replies it reads, and tells it when the connection ends. {@code
 * io.jrpcgen.server.RpcServer} keeps one per connection; its procedures get the channel from {@code
 * CallContext.backChannel()}.
 */
public interface BackChannelLink {
  /**
   * A link to {@code client} over a connection whose local end is {@code local}; its calls are
   * written with {@code calls}, and its slots in flight are as {@code options} says. A blocking
   * call on {@code reader}, the thread that reads the connection, throws IllegalStateException at
   * once: it would wait for a reply that only its own thread could read.
   */
  static BackChannelLink open(
      InetSocketAddress client,
      InetSocketAddress local,
      RecordWriter calls,
      Thread reader,
      ChannelOptions options) {
    return new BackChannel(client, local, calls, reader, options);
  }

  /**
   * The channel calling the client: the same for the connection's whole life. Closing it ends the
   * back channel only (its calls in progress fail, later calls throw IllegalStateException); the
   * connection and the client's calls on it go on.
   */
  RpcChannel channel();

  /** Whether a call of the channel awaits its reply: the connection is not idle. */
  boolean awaitsReplies();

  /**
   * Hands over a reply read from the connection: {@code message} holds it from offset 0 to {@code
   * length}, and is this reply's alone. One that no call awaits is dropped.
   */
  void replyReceived(byte[] message, int length);

  /**
   * The connection ended because of {@code cause}: calls in progress fail at once with an {@link
   * io.jrpcgen.rpc.RpcConnectionException}, and so do later ones.
   */
  void connectionEnded(IOException cause);
}
