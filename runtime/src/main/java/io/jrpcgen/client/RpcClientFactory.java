package io.jrpcgen.client;

import io.jrpcgen.gss.GssSettings;
import io.jrpcgen.internal.rpc.RpcWithTls;
import io.jrpcgen.portmap.PortmapProtocol;
import io.jrpcgen.portmap.PortmapperClient;
import io.jrpcgen.portmap.RpcbindClient;
import io.jrpcgen.portmap.UniversalAddress;
import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.transport.ChannelOptions;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.transport.TcpChannel;
import io.jrpcgen.transport.UdpChannel;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * Finds a program on a host through its portmapper and connects a client to it: libtirpc's {@code
 * clnt_create(host, program, version, "tcp")}. Immutable; the {@code with} methods return copies.
 *
 * <pre>{@code
 * try (RpcClient client = RpcClientFactory.create("server.example", SQUARE_PROG, 1, "tcp")) {
 *   client.call(SQUAREPROC, SquareIn.CODEC, new SquareIn(5), SquareOut.CODEC);
 * }
 * }</pre>
 *
 * <p>The lookup asks the host's rpcbind over the same transport, with version 4 GETADDR, then
 * version 3, then the portmapper's (version 2) GETPORT, as libtirpc does. Errors are {@link
 * RpcException}s with the status and words of {@code clnt_spcreateerror}: {@code host: RPC: Program
 * not registered} ({@link RpcStatus#PROG_NOT_REGISTERED}), {@code RPC: Unknown host}, {@code RPC:
 * Unknown protocol}, and {@code RPC: Port mapper failure} with the cause when the portmapper cannot
 * be asked. A registered program without the version asked for gives {@code host: RPC:
 * Program/version mismatch; low version = 1, high version = 2} ({@link
 * io.jrpcgen.rpc.RpcMismatchException}): from {@link #client} itself, which calls NULLPROC to check
 * the version unless told not to, or else from the first call, which is when libtirpc 1.3's {@code
 * clnt_create} reports it.
 *
 * <p>With {@link #withGss} each client makes its own RPCSEC_GSS (Kerberos) context, which the
 * version check's call makes at once, so that a wrong service principal or a missing ticket fails
 * {@link #client} with a {@link SecurityException}; closing the client destroys the context.
 */
public final class RpcClientFactory {
  /** The factory with the defaults: port 111, 25 s lookups, version check on. */
  public static final RpcClientFactory DEFAULT =
      new RpcClientFactory(
          PortmapProtocol.PORT,
          CallOptions.DEFAULT_TIMEOUT,
          CallOptions.DEFAULTS,
          ChannelOptions.DEFAULTS,
          null,
          true);

  // rpcbind lookups over UDP are resent after 3 s, as libtirpc's rpcb_getaddr does.
  private static final Duration LOOKUP_RETRY = Duration.ofSeconds(3);

  private final int portmapperPort;
  private final Duration lookupTimeout;
  private final CallOptions callOptions;
  private final ChannelOptions channelOptions;
  // Null: calls carry what callOptions say.
  private final GssSettings gss;
  private final boolean versionCheck;

  private RpcClientFactory(
      int portmapperPort,
      Duration lookupTimeout,
      CallOptions callOptions,
      ChannelOptions channelOptions,
      GssSettings gss,
      boolean versionCheck) {
    this.portmapperPort = portmapperPort;
    this.lookupTimeout = lookupTimeout;
    this.callOptions = callOptions;
    this.channelOptions = channelOptions;
    this.gss = gss;
    this.versionCheck = versionCheck;
  }

  /**
   * {@code clnt_create}: a client of {@code program} version {@code version} on {@code host} over
   * {@code protocol} ("tcp" or "udp"), with the defaults.
   *
   * @throws RpcException if the program cannot be found or does not have the version
   */
  public static RpcClient create(String host, int program, int version, String protocol) {
    return DEFAULT.client(host, program, version, protocol);
  }

  /** A copy that asks the portmapper on {@code port} instead of 111. */
  public RpcClientFactory withPortmapperPort(int port) {
    if (port <= 0 || port > 65_535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    return new RpcClientFactory(
        port, lookupTimeout, callOptions, channelOptions, gss, versionCheck);
  }

  /** A copy whose portmapper queries time out after {@code timeout} (default 25 s). */
  public RpcClientFactory withLookupTimeout(Duration timeout) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout <= 0: " + timeout);
    }
    return new RpcClientFactory(
        portmapperPort, timeout, callOptions, channelOptions, gss, versionCheck);
  }

  /** A copy whose clients make their calls with {@code options}. */
  public RpcClientFactory withCallOptions(CallOptions options) {
    if (options == null) {
      throw new IllegalArgumentException("options is null");
    }
    return new RpcClientFactory(
        portmapperPort, lookupTimeout, options, channelOptions, gss, versionCheck);
  }

  /** A copy whose clients' channels use {@code options}. */
  public RpcClientFactory withChannelOptions(ChannelOptions options) {
    if (options == null) {
      throw new IllegalArgumentException("options is null");
    }
    return new RpcClientFactory(
        portmapperPort, lookupTimeout, callOptions, options, gss, versionCheck);
  }

  /**
   * A copy that does, or does not, call NULLPROC on a new client so that a missing version fails
   * {@link #client} rather than the first call (default: it does).
   */
  public RpcClientFactory withVersionCheck(boolean versionCheck) {
    return new RpcClientFactory(
        portmapperPort, lookupTimeout, callOptions, channelOptions, gss, versionCheck);
  }

  /**
   * A copy whose clients protect their calls with an RPCSEC_GSS context of their own, made as
   * {@code gss} says (null: none, the default). Each client owns its context: closing the client
   * destroys it on the server. A security in the {@linkplain #withCallOptions call options} is
   * replaced by it.
   */
  public RpcClientFactory withGss(GssSettings gss) {
    return new RpcClientFactory(
        portmapperPort, lookupTimeout, callOptions, channelOptions, gss, versionCheck);
  }

  /**
   * Connects a client of {@code program} version {@code version} on {@code host}.
   *
   * @param protocol "tcp" or "udp"
   * @throws RpcException if the program cannot be found, or does not have the version
   * @throws SecurityException with {@link #withGss}, if the version check cannot make the context
   */
  public RpcClient client(String host, int program, int version, String protocol) {
    boolean tcp = isTcp(host, protocol);
    if (!tcp && channelOptions.tls() != null) {
      // Said before the lookup, which would otherwise fail first against an absent portmapper.
      throw RpcWithTls.noDtls(host);
    }
    InetSocketAddress address = lookup(host, program, version, protocol);
    RpcChannel channel =
        tcp
            ? TcpChannel.connect(address, channelOptions)
            : UdpChannel.open(address, channelOptions);
    RpcClient client =
        gss == null
            ? RpcClient.create(channel, program, version, callOptions)
            : RpcClient.create(channel, program, version, callOptions, gss);
    if (versionCheck) {
      try {
        client.ping();
      } catch (RuntimeException e) {
        client.close();
        throw e;
      }
    }
    return client;
  }

  /**
   * The address of {@code program} version {@code version} on {@code host} over {@code protocol},
   * as the host's portmapper tells it: {@code rpcb_getaddr}.
   *
   * @throws RpcException if the program is not registered or the portmapper cannot be asked
   */
  public InetSocketAddress lookup(String host, int program, int version, String protocol) {
    boolean tcp = isTcp(host, protocol);
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new RpcException(RpcStatus.UNKNOWN_HOST, host, null, e);
    }
    boolean ipv4 = address instanceof Inet4Address;
    String netid = PortmapProtocol.netid(tcp, !ipv4);
    InetSocketAddress portmapper = new InetSocketAddress(address, portmapperPort);
    CallOptions options =
        CallOptions.DEFAULTS
            .withTimeout(lookupTimeout)
            .withRetryInterval(
                LOOKUP_RETRY.compareTo(lookupTimeout) < 0 ? LOOKUP_RETRY : lookupTimeout);
    // The portmapper is asked in the clear: RPC-with-TLS settings are for the program's server.
    ChannelOptions plain = channelOptions.withTls(null);
    RpcChannel channel;
    try {
      channel =
          tcp
              ? TcpChannel.connect(portmapper, plain.withConnectTimeout(lookupTimeout))
              : UdpChannel.open(portmapper, plain);
    } catch (RpcException e) {
      throw portmapperFailure(host, e);
    } catch (RuntimeException e) {
      throw new RpcException(RpcStatus.PMAP_FAILURE, host, String.valueOf(e.getMessage()), e);
    }
    try (channel) {
      String uaddr = null;
      for (int v = PortmapProtocol.RPCB_VERSION_4; v >= PortmapProtocol.RPCB_VERSION_3; v--) {
        try {
          uaddr = RpcbindClient.create(channel, v, options).getAddr(program, version, netid);
          break;
        } catch (RpcException e) {
          if (!isVersionMissing(e)) {
            throw portmapperFailure(host, e);
          }
        }
      }
      if (uaddr == null && ipv4) {
        int port = pmapGetPort(host, channel, options, program, version, tcp);
        uaddr = port == 0 ? "" : new UniversalAddress(address, port).toString();
      }
      if (uaddr == null || uaddr.isEmpty()) {
        throw new RpcException(RpcStatus.PROG_NOT_REGISTERED, host);
      }
      return reachable(host, address, uaddr);
    }
  }

  private static int pmapGetPort(
      String host, RpcChannel channel, CallOptions options, int program, int version, boolean tcp) {
    try {
      return PortmapperClient.create(channel, options)
          .getPort(
              program, version, tcp ? PortmapProtocol.IPPROTO_TCP : PortmapProtocol.IPPROTO_UDP);
    } catch (RpcException e) {
      throw portmapperFailure(host, e);
    }
  }

  /** The socket address of a universal address; a wildcard means the host asked. */
  private static InetSocketAddress reachable(String host, InetAddress asked, String uaddr) {
    UniversalAddress parsed;
    try {
      parsed = UniversalAddress.parse(uaddr);
    } catch (IllegalArgumentException e) {
      throw new RpcException(RpcStatus.PMAP_FAILURE, host, e.getMessage(), e);
    }
    return parsed.isWildcard()
        ? new InetSocketAddress(asked, parsed.port())
        : parsed.toSocketAddress();
  }

  private static boolean isVersionMissing(RpcException e) {
    return e.status() == RpcStatus.PROG_VERS_MISMATCH || e.status() == RpcStatus.PROG_UNAVAIL;
  }

  private static RpcException portmapperFailure(String host, RpcException cause) {
    return new RpcException(
        RpcStatus.PMAP_FAILURE, host, cause.status().message() + describeDetail(cause), cause);
  }

  /** The detail of {@code e}'s message after its status, such as "; errno = ...", or "". */
  private static String describeDetail(RpcException e) {
    String message = e.getMessage();
    int at = message.indexOf(e.status().message());
    return at < 0 ? "" : message.substring(at + e.status().message().length());
  }

  private static boolean isTcp(String host, String protocol) {
    if ("tcp".equals(protocol)) {
      return true;
    }
    if ("udp".equals(protocol)) {
      return false;
    }
    throw new RpcException(RpcStatus.UNKNOWN_PROTO, host);
  }
}
