package io.jrpcgen.server;

import io.jrpcgen.internal.transport.Message;
import io.jrpcgen.internal.transport.RecordMarking;
import io.jrpcgen.transport.BackChannelService;
import io.jrpcgen.transport.RecordWriter;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.transport.TcpChannel;
import io.jrpcgen.xdr.XdrEncoder;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Program versions a client serves on its own TCP connections, so that its server can call it
 * there: the back channel of NFSv4.1 (RFC 8881 §2.10.3.1), the callbacks of oncrpc4j's client mode.
 *
 * <pre>{@code
 * BackChannelServer callbacks = BackChannelServer.of(CbProg.bindCbV1(impl));
 * TcpChannel channel =
 *     TcpChannel.connect(address, ChannelOptions.DEFAULTS.withBackChannel(callbacks));
 * }</pre>
 *
 * <p>The server's calls are answered as {@link RpcServer} answers calls (NULLPROC, PROG_UNAVAIL,
 * PROC_UNAVAIL, GARBAGE_ARGS, SYSTEM_ERR, ...), with generated binders' synchronous and
 * asynchronous implementations alike. Their XIDs are the server's numbering, apart from the
 * client's own calls: a message's type tells a call from a reply, so neither is ever taken for the
 * other. Procedures run on the executor (by default a thread each, virtual on Java 21+), never on
 * the thread that reads the connection, so they may block, and call the server on the same channel
 * ({@link CallContext#backChannel()}), without holding up the replies to the client's calls. At
 * most {@link #withMaxPendingCalls maxPendingCalls} calls of a connection are in progress at once;
 * at the limit the connection is not read until one has replied, so that memory stays bounded.
 * Replies leave between the client's calls, each record whole. A connection that ends drops the
 * replies still to come; the channel's next call opens a new connection, served as well.
 */
public final class BackChannelServer implements BackChannelService {
  /** At most this many calls of one connection are in progress unless told otherwise. */
  public static final int DEFAULT_MAX_PENDING_CALLS = 1024;

  private static final System.Logger LOG = System.getLogger(BackChannelServer.class.getName());

  private final CallDispatcher dispatcher;
  // Null: a thread of its own for each call.
  private final Executor executor;
  private final int maxPendingCalls;

  private BackChannelServer(CallDispatcher dispatcher, Executor executor, int maxPendingCalls) {
    this.dispatcher = dispatcher;
    this.executor = executor;
    this.maxPendingCalls = maxPendingCalls;
  }

  /**
   * Serves {@code programs}, from generated binders or {@link ProgramDefinition#builder}.
   *
   * @throws IllegalArgumentException if there is none, or a program version comes twice
   */
  public static BackChannelServer of(ProgramDefinition... programs) {
    if (programs.length == 0) {
      throw new IllegalArgumentException("no program to serve");
    }
    return new BackChannelServer(
        new CallDispatcher(List.of(programs), Set.of()), null, DEFAULT_MAX_PENDING_CALLS);
  }

  /** A copy whose procedures run on {@code executor}, which must not run them in the caller. */
  public BackChannelServer withExecutor(Executor executor) {
    if (executor == null) {
      throw new IllegalArgumentException("executor is null");
    }
    return new BackChannelServer(dispatcher, executor, maxPendingCalls);
  }

  /** A copy that has at most {@code maxPendingCalls} calls of a connection in progress at once. */
  public BackChannelServer withMaxPendingCalls(int maxPendingCalls) {
    if (maxPendingCalls <= 0) {
      throw new IllegalArgumentException("maxPendingCalls <= 0: " + maxPendingCalls);
    }
    return new BackChannelServer(dispatcher, executor, maxPendingCalls);
  }

  /** The program versions served, in the order given. */
  public List<ProgramDefinition> programs() {
    return dispatcher.definitions();
  }

  /** The most calls of one connection in progress at once. */
  public int maxPendingCalls() {
    return maxPendingCalls;
  }

  @Override
  public Calls serve(TcpChannel channel, RecordWriter replies) {
    return new ConnectionCalls(channel, replies);
  }

  /** The server's calls on one connection of the client. */
  private final class ConnectionCalls implements Calls {
    private final TcpChannel channel;
    private final RecordWriter replies;
    private final InetSocketAddress server;
    private final PendingCalls pending = new PendingCalls(maxPendingCalls);
    private volatile boolean ended;

    ConnectionCalls(TcpChannel channel, RecordWriter replies) {
      this.channel = channel;
      this.replies = replies;
      this.server = channel.serverAddress();
    }

    @Override
    public void received(byte[] message, int length) {
      try {
        pending.awaitRoom(() -> ended);
        if (ended) {
          return;
        }
        pending.add();
        Message call = new Message(message, length);
        try {
          run(() -> serve(call));
        } catch (RuntimeException | Error e) {
          pending.done();
          LOG.log(Level.WARNING, () -> "cannot serve a call from " + server + ": " + e);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void ended() {
      ended = true;
      pending.wakeUp();
    }

    private void run(Runnable task) {
      if (executor == null) {
        ConnectionThreads.start("jrpcgen-backchannel " + server, task);
      } else {
        executor.execute(task);
      }
    }

    private void serve(Message call) {
      LateReply late = new LateReply();
      try {
        XdrEncoder out = late.encoder();
        if (dispatcher.dispatch(call, server, CallContext.Transport.TCP, null, out, null, late)) {
          write(out);
        }
      } catch (RuntimeException | Error e) {
        LOG.log(Level.WARNING, () -> "cannot serve a call from " + server + ": " + e);
      } finally {
        if (!late.started) {
          pending.done();
        }
      }
    }

    private void write(XdrEncoder reply) {
      if (ended) {
        return;
      }
      try {
        replies.write(reply);
      } catch (IOException e) {
        // The connection failed: its reader sees it too, and ends it.
        LOG.log(Level.DEBUG, () -> "cannot reply to " + server + ": " + e);
      }
    }

    /** One call's reply, when its procedure answers later. */
    private final class LateReply implements LateReplies {
      // Set and read by the thread that serves the call.
      boolean started;

      @Override
      public void started() {
        started = true;
      }

      @Override
      public XdrEncoder encoder() {
        XdrEncoder out = new XdrEncoder(256);
        out.skip(RecordMarking.HEADER_SIZE);
        return out;
      }

      @Override
      public void send(XdrEncoder reply) {
        try {
          if (reply != null) {
            write(reply);
          }
        } finally {
          pending.done();
        }
      }

      @Override
      public Supplier<RpcChannel> backChannel() {
        return () -> channel;
      }
    }
  }
}
