package io.jrpcgen.client;

import io.jrpcgen.rpc.AuthSys;
import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.xdr.XdrCodec;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The base of every generated client: the options of its calls and its channel's life live here,
 * once, so that a new option needs no regeneration; a generated client adds only how to copy itself
 * and its procedures, each blocking, asynchronous and, where the result is void, one-way.
 *
 * <p>A client is immutable and thread-safe. The {@code with} methods return a configured copy
 * sharing the channel, and leave this one as it is: their result must be used.
 *
 * <pre>{@code
 * SquareVersClient client = SquareVersClient.create(RpcChannel.tcp(address));
 * SquareOut out = client.withTimeout(Duration.ofSeconds(2)).squareproc(new SquareIn(5));
 * client.squareprocAsync(new SquareIn(6)).thenAccept(o -> System.out.println(o.res1()));
 * }</pre>
 *
 * <p>The channel's life: a client and all its copies share one channel, open until {@link #close()}
 * is called on any of them. Then calls on every copy throw {@link IllegalStateException} and calls
 * in progress fail, so close the client you created, once, after its copies are done.
 *
 * @param <S> the generated client class
 */
public abstract class AbstractStub<S extends AbstractStub<S>> implements AutoCloseable {
  private final RpcClient client;

  /** A stub making its calls with {@code client}. */
  protected AbstractStub(RpcClient client) {
    if (client == null) {
      throw new IllegalArgumentException("client is null");
    }
    this.client = client;
  }

  /** A stub like this one making its calls with {@code client}. */
  protected abstract S copy(RpcClient client);

  /** A copy whose calls wait at most {@code timeout} ({@code CLSET_TIMEOUT}). */
  public final S withTimeout(Duration timeout) {
    return copy(client.withTimeout(timeout));
  }

  /** A copy whose UDP calls resend after {@code retryInterval} ({@code CLSET_RETRY_TIMEOUT}). */
  public final S withRetryInterval(Duration retryInterval) {
    return copy(client.withRetryInterval(retryInterval));
  }

  /** A copy whose calls carry {@code credential} with an {@code AUTH_NONE} verifier. */
  public final S withCredential(OpaqueAuth credential) {
    return copy(client.withCredential(credential));
  }

  /** A copy whose calls carry {@code AUTH_SYS} credentials. */
  public final S withAuthSys(AuthSys authSys) {
    return copy(client.withAuthSys(authSys));
  }

  /** A copy with other call options. */
  public final S withOptions(CallOptions options) {
    return copy(client.withOptions(options));
  }

  /**
   * A copy whose asynchronous calls complete on {@code executor} (see {@link
   * RpcClient#withExecutor}).
   */
  public final S withExecutor(Executor executor) {
    return copy(client.withExecutor(executor));
  }

  /**
   * The client calls go through, for {@code clnt_control}-style reads (timeout, retry interval,
   * server address) and for calls that want their whole reply ({@code callForReply}).
   */
  public final RpcClient rpcClient() {
    return client;
  }

  /** Calls the null procedure (0): a ping that checks the server serves this version. */
  public final void ping() {
    client.ping();
  }

  /** Sends one-way calls still buffered (TCP); they otherwise leave with the next call. */
  public final void flush() {
    client.flush();
  }

  /**
   * Closes the channel, for this client and every copy that shares it, after destroying the
   * RPCSEC_GSS context the client owns, if it was made with one ({@link RpcClient#close()}).
   */
  @Override
  public final void close() {
    client.close();
  }

  /** Calls {@code procedure} and waits for its results. */
  protected final <A, R> R call(
      int procedure, XdrCodec<A> argsCodec, A args, XdrCodec<R> resultCodec) {
    return client.call(procedure, argsCodec, args, resultCodec);
  }

  /** Calls {@code procedure} without waiting. */
  protected final <A, R> CompletableFuture<R> callAsync(
      int procedure, XdrCodec<A> argsCodec, A args, XdrCodec<R> resultCodec) {
    return client.callAsync(procedure, argsCodec, args, resultCodec);
  }

  /** Sends a call of {@code procedure} that gets no reply (batching, RFC 5531 §8). */
  protected final <A> void callOneWay(int procedure, XdrCodec<A> argsCodec, A args) {
    client.callBatched(procedure, argsCodec, args);
  }
}
