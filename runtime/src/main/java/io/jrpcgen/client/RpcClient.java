package io.jrpcgen.client;

import io.jrpcgen.rpc.AuthSys;
import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.transport.RpcReply;
import io.jrpcgen.xdr.XdrCodec;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * A client of one program version over a channel: what rpcgen's {@code CLIENT *} is, immutable
 * and thread-safe. The {@code with} methods return a configured copy that shares the channel, so
 * a timeout can be changed for one call or for every later call without touching other users.
 * Generated client stubs wrap one.
 *
 * <pre>{@code
 * RpcClient client = RpcClient.create(RpcChannel.tcp(address), PROGRAM, VERSION);
 * SquareOut out = client.call(1, SquareIn.CODEC, in, SquareOut.CODEC);       // waits up to 25 s
 * client.withTimeout(Duration.ofSeconds(2)).call(1, SquareIn.CODEC, in, SquareOut.CODEC);
 * }</pre>
 */
public final class RpcClient implements AutoCloseable {
  private final RpcChannel channel;
  private final int program;
  private final int version;
  private final CallOptions options;

  private RpcClient(RpcChannel channel, int program, int version, CallOptions options) {
    if (channel == null || options == null) {
      throw new IllegalArgumentException("channel and options must not be null");
    }
    this.channel = channel;
    this.program = program;
    this.version = version;
    this.options = options;
  }

  /** A client of {@code program} version {@code version} with the default options. */
  public static RpcClient create(RpcChannel channel, int program, int version) {
    return new RpcClient(channel, program, version, CallOptions.DEFAULTS);
  }

  /** A client with the given options. */
  public static RpcClient create(RpcChannel channel, int program, int version,
      CallOptions options) {
    return new RpcClient(channel, program, version, options);
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

  /** A copy with other options. */
  public RpcClient withOptions(CallOptions options) {
    return new RpcClient(channel, program, version, options);
  }

  /** The call options ({@code clnt_control} reads). */
  public CallOptions options() {
    return options;
  }

  /** The call timeout ({@code CLGET_TIMEOUT}). */
  public Duration timeout() {
    return options.timeout();
  }

  /** The UDP retry interval ({@code CLGET_RETRY_TIMEOUT}). */
  public Duration retryInterval() {
    return options.retryInterval();
  }

  /** The server's address ({@code CLGET_SERVER_ADDR}). */
  public InetSocketAddress serverAddress() {
    return channel.serverAddress();
  }

  /** The XID of the last call sent on the channel ({@code CLGET_XID}). */
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
    return channel.call(program, version, procedure, options, argsCodec, args, resultCodec)
        .value();
  }

  /** Calls {@code procedure} and returns the whole reply, verifier and XID included. */
  public <A, R> RpcReply<R> callForReply(int procedure, XdrCodec<A> argsCodec, A args,
      XdrCodec<R> resultCodec) {
    return channel.call(program, version, procedure, options, argsCodec, args, resultCodec);
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

  /** Closes the channel; every client sharing it is closed too. */
  @Override
  public void close() {
    channel.close();
  }
}
