package io.jrpcgen.portmap;

/**
 * Numbers of the portmapper (PMAP version 2) and rpcbind (versions 3 and 4) protocols, RFC 1833:
 * one program, 100000, on port 111 over TCP and UDP.
 */
public final class PortmapProtocol {
  /** The program number of both the portmapper and rpcbind. */
  public static final int PROGRAM = 100_000;

  /** The well-known port, TCP and UDP. */
  public static final int PORT = 111;

  /** The portmapper protocol: numeric ports, IP protocol numbers. */
  public static final int PMAP_VERSION = 2;

  /** rpcbind version 3: universal addresses and network ids. */
  public static final int RPCB_VERSION_3 = 3;

  /** rpcbind version 4: version 3 plus GETVERSADDR, INDIRECT, GETADDRLIST, GETSTAT. */
  public static final int RPCB_VERSION_4 = 4;

  /** {@code IPPROTO_TCP}, the protocol of a PMAP mapping. */
  public static final int IPPROTO_TCP = 6;

  /** {@code IPPROTO_UDP}, the protocol of a PMAP mapping. */
  public static final int IPPROTO_UDP = 17;

  /** The null procedure, in every version. */
  public static final int PROC_NULL = 0;

  /** Registers a mapping: {@code PMAPPROC_SET}, {@code RPCBPROC_SET}. */
  public static final int PROC_SET = 1;

  /** Removes mappings: {@code PMAPPROC_UNSET}, {@code RPCBPROC_UNSET}. */
  public static final int PROC_UNSET = 2;

  /** Looks up an address: {@code PMAPPROC_GETPORT}, {@code RPCBPROC_GETADDR}. */
  public static final int PROC_GETADDR = 3;

  /** Lists every mapping: {@code PMAPPROC_DUMP}, {@code RPCBPROC_DUMP}. */
  public static final int PROC_DUMP = 4;

  /** Calls a registered program: {@code PMAPPROC_CALLIT}, {@code RPCBPROC_CALLIT/BCAST}. */
  public static final int PROC_CALLIT = 5;

  /** The server's time in seconds since 1970 (rpcbind only). */
  public static final int PROC_GETTIME = 6;

  /** Like GETADDR, for the exact version only (rpcbind version 4). */
  public static final int PROC_GETVERSADDR = 9;

  /** The network id of TCP over IPv4. */
  public static final String NETID_TCP = "tcp";

  /** The network id of UDP over IPv4. */
  public static final String NETID_UDP = "udp";

  /** The network id of TCP over IPv6. */
  public static final String NETID_TCP6 = "tcp6";

  /** The network id of UDP over IPv6. */
  public static final String NETID_UDP6 = "udp6";

  private PortmapProtocol() {}

  /** The IP protocol number of a network id, or 0 for one PMAP version 2 cannot express. */
  static int protocolOf(String netid) {
    return switch (netid) {
      case NETID_TCP -> IPPROTO_TCP;
      case NETID_UDP -> IPPROTO_UDP;
      default -> 0;
    };
  }

  /** The network id of an IP protocol number of PMAP version 2, or null for another protocol. */
  static String netidOf(int protocol) {
    return switch (protocol) {
      case IPPROTO_TCP -> NETID_TCP;
      case IPPROTO_UDP -> NETID_UDP;
      default -> null;
    };
  }

  /** Whether a network id names a datagram transport. */
  static boolean isDatagram(String netid) {
    return netid.equals(NETID_UDP) || netid.equals(NETID_UDP6);
  }

  /** The IPv4 or IPv6 network id of TCP or UDP. */
  public static String netid(boolean tcp, boolean ipv6) {
    if (tcp) {
      return ipv6 ? NETID_TCP6 : NETID_TCP;
    }
    return ipv6 ? NETID_UDP6 : NETID_UDP;
  }
}
