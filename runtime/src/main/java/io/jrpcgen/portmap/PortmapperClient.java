package io.jrpcgen.portmap;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrCodec;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * A client of the portmapper protocol, PMAP version 2 (RFC 1833 §3): what libtirpc's {@code
 * pmap_set}, {@code pmap_unset}, {@code pmap_getport}, {@code pmap_getmaps} and {@code
 * pmap_rmtcall} do. Immutable and thread-safe, like the {@link RpcClient} it wraps.
 *
 * <pre>{@code
 * try (PortmapperClient pmap = PortmapperClient.tcp(new InetSocketAddress("127.0.0.1", 111))) {
 *   int port = pmap.getPort(SQUARE_PROG, 1, PortmapProtocol.IPPROTO_TCP);   // 0: not registered
 * }
 * }</pre>
 */
public final class PortmapperClient implements AutoCloseable {
  /**
   * The reply of CALLIT.
   *
   * @param port the port of the program that was called
   * @param value its decoded results
   * @param <R> the result type
   */
  public record CallItReply<R>(int port, R value) {}

  private final RpcClient client;

  private PortmapperClient(RpcClient client) {
    this.client = client;
  }

  /** A client over {@code channel} with the default call options (25 s timeout). */
  public static PortmapperClient create(RpcChannel channel) {
    return create(channel, CallOptions.DEFAULTS);
  }

  /** A client over {@code channel} with {@code options}. */
  public static PortmapperClient create(RpcChannel channel, CallOptions options) {
    return new PortmapperClient(
        RpcClient.create(channel, PortmapProtocol.PROGRAM, PortmapProtocol.PMAP_VERSION, options));
  }

  /** A client over a new TCP connection to {@code portmapper}. */
  public static PortmapperClient tcp(InetSocketAddress portmapper) {
    return create(RpcChannel.tcp(portmapper));
  }

  /** A client over a new UDP socket towards {@code portmapper}. */
  public static PortmapperClient udp(InetSocketAddress portmapper) {
    return create(RpcChannel.udp(portmapper));
  }

  /** A copy whose calls time out after {@code timeout}; it shares the channel. */
  public PortmapperClient withTimeout(Duration timeout) {
    return new PortmapperClient(client.withTimeout(timeout));
  }

  /** A copy with other call options; it shares the channel. */
  public PortmapperClient withOptions(CallOptions options) {
    return new PortmapperClient(client.withOptions(options));
  }

  /** The underlying RPC client. */
  public RpcClient rpcClient() {
    return client;
  }

  /** Calls NULLPROC: is the portmapper there? */
  public void ping() {
    client.ping();
  }

  /**
   * Registers a mapping ({@code PMAPPROC_SET}).
   *
   * @return false if the program version is already registered for that protocol
   */
  public boolean set(Mapping mapping) {
    return client.call(PortmapProtocol.PROC_SET, Mapping.CODEC, mapping, XdrCodec.BOOL);
  }

  /**
   * Removes every mapping of a program version, whatever the protocol ({@code PMAPPROC_UNSET}).
   *
   * @return false if there was none, or the portmapper refused
   */
  public boolean unset(int program, int version) {
    return client.call(
        PortmapProtocol.PROC_UNSET,
        Mapping.CODEC,
        new Mapping(program, version, 0, 0),
        XdrCodec.BOOL);
  }

  /**
   * The port of a program version over {@code protocol} ({@code PMAPPROC_GETPORT}).
   *
   * @param protocol {@link PortmapProtocol#IPPROTO_TCP} or {@link PortmapProtocol#IPPROTO_UDP}
   * @return the port, or 0 if it is not registered
   */
  public int getPort(int program, int version, int protocol) {
    return client.call(
        PortmapProtocol.PROC_GETADDR,
        Mapping.CODEC,
        new Mapping(program, version, protocol, 0),
        XdrCodec.INT);
  }

  /** Every mapping ({@code PMAPPROC_DUMP}), what {@code rpcinfo -p} prints. */
  public List<Mapping> dump() {
    return client.call(PortmapProtocol.PROC_DUMP, XdrCodec.VOID, null, Mapping.LIST_CODEC);
  }

  /**
   * Has the portmapper call a procedure of a program registered with it over UDP ({@code
   * PMAPPROC_CALLIT}), as {@code pmap_rmtcall} does. A portmapper does not answer at all when that
   * call fails, nor when remote calls are off (rpcbind without {@code -r}, jrpcgen's embedded
   * portmapper by default), so a failure shows as a timeout. Over UDP the reply is taken from any
   * port of the portmapper's host, matched by XID: rpcbind answers from the socket it forwarded the
   * call with, not from port 111.
   *
   * @throws IllegalStateException if the portmapper's address is IPv6: PMAP is IPv4 only, and
   *     rpcbind runs the procedure but never answers (use {@link RpcbindClient#callIt}); or if this
   *     client is over TCP, where rpcbind ignores CALLIT
   */
  public <A, R> CallItReply<R> callIt(
      int program,
      int version,
      int procedure,
      XdrCodec<A> argsCodec,
      A args,
      XdrCodec<R> resultCodec) {
    if (!(client.serverAddress().getAddress() instanceof Inet4Address)) {
      throw new IllegalStateException(
          "PMAP CALLIT is IPv4 only (rpcbind runs the procedure over"
              + " IPv6 but never answers): use RpcbindClient version 3 or 4 for "
              + client.serverAddress().getHostString());
    }
    Opaque encoded = RemoteCalls.encodeArgs(client, argsCodec, args);
    CallResult result =
        RemoteCalls.callIt(
            client, new RemoteCallArgs(program, version, procedure, encoded), CallResult.CODEC);
    return new CallItReply<>(
        result.port(), RemoteCalls.decodeResult(client, resultCodec, result.result()));
  }

  /** Closes the channel. */
  @Override
  public void close() {
    client.close();
  }
}
