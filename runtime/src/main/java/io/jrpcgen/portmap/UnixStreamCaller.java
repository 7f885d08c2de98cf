package io.jrpcgen.portmap;

import io.jrpcgen.internal.rpc.CallHeader;
import io.jrpcgen.internal.rpc.Reply;
import io.jrpcgen.internal.rpc.RpcMessages;
import io.jrpcgen.internal.transport.Message;
import io.jrpcgen.internal.transport.RecordMarking;
import io.jrpcgen.internal.transport.RecordReader;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.rpc.RpcTimeoutException;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import io.jrpcgen.xdr.XdrException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Calls over rpcbind's local stream socket ({@code /run/rpcbind.sock}, netid {@code local}), as
 * libtirpc's {@code rpcb_set} does: rpcbind then knows the caller's user id and records it as the
 * owner ({@code superuser} for root), which lets it replace a stale registration a root server
 * left. Record marking as over TCP; one call at a time; not thread-safe.
 */
final class UnixStreamCaller implements AutoCloseable {
  private static final int MAX_REPLY = 1 << 20;

  private final SocketChannel channel;
  private final OutputStream out;
  private final RecordReader reader;
  private final Duration timeout;
  private final String name;
  private int nextXid = ThreadLocalRandom.current().nextInt();

  private UnixStreamCaller(SocketChannel channel, Duration timeout, String name) {
    this.channel = channel;
    this.out = Channels.newOutputStream(channel);
    InputStream in = Channels.newInputStream(channel);
    this.reader = new RecordReader(in, MAX_REPLY);
    this.timeout = timeout;
    this.name = name;
  }

  /**
   * Connects to the socket at {@code path}.
   *
   * @throws IOException if there is no such socket or nobody listens on it
   */
  static UnixStreamCaller connect(Path path, Duration timeout) throws IOException {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.connect(UnixDomainSocketAddress.of(path));
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    return new UnixStreamCaller(channel, timeout, path.toString());
  }

  /** Calls a procedure and decodes its results; fails with the reply's error. */
  <A, R> R call(
      int program,
      int version,
      int procedure,
      XdrCodec<A> argsCodec,
      A args,
      XdrCodec<R> resultCodec) {
    int xid = nextXid++;
    XdrEncoder request = new XdrEncoder();
    RecordMarking.begin(request);
    RpcMessages.writeCall(
        request,
        new CallHeader(xid, program, version, procedure, OpaqueAuth.NONE, OpaqueAuth.NONE));
    argsCodec.encode(request, args);
    // A blocking channel has no read timeout: closing it at the deadline ends a stuck read.
    CompletableFuture<Void> done = new CompletableFuture<>();
    CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .execute(
            () -> {
              if (!done.isDone()) {
                closeQuietly();
              }
            });
    try {
      RecordMarking.write(out, request, RecordMarking.MAX_FRAGMENT);
      while (true) {
        Message message = reader.read();
        XdrDecoder in = message.decoder();
        Reply reply = RpcMessages.readReply(in);
        if (reply.xid() != xid) {
          continue;
        }
        if (!(reply instanceof Reply.Success)) {
          throw reply.toException(name);
        }
        return resultCodec.decode(in);
      }
    } catch (XdrException e) {
      throw new RpcException(RpcStatus.CANT_DECODE_RES, name, e.getMessage(), e);
    } catch (IOException e) {
      if (!channel.isOpen()) {
        throw new RpcTimeoutException(name, timeout);
      }
      throw new RpcException(RpcStatus.CANT_RECV, name, "errno = " + e.getMessage(), e);
    } finally {
      done.complete(null);
    }
  }

  @Override
  public void close() {
    closeQuietly();
  }

  private void closeQuietly() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // Nothing more to do for a channel being abandoned.
    }
  }
}
