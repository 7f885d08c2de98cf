package io.jrpcgen.portmap;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.rpc.AuthFlavor;
import io.jrpcgen.rpc.AuthStat;
import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.rpc.RpcAuthException;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.server.CallContext;
import io.jrpcgen.server.NoReplyException;
import io.jrpcgen.server.Procedure;
import io.jrpcgen.server.ProgramDefinition;
import io.jrpcgen.transport.ChannelOptions;
import io.jrpcgen.transport.UdpChannel;
import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrCodec;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The procedures of the embedded portmapper, PMAP version 2 and rpcbind versions 3 and 4, over one
 * {@link Registry}, with rpcbind's rules:
 *
 * <ul>
 *   <li>Only callers on a loopback address may SET and UNSET; others get {@code AUTH_ERROR /
 *       AUTH_TOOWEAK}, as from rpcbind.
 *   <li>GETPORT and GETADDR answer with the requested version or else another version of the
 *       program, for the network id of the transport the query came by (rpcbind ignores the query's
 *       {@code r_netid}); a wildcard address is answered as the address the caller can reach. A
 *       registration whose server a probe shows gone ({@link LivenessPolicy}) is dropped first.
 *   <li>CALLIT (and BCAST), when remote calls are on, forward over UDP to the registered UDP server
 *       and reply with its results; when anything fails, over TCP, and when remote calls are off
 *       (rpcbind without {@code -r}), they send no reply at all, so that a broadcast hears only
 *       from servers that could serve it.
 * </ul>
 */
final class PortmapService {
  private static final System.Logger LOG = System.getLogger(EmbeddedPortmapper.class.getName());
  private static final XdrCodec<String> STRING = XdrCodec.string(XdrCodec.UNBOUNDED);
  // Generous for real use, small enough that a local caller cannot fill the heap.
  private static final int MAX_NETID = 32;
  private static final int MAX_ADDRESS = 256;
  private static final int MAX_OWNER = 256;
  private static final String UNKNOWN_OWNER = "unknown";

  private final Registry registry;
  private final LivenessPolicy liveness;
  private final boolean remoteCalls;
  private final Duration forwardTimeout;

  PortmapService(
      Registry registry, LivenessPolicy liveness, boolean remoteCalls, Duration forwardTimeout) {
    this.registry = registry;
    this.liveness = liveness;
    this.remoteCalls = remoteCalls;
    this.forwardTimeout = forwardTimeout;
  }

  /** The dispatch tables of PMAP version 2 and rpcbind versions 3 and 4. */
  List<ProgramDefinition> definitions() {
    return List.of(
        pmapDefinition(),
        rpcbDefinition(PortmapProtocol.RPCB_VERSION_3),
        rpcbDefinition(PortmapProtocol.RPCB_VERSION_4));
  }

  private ProgramDefinition pmapDefinition() {
    return ProgramDefinition.builder(PortmapProtocol.PROGRAM, PortmapProtocol.PMAP_VERSION)
        .procedure(
            Procedure.of(
                PortmapProtocol.PROC_SET,
                "PMAPPROC_SET",
                Mapping.CODEC,
                XdrCodec.BOOL,
                (call, m) -> pmapSet(m, call.remoteAddress())))
        .procedure(
            Procedure.of(
                PortmapProtocol.PROC_UNSET,
                "PMAPPROC_UNSET",
                Mapping.CODEC,
                XdrCodec.BOOL,
                (call, m) -> pmapUnset(m, call.remoteAddress())))
        .procedure(
            Procedure.of(
                PortmapProtocol.PROC_GETADDR,
                "PMAPPROC_GETPORT",
                Mapping.CODEC,
                XdrCodec.INT,
                (call, m) -> pmapGetPort(m)))
        .procedure(
            Procedure.of(
                PortmapProtocol.PROC_DUMP,
                "PMAPPROC_DUMP",
                XdrCodec.VOID,
                Mapping.LIST_CODEC,
                (call, none) -> pmapDump()))
        .procedure(
            Procedure.of(
                PortmapProtocol.PROC_CALLIT,
                "PMAPPROC_CALLIT",
                RemoteCallArgs.CODEC,
                CallResult.CODEC,
                (call, args) -> {
                  Forwarded f = callIt(args, call);
                  return new CallResult(f.address().port(), f.result());
                }))
        .build();
  }

  private ProgramDefinition rpcbDefinition(int version) {
    ProgramDefinition.Builder b =
        ProgramDefinition.builder(PortmapProtocol.PROGRAM, version)
            .procedure(
                Procedure.of(
                    PortmapProtocol.PROC_SET,
                    "RPCBPROC_SET",
                    Rpcb.CODEC,
                    XdrCodec.BOOL,
                    (call, r) -> rpcbSet(r, call.remoteAddress())))
            .procedure(
                Procedure.of(
                    PortmapProtocol.PROC_UNSET,
                    "RPCBPROC_UNSET",
                    Rpcb.CODEC,
                    XdrCodec.BOOL,
                    (call, r) -> rpcbUnset(r, call.remoteAddress())))
            .procedure(
                Procedure.of(
                    PortmapProtocol.PROC_GETADDR,
                    "RPCBPROC_GETADDR",
                    Rpcb.CODEC,
                    STRING,
                    (call, r) -> getAddr(r, transportNetid(call), call.remoteAddress(), false)))
            .procedure(
                Procedure.of(
                    PortmapProtocol.PROC_DUMP,
                    "RPCBPROC_DUMP",
                    XdrCodec.VOID,
                    Rpcb.LIST_CODEC,
                    (call, none) -> registry.all()))
            .procedure(
                Procedure.of(
                    PortmapProtocol.PROC_CALLIT,
                    version == PortmapProtocol.RPCB_VERSION_3
                        ? "RPCBPROC_CALLIT"
                        : "RPCBPROC_BCAST",
                    RemoteCallArgs.CODEC,
                    RemoteCallResult.CODEC,
                    (call, args) -> {
                      Forwarded f = callIt(args, call);
                      return new RemoteCallResult(f.address().toString(), f.result());
                    }))
            .procedure(
                Procedure.of(
                    PortmapProtocol.PROC_GETTIME,
                    "RPCBPROC_GETTIME",
                    XdrCodec.VOID,
                    XdrCodec.INT,
                    (call, none) -> (int) (System.currentTimeMillis() / 1000)));
    if (version == PortmapProtocol.RPCB_VERSION_4) {
      b.procedure(
          Procedure.of(
              PortmapProtocol.PROC_GETVERSADDR,
              "RPCBPROC_GETVERSADDR",
              Rpcb.CODEC,
              STRING,
              (call, r) -> getAddr(r, transportNetid(call), call.remoteAddress(), true)));
    }
    return b.build();
  }

  /** {@code PMAPPROC_SET}: a TCP or UDP port, registered as the wildcard IPv4 address. */
  boolean pmapSet(Mapping m, InetSocketAddress caller) {
    requireLocal(caller);
    String netid = PortmapProtocol.netidOf(m.protocol());
    if (netid == null || m.port() <= 0 || m.port() > 65_535) {
      return false;
    }
    UniversalAddress address = new UniversalAddress(IpAddresses.ipv4Wildcard(), m.port());
    return registry.set(
        new Rpcb(m.program(), m.version(), netid, address.toString(), UNKNOWN_OWNER));
  }

  /** {@code PMAPPROC_UNSET}: the program version's TCP and UDP registrations. */
  boolean pmapUnset(Mapping m, InetSocketAddress caller) {
    requireLocal(caller);
    return registry.unset(
        m.program(), m.version(), List.of(PortmapProtocol.NETID_TCP, PortmapProtocol.NETID_UDP));
  }

  /** {@code PMAPPROC_GETPORT}: the port, or 0. */
  int pmapGetPort(Mapping m) {
    String netid = PortmapProtocol.netidOf(m.protocol());
    if (netid == null) {
      return 0;
    }
    Rpcb found = findLive(m.program(), m.version(), netid, false);
    if (found == null) {
      return 0;
    }
    try {
      return found.universalAddress().port();
    } catch (IllegalArgumentException e) {
      return 0;
    }
  }

  /** {@code PMAPPROC_DUMP}: the TCP and UDP registrations over IPv4, as ports. */
  List<Mapping> pmapDump() {
    List<Mapping> mappings = new ArrayList<>();
    for (Rpcb r : registry.all()) {
      int protocol = PortmapProtocol.protocolOf(r.netid());
      if (protocol == 0) {
        continue;
      }
      try {
        mappings.add(new Mapping(r.program(), r.version(), protocol, r.universalAddress().port()));
      } catch (IllegalArgumentException e) {
        // An address registered through rpcbind that is not IP has no port to list.
      }
    }
    return mappings;
  }

  /** {@code RPCBPROC_SET}. */
  boolean rpcbSet(Rpcb r, InetSocketAddress caller) {
    requireLocal(caller);
    if (r.netid().isEmpty()
        || r.netid().length() > MAX_NETID
        || r.address().isEmpty()
        || r.address().length() > MAX_ADDRESS
        || r.owner().length() > MAX_OWNER) {
      return false;
    }
    String owner = r.owner().isEmpty() ? UNKNOWN_OWNER : r.owner();
    return registry.set(new Rpcb(r.program(), r.version(), r.netid(), r.address(), owner));
  }

  /** {@code RPCBPROC_UNSET}: for one network id, or all if it is empty. */
  boolean rpcbUnset(Rpcb r, InetSocketAddress caller) {
    requireLocal(caller);
    return registry.unset(
        r.program(), r.version(), r.netid().isEmpty() ? List.of() : List.of(r.netid()));
  }

  /** {@code RPCBPROC_GETADDR} and {@code GETVERSADDR}: a universal address, or "". */
  String getAddr(Rpcb query, String netid, InetSocketAddress caller, boolean exactVersion) {
    Rpcb found = findLive(query.program(), query.version(), netid, exactVersion);
    return found == null ? "" : reachableAddress(found.address(), caller);
  }

  /**
   * The registration that answers a query, after dropping those whose server is gone; null if none
   * is left.
   */
  private Rpcb findLive(int program, int version, String netid, boolean exactVersion) {
    while (true) {
      Rpcb found = registry.find(program, version, netid, exactVersion);
      if (found == null || found.program() == PortmapProtocol.PROGRAM || !liveness.isGone(found)) {
        return found;
      }
      if (registry.remove(found)) {
        LOG.log(Level.INFO, () -> "forgot " + describe(found) + ": its server is gone");
      }
    }
  }

  /** A forwarded call's outcome: where the server was, and its encoded results. */
  record Forwarded(UniversalAddress address, Opaque result) {}

  /**
   * Forwards a CALLIT to the program's UDP server.
   *
   * @throws NoReplyException whenever it cannot, so that the caller hears nothing
   */
  Forwarded callIt(RemoteCallArgs args, CallContext call) {
    return callIt(
        args,
        call.transport() == CallContext.Transport.UDP,
        call.remoteAddress(),
        call.credential());
  }

  Forwarded callIt(
      RemoteCallArgs args, boolean udp, InetSocketAddress caller, OpaqueAuth credential) {
    if (!remoteCalls) {
      // rpcbind without -r: no reply, nothing forwarded.
      throw new NoReplyException("CALLIT: remote calls are off");
    }
    if (!udp) {
      // Only over datagrams, as rpcbind: it is meant for broadcasts.
      throw new NoReplyException("CALLIT over TCP");
    }
    if (args.program() == PortmapProtocol.PROGRAM) {
      // Forwarded from here a call would come from loopback: no SET on a remote caller's behalf.
      throw new NoReplyException("CALLIT to the portmapper itself");
    }
    String netid =
        caller.getAddress() instanceof Inet6Address
            ? PortmapProtocol.NETID_UDP6
            : PortmapProtocol.NETID_UDP;
    Rpcb found = findLive(args.program(), args.version(), netid, true);
    InetSocketAddress target = found == null ? null : LivenessProbe.target(found.address());
    if (target == null) {
      throw new NoReplyException(
          "CALLIT to "
              + Integer.toUnsignedString(args.program())
              + "/"
              + Integer.toUnsignedString(args.version())
              + ": not registered over "
              + netid);
    }
    OpaqueAuth forwarded = credential.is(AuthFlavor.AUTH_SYS) ? credential : OpaqueAuth.NONE;
    CallOptions options =
        CallOptions.DEFAULTS
            .withTimeout(forwardTimeout)
            .withRetryInterval(forwardTimeout)
            .withCredential(forwarded);
    try (RpcClient client =
        RpcClient.create(
            UdpChannel.open(target, ChannelOptions.DEFAULTS),
            args.program(),
            args.version(),
            options)) {
      Opaque result = client.call(args.procedure(), RawBytes.CODEC, args.args(), RawBytes.CODEC);
      UniversalAddress reachable =
          UniversalAddress.parse(reachableAddress(found.address(), caller));
      return new Forwarded(reachable, result);
    } catch (RpcException | IllegalArgumentException | UncheckedIOException e) {
      throw new NoReplyException("CALLIT to " + describe(found) + " failed: " + e.getMessage());
    }
  }

  /**
   * A registered address as {@code caller} can use it: a wildcard becomes the loopback address for
   * a local caller, else this host's address on the caller's network (rpcbind's {@code mergeaddr});
   * other addresses are returned as registered.
   */
  static String reachableAddress(String registered, InetSocketAddress caller) {
    UniversalAddress address = UniversalAddress.parseOrNull(registered);
    if (address == null || !address.isWildcard()) {
      return registered;
    }
    InetAddress local =
        caller.getAddress().isLoopbackAddress()
            ? IpAddresses.loopbackLike(address.address())
            : addressFacing(caller.getAddress(), IpAddresses.isIpv4(address.address()));
    return local == null ? registered : new UniversalAddress(local, address.port()).toString();
  }

  /** This host's address on the network of {@code peer}, of the family asked for; or null. */
  private static InetAddress addressFacing(InetAddress peer, boolean ipv4) {
    if (IpAddresses.isIpv4(peer) != ipv4) {
      return null;
    }
    try {
      for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        for (InterfaceAddress ia : nif.getInterfaceAddresses()) {
          if (sameNetwork(ia.getAddress(), peer, ia.getNetworkPrefixLength())) {
            return ia.getAddress();
          }
        }
      }
    } catch (SocketException e) {
      LOG.log(Level.DEBUG, () -> "cannot list network interfaces: " + e);
    }
    return null;
  }

  private static boolean sameNetwork(InetAddress a, InetAddress b, int prefixLength) {
    byte[] x = a.getAddress();
    byte[] y = b.getAddress();
    if (x.length != y.length || prefixLength <= 0 || prefixLength > x.length * 8) {
      return false;
    }
    for (int bit = 0; bit < prefixLength; bit++) {
      int mask = 0x80 >> (bit & 7);
      if ((x[bit >> 3] & mask) != (y[bit >> 3] & mask)) {
        return false;
      }
    }
    return true;
  }

  /** rpcbind's rule: SET and UNSET only from this host. */
  private static void requireLocal(InetSocketAddress caller) {
    if (caller == null || !caller.getAddress().isLoopbackAddress()) {
      LOG.log(Level.INFO, () -> "SET/UNSET declined (non-loopback sender " + caller + ")");
      throw new RpcAuthException(null, AuthStat.AUTH_TOOWEAK);
    }
  }

  /** The network id of the transport a call came by, by the caller's address family. */
  private static String transportNetid(CallContext call) {
    return PortmapProtocol.netid(
        call.transport() == CallContext.Transport.TCP,
        call.remoteAddress().getAddress() instanceof Inet6Address);
  }

  static String describe(Rpcb r) {
    return Integer.toUnsignedString(r.program())
        + "/"
        + Integer.toUnsignedString(r.version())
        + " "
        + r.netid()
        + " "
        + r.address();
  }
}
