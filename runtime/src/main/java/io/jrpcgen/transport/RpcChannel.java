package io.jrpcgen.transport;

import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.xdr.XdrCodec;
import java.net.InetSocketAddress;

/**
 * A client's transport to one server: a TCP connection or a UDP socket. Thread-safe; concurrent
 * calls share it, each reply going to its caller by XID. Generated clients and {@link io.jrpcgen.client.RpcClient}
 * sit on top of it.
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
  <A, R> RpcReply<R> call(int program, int version, int procedure, CallOptions options,
      XdrCodec<A> argsCodec, A args, XdrCodec<R> resultCodec);

  /**
   * Sends a call that expects no reply (RFC 5531 §8, batching). Over TCP it is buffered and leaves
   * with the next call or {@link #flush()}; over UDP it is sent at once.
   */
  <A> void callBatched(int program, int version, int procedure, CallOptions options,
      XdrCodec<A> argsCodec, A args);

  /** Sends any batched calls that are still buffered. */
  void flush();

  /** The server this channel talks to. */
  InetSocketAddress serverAddress();

  /** The XID of the last call sent ({@code clnt_control(CLGET_XID)}). */
  int lastXid();

  /** Closes the socket; calls in progress fail. */
  @Override
  void close();
}
