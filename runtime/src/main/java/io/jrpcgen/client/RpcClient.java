package io.jrpcgen.client;

import io.jrpcgen.gss.GssSettings;
import io.jrpcgen.gss.RpcSecGssClient;
import io.jrpcgen.observe.ProgramNames;
import io.jrpcgen.rpc.AuthSys;
import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.transport.RpcReply;
import io.jrpcgen.xdr.XdrCodec;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

/**
 * A client of one program version over a channel: what rpcgen's {@code CLIENT *} is, immutable and
 * thread-safe. The {@code with} methods return a configured copy that shares the channel, so a
 * timeout can be changed for one call or for every later call without touching other users.
 * Generated clients ({@link AbstractStub}) wrap one.
 *
 * <pre>{@code
 * RpcClient client = RpcClient.create(RpcChannel.tcp(address), PROGRAM, VERSION);
 * SquareOut out = client.call(1, SquareIn.CODEC, in, SquareOut.CODEC);       // waits up to 25 s
 * client.withTimeout(Duration.ofSeconds(2)).call(1, SquareIn.CODEC, in, SquareOut.CODEC);
 * }</pre>
 *
 * <p>The channel's life: a client and every copy made from it share one channel, which is open
 * until {@link #close()} is called on any of them (or on the channel). After that, calls on every
 * copy throw {@link IllegalStateException}, and calls in progress fail. Close the client you
 * created once, when all its copies are done; copies are not closed one by one.
 *
 * <p>A client made with {@link GssSettings} owns the RPCSEC_GSS context that protects its calls, as
 * it owns its channel: {@link #close()} destroys the context on the server, then closes the
 * channel. Call options that carry a security made elsewhere ({@link RpcSecGssClient#callOptions})
 * leave that security to its maker.
 */
public final class RpcClient implements AutoCloseable {
  private final RpcChannel channel;
  private final int program;
  private final int version;
  private final CallOptions options;
  private final Executor executor;
  // The context this client made and destroys on close(), shared by its copies; or null.
  private final RpcSecGssClient ownedGss;

  private RpcClient(
      RpcChannel channel,
      int program,
      int version,
      CallOptions options,
      Executor executor,
      RpcSecGssClient ownedGss) {
    if (channel == null || options == null || executor == null) {
      throw new IllegalArgumentException("channel, options and executor must not be null");
    }
    this.channel = channel;
    this.program = program;
    this.version = version;
    this.options = options;
    this.executor = executor;
    this.ownedGss = ownedGss;
  }

  /** A client of {@code program} version {@code version} with the default options. */
  public static RpcClient create(RpcChannel channel, int program, int version) {
    return create(channel, program, version, CallOptions.DEFAULTS);
  }

  /**
   * A client with the given options, whose asynchronous calls complete on the runtime's completion
   * threads: a work-stealing pool of daemon threads as large as {@link ForkJoinPool#commonPool()},
   * whose threads keep their thread-local values from one task to the next.
   */
  public static RpcClient create(
      RpcChannel channel, int program, int version, CallOptions options) {
    return new RpcClient(channel, program, version, options, CompletionThreads.pool(), null);
  }

  /**
   * A client whose calls an RPCSEC_GSS context protects ({@code krb5}, {@code krb5i} or {@code
   * krb5p}, as {@code gss} says), which it makes when the first call needs it ({@link
   * RpcSecGssClient#create}) and owns: {@link #close()} destroys it on the server ({@code
   * RPCSEC_GSS_DESTROY}) before closing the channel. The security in {@code options}, if any, is
   * replaced.
   */
  public static RpcClient create(
      RpcChannel channel, int program, int version, CallOptions options, GssSettings gss) {
    if (options == null || gss == null) {
      throw new IllegalArgumentException("options and gss must not be null");
    }
    RpcSecGssClient context = RpcSecGssClient.create(channel, program, version, gss);
    return new RpcClient(
        channel,
        program,
        version,
        options.withSecurity(context),
        CompletionThreads.pool(),
        context);
  }

  /** A copy whose calls time out after {@code timeout} ({@code CLSET_TIMEOUT}). */
  public RpcClient withTimeout(Duration timeout) {
    return withOptions(options.withTimeout(timeout));
  }

  /** A copy whose UDP calls resend after {@code retryInterval} ({@code CLSET_RETRY_TIMEOUT}). */
  public RpcClient withRetryInterval(Duration retryInterval) {
    return withOptions(options.withRetryInterval(retryInterval));
  }

  /** A copy that sends {@code credential}. */
  public RpcClient withCredential(OpaqueAuth credential) {
    return withOptions(options.withCredential(credential));
  }

  /** A copy that sends {@code AUTH_SYS} credentials. */
  public RpcClient withAuthSys(AuthSys authSys) {
    return withOptions(options.withAuthSys(authSys));
  }

  /**
   * A copy whose calls listeners see with {@code names}: the program's and procedures' names
   * (generated clients give theirs), rather than their numbers only.
   */
  public RpcClient withNames(ProgramNames names) {
    return names == options.names() ? this : withOptions(options.withNames(names));
  }

  /** A copy with other options. */
  public RpcClient withOptions(CallOptions options) {
    return new RpcClient(channel, program, version, options, executor, ownedGss);
  }

  /**
   * A copy whose asynchronous calls complete on {@code executor}, and with them whatever is chained
   * to their futures without an executor of its own. {@code Runnable::run} completes them on the
   * thread that read the reply: only for callbacks that never block, as a slow one holds up the
   * replies of other calls.
   */
  public RpcClient withExecutor(Executor executor) {
    return new RpcClient(channel, program, version, options, executor, ownedGss);
  }

  /** Where asynchronous calls complete. */
  public Executor executor() {
    return executor;
  }

  /** The call options ({@code clnt_control} reads). */
  public CallOptions options() {
    return options;
  }

  /** The call timeout ({@code CLGET_TIMEOUT}). */
  public Duration timeout() {
    return options.timeout();
  }

  /**
   * How long a call waits for its reply before it is sent again ({@code CLGET_RETRY_TIMEOUT}):
   * present over UDP only, as TCP never resends (libtirpc's TCP client refuses the request too).
   * {@link #options()} holds the interval set, whatever the transport.
   */
  public Optional<Duration> retryInterval() {
    return channel.resends() ? Optional.of(options.retryInterval()) : Optional.empty();
  }

  /** The local address calls leave from; for TCP null while no connection is open. */
  public InetSocketAddress localAddress() {
    return channel.localAddress();
  }

  /** The server's address ({@code CLGET_SERVER_ADDR}). */
  public InetSocketAddress serverAddress() {
    return channel.serverAddress();
  }

  /**
   * The XID of the last call sent on the channel ({@code CLGET_XID}): with other threads calling on
   * the channel, perhaps theirs. A call's own XID comes with its reply ({@link #callForReply}) or
   * its exception ({@link io.jrpcgen.rpc.RpcException#xid()}).
   */
  public int lastXid() {
    return channel.lastXid();
  }

  /** The program number. */
  public int program() {
    return program;
  }

  /** The program version. */
  public int version() {
    return version;
  }

  /** The channel calls go through. */
  public RpcChannel channel() {
    return channel;
  }

  /**
   * Calls {@code procedure} and returns its decoded results.
   *
   * @throws io.jrpcgen.rpc.RpcException (unchecked) if the call fails
   */
  public <A, R> R call(int procedure, XdrCodec<A> argsCodec, A args, XdrCodec<R> resultCodec) {
    return channel.call(program, version, procedure, options, argsCodec, args, resultCodec).value();
  }

  /** Calls {@code procedure} and returns the whole reply: XID, server, verifier and value. */
  public <A, R> RpcReply<R> callForReply(
      int procedure, XdrCodec<A> argsCodec, A args, XdrCodec<R> resultCodec) {
    return channel.call(program, version, procedure, options, argsCodec, args, resultCodec);
  }

  /**
   * Calls {@code procedure} without waiting (see {@link RpcChannel#callAsync}): the future ends
   * with the decoded results, or fails with the {@link io.jrpcgen.rpc.RpcException} the blocking
   * call would throw. Cancelling it abandons the call.
   */
  public <A, R> CompletableFuture<R> callAsync(
      int procedure, XdrCodec<A> argsCodec, A args, XdrCodec<R> resultCodec) {
    CompletableFuture<RpcReply<R>> reply =
        callForReplyAsync(procedure, argsCodec, args, resultCodec);
    CompletableFuture<R> value = new CompletableFuture<>();
    // Completed by hand rather than with thenApply: failures stay unwrapped, and a cancel of
    // the value reaches the call.
    reply.whenComplete(
        (r, failure) -> {
          if (failure != null) {
            value.completeExceptionally(failure);
          } else {
            value.complete(r.value());
          }
        });
    value.whenComplete(
        (v, failure) -> {
          if (value.isCancelled()) {
            reply.cancel(false);
          }
        });
    return value;
  }

  /** As {@link #callAsync}, with the whole reply: XID, server, verifier and value. */
  public <A, R> CompletableFuture<RpcReply<R>> callForReplyAsync(
      int procedure, XdrCodec<A> argsCodec, A args, XdrCodec<R> resultCodec) {
    return channel.callAsync(
        program, version, procedure, options, argsCodec, args, resultCodec, executor);
  }

  /** Calls the null procedure (0): a ping. */
  public void ping() {
    call(0, XdrCodec.VOID, null, XdrCodec.VOID);
  }

  /**
   * Sends a call without waiting for a reply (batching, RFC 5531 §8). Over TCP it leaves with the
   * next normal call or {@link #flush()}; the server's procedure should not reply.
   */
  public <A> void callBatched(int procedure, XdrCodec<A> argsCodec, A args) {
    channel.callBatched(program, version, procedure, options, argsCodec, args);
  }

  /** Sends batched calls still buffered. */
  public void flush() {
    channel.flush();
  }

  /**
   * Closes the channel, for this client and every copy that shares it; a client made with {@link
   * GssSettings} first destroys its RPCSEC_GSS context on the server, waiting for that no longer
   * than {@link GssSettings#timeout()}.
   */
  @Override
  public void close() {
    try {
      if (ownedGss != null) {
        ownedGss.close();
      }
    } finally {
      channel.close();
    }
  }
}
