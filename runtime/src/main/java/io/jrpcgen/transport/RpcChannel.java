package io.jrpcgen.transport;

import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.xdr.XdrCodec;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A client's transport to one server: a TCP connection or a UDP socket. Thread-safe; concurrent
 * calls share it, each reply going to its caller by XID. Generated clients and {@link
 * io.jrpcgen.client.RpcClient} sit on top of it.
 */
public sealed interface RpcChannel extends AutoCloseable permits AbstractChannel {

  /** Opens a TCP connection to {@code server} with default options. */
  static TcpChannel tcp(InetSocketAddress server) {
    return TcpChannel.connect(server, ChannelOptions.DEFAULTS);
  }

  /**
   * Opens a TCP connection to {@code server} with default options and RPC-with-TLS (RFC 9289) as
   * {@code tls} says.
   *
   * @throws io.jrpcgen.rpc.RpcTlsException if TLS is required and refused, or fails
   */
  static TcpChannel tls(InetSocketAddress server, TlsSettings tls) {
    return TcpChannel.connect(server, ChannelOptions.DEFAULTS.withTls(tls));
  }

  /** Opens a UDP socket towards {@code server} with default options. */
  static UdpChannel udp(InetSocketAddress server) {
    return UdpChannel.open(server, ChannelOptions.DEFAULTS);
  }

  /**
   * Calls a procedure and waits for its reply until {@code options.timeout()}.
   *
   * @throws io.jrpcgen.rpc.RpcException (unchecked) if the call fails, with the RPC status
   */
  <A, R> RpcReply<R> call(
      int program,
      int version,
      int procedure,
      CallOptions options,
      XdrCodec<A> argsCodec,
      A args,
      XdrCodec<R> resultCodec);

  /**
   * Calls a procedure without waiting: the future ends with the reply, or fails with the same
   * {@link io.jrpcgen.rpc.RpcException} a blocking call would throw, at the latest at {@code
   * options.timeout()} from now ({@link io.jrpcgen.rpc.RpcTimeoutException}). It is completed on
   * {@code executor}, never on the thread that reads replies, so that what the caller chains to it
   * cannot hold up other calls' replies (pass {@code Runnable::run} to complete it there). What
   * {@code resultCodec} or {@code executor} throws, an {@link Error} too, ends this call's future
   * with it, and no other call. Cancelling the future frees its slot and its XID, and a record not
   * yet written is never written. If {@link #maxInFlight()} calls are in flight the calling thread
   * waits for one to end, within the call's deadline, as a blocking call would; so it does, with a
   * {@link io.jrpcgen.rpc.CallSecurity} (RPCSEC_GSS), for a place in the server's sequence window.
   * A call the security may renew and send again does so without a thread waiting for it.
   *
   * @throws IllegalStateException if the channel is closed
   */
  <A, R> CompletableFuture<RpcReply<R>> callAsync(
      int program,
      int version,
      int procedure,
      CallOptions options,
      XdrCodec<A> argsCodec,
      A args,
      XdrCodec<R> resultCodec,
      Executor executor);

  /**
   * Sends a call that expects no reply (RFC 5531 §8, batching). Over TCP it is buffered and leaves
   * with the next call or {@link #flush()}; over UDP it is sent at once.
   */
  <A> void callBatched(
      int program, int version, int procedure, CallOptions options, XdrCodec<A> argsCodec, A args);

  /** Sends any batched calls that are still buffered. */
  void flush();

  /** The server this channel talks to. */
  InetSocketAddress serverAddress();

  /** How many calls may await replies at once ({@link ChannelOptions#maxInFlight()}). */
  int maxInFlight();

  /** The XID of the last call sent ({@code clnt_control(CLGET_XID)}). */
  int lastXid();

  /**
   * The local address of the socket calls leave from; for TCP null while no connection is open
   * (before the first call, or between a lost connection and the next call).
   */
  InetSocketAddress localAddress();

  /** Whether calls are resent after a retry interval until their deadline: UDP's, not TCP's. */
  boolean resends();

  /**
   * Closes the socket; calls in progress fail, and later calls throw IllegalStateException. A
   * server's back channel ({@link BackChannelLink}) ends so, but leaves the client's connection
   * open.
   */
  @Override
  void close();
}
