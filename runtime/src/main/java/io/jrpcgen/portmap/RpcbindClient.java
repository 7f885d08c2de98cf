package io.jrpcgen.portmap;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrCodec;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A client of rpcbind versions 3 and 4 (RFC 1833 §2): addresses are universal addresses ({@link
 * UniversalAddress}) per network id ({@code tcp}, {@code udp}, {@code tcp6}, ...). Immutable and
 * thread-safe, like the {@link RpcClient} it wraps.
 *
 * <pre>{@code
 * try (RpcbindClient rpcb = RpcbindClient.tcp(new InetSocketAddress("127.0.0.1", 111), 4)) {
 *   String uaddr = rpcb.getAddr(SQUARE_PROG, 1, "tcp");      // "" when not registered
 * }
 * }</pre>
 */
public final class RpcbindClient implements AutoCloseable {
  /**
   * The reply of CALLIT (version 3) or BCAST (version 4).
   *
   * @param address the universal address of the program that was called
   * @param value its decoded results
   * @param <R> the result type
   */
  public record CallItReply<R>(String address, R value) {}

  private final RpcClient client;

  private RpcbindClient(RpcClient client) {
    this.client = client;
  }

  /** A client of rpcbind {@code version} (3 or 4) over {@code channel}. */
  public static RpcbindClient create(RpcChannel channel, int version) {
    return create(channel, version, CallOptions.DEFAULTS);
  }

  /** A client of rpcbind {@code version} (3 or 4) over {@code channel} with {@code options}. */
  public static RpcbindClient create(RpcChannel channel, int version, CallOptions options) {
    if (version != PortmapProtocol.RPCB_VERSION_3 && version != PortmapProtocol.RPCB_VERSION_4) {
      throw new IllegalArgumentException("rpcbind version is not 3 or 4: " + version);
    }
    return new RpcbindClient(RpcClient.create(channel, PortmapProtocol.PROGRAM, version, options));
  }

  /** A client over a new TCP connection to {@code rpcbind}. */
  public static RpcbindClient tcp(InetSocketAddress rpcbind, int version) {
    return create(RpcChannel.tcp(rpcbind), version);
  }

  /** A client over a new UDP socket towards {@code rpcbind}. */
  public static RpcbindClient udp(InetSocketAddress rpcbind, int version) {
    return create(RpcChannel.udp(rpcbind), version);
  }

  /** A copy whose calls time out after {@code timeout}; it shares the channel. */
  public RpcbindClient withTimeout(Duration timeout) {
    return new RpcbindClient(client.withTimeout(timeout));
  }

  /** A copy with other call options; it shares the channel. */
  public RpcbindClient withOptions(CallOptions options) {
    return new RpcbindClient(client.withOptions(options));
  }

  /** The rpcbind version spoken, 3 or 4. */
  public int version() {
    return client.version();
  }

  /** The underlying RPC client. */
  public RpcClient rpcClient() {
    return client;
  }

  /** Calls NULLPROC. */
  public void ping() {
    client.ping();
  }

  /**
   * Registers {@code entry} ({@code RPCBPROC_SET}); rpcbind records the owner itself.
   *
   * @return false if the program version is already registered for that network id
   */
  public boolean set(Rpcb entry) {
    return client.call(PortmapProtocol.PROC_SET, Rpcb.CODEC, entry, XdrCodec.BOOL);
  }

  /**
   * Removes the mapping of a program version for {@code netid}, or for every network id if {@code
   * netid} is empty ({@code RPCBPROC_UNSET}).
   *
   * @return false if there was none, or rpcbind refused (another owner's mapping)
   */
  public boolean unset(int program, int version, String netid) {
    return client.call(
        PortmapProtocol.PROC_UNSET, Rpcb.CODEC, Rpcb.query(program, version, netid), XdrCodec.BOOL);
  }

  /**
   * The universal address of a program over {@code netid} ({@code RPCBPROC_GETADDR}): that of the
   * version asked for, or else of another version of the program, so that a call to it reports the
   * versions there are. The real rpcbind answers for the transport the query came by, whatever
   * {@code netid} names: asked over TCP it gives the {@code tcp} address even for {@code "udp"}. To
   * learn the UDP address, ask over UDP (or list them all with {@link #dump()}).
   *
   * @return the universal address, or the empty string if the program is not registered
   */
  public String getAddr(int program, int version, String netid) {
    return client.call(
        PortmapProtocol.PROC_GETADDR,
        Rpcb.CODEC,
        Rpcb.query(program, version, netid),
        XdrCodec.string(XdrCodec.UNBOUNDED));
  }

  /**
   * The universal address of exactly this program version ({@code RPCBPROC_GETVERSADDR}, version 4
   * only), or the empty string.
   */
  public String getVersAddr(int program, int version, String netid) {
    if (version() < PortmapProtocol.RPCB_VERSION_4) {
      throw new IllegalStateException("GETVERSADDR needs rpcbind version 4");
    }
    return client.call(
        PortmapProtocol.PROC_GETVERSADDR,
        Rpcb.CODEC,
        Rpcb.query(program, version, netid),
        XdrCodec.string(XdrCodec.UNBOUNDED));
  }

  /** Every registration ({@code RPCBPROC_DUMP}), what {@code rpcinfo} prints. */
  public List<Rpcb> dump() {
    return client.call(PortmapProtocol.PROC_DUMP, XdrCodec.VOID, null, Rpcb.LIST_CODEC);
  }

  /** The server's clock ({@code RPCBPROC_GETTIME}), to the second. */
  public Instant getTime() {
    int seconds = client.call(PortmapProtocol.PROC_GETTIME, XdrCodec.VOID, null, XdrCodec.INT);
    return Instant.ofEpochSecond(Integer.toUnsignedLong(seconds));
  }

  /**
   * Has rpcbind call a procedure of a program registered with it ({@code RPCBPROC_CALLIT}, {@code
   * RPCBPROC_BCAST} in version 4), as {@code rpcb_rmtcall} does, over IPv4 or IPv6. rpcbind does
   * not answer at all when that call fails, nor when remote calls are off (rpcbind without {@code
   * -r}, jrpcgen's embedded portmapper by default), so a failure shows as a timeout. The reply is
   * taken from any port of rpcbind's host, matched by XID: rpcbind answers from the socket it
   * forwarded the call with, not from port 111.
   *
   * @throws IllegalStateException if this client is over TCP, where rpcbind ignores CALLIT
   */
  public <A, R> CallItReply<R> callIt(
      int program,
      int version,
      int procedure,
      XdrCodec<A> argsCodec,
      A args,
      XdrCodec<R> resultCodec) {
    Opaque encoded = RemoteCalls.encodeArgs(client, argsCodec, args);
    RemoteCallResult result =
        RemoteCalls.callIt(
            client,
            new RemoteCallArgs(program, version, procedure, encoded),
            RemoteCallResult.CODEC);
    return new CallItReply<>(
        result.address(), RemoteCalls.decodeResult(client, resultCodec, result.result()));
  }

  /** Closes the channel. */
  @Override
  public void close() {
    client.close();
  }
}
