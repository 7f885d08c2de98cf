package io.jrpcgen.server;

import io.jrpcgen.internal.transport.Message;
import io.jrpcgen.transport.BackChannelLink;
import io.jrpcgen.transport.ChannelOptions;
import io.jrpcgen.transport.RecordWriter;
import io.jrpcgen.transport.RpcChannel;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The back channel of one TCP connection a server accepted: made when a procedure first asks for
 * it, so that connections whose procedures never call back cost nothing; fed with the replies the
 * connection reads; ended with the connection.
 */
final class ConnectionCallbacks {
  private final InetSocketAddress client;
  private final InetSocketAddress local;
  private final RecordWriter writer;
  // The thread serving the connection, which runs synchronous procedures and reads the replies.
  private volatile Thread reader;
  // Guarded by this.
  private BackChannelLink link;
  private IOException ended;

  ConnectionCallbacks(InetSocketAddress client, InetSocketAddress local, RecordWriter writer) {
    this.client = client;
    this.local = local;
    this.writer = writer;
  }

  /** Called by the thread that serves the connection, before it reads. */
  void readBy(Thread thread) {
    reader = thread;
  }

  /** The channel calling the client; one that has already failed if the connection has ended. */
  synchronized RpcChannel channel() {
    if (link == null) {
      link = BackChannelLink.open(client, local, writer, reader, ChannelOptions.DEFAULTS);
      if (ended != null) {
        link.connectionEnded(ended);
      }
    }
    return link.channel();
  }

  /** Whether a call to the client awaits its reply: then the connection is not idle. */
  synchronized boolean awaitsReplies() {
    return link != null && link.awaitsReplies();
  }

  /**
   * Takes {@code message} if it is a reply, to a call of the back channel or to none (then it is
   * dropped); returns false for a call, which the server serves.
   */
  boolean tookReply(Message message) {
    if (!message.isReply()) {
      return false;
    }
    BackChannelLink l;
    synchronized (this) {
      l = link;
    }
    if (l != null) {
      l.replyReceived(message.bytes(), message.length());
    }
    return true;
  }

  /**
   * The connection ended, because of {@code why} (null: the server closed it): the back channel's
   * calls fail. Nothing escapes: the connection's thread goes back to serve others.
   */
  void ended(Throwable why) {
    try {
      IOException cause =
          why instanceof IOException e
              ? e
              : new IOException("connection from " + client + " closed", why);
      BackChannelLink l;
      synchronized (this) {
        ended = cause;
        l = link;
      }
      if (l != null) {
        l.connectionEnded(cause);
      }
    } catch (Throwable e) {
      // Out of memory, say: the calls in progress still fail at their deadlines.
    }
  }
}
