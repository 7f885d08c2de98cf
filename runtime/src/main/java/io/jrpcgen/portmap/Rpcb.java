package io.jrpcgen.portmap;

import io.jrpcgen.xdr.XdrCodec;
import java.util.List;

/**
 * An rpcbind entry ({@code struct rpcb}, RFC 1833 §2.2): a program version reachable at a universal
 * address over a network id, and who registered it.
 *
 * <pre>
 * struct rpcb {
 *   unsigned int r_prog; unsigned int r_vers;
 *   string r_netid&lt;&gt;; string r_addr&lt;&gt;; string r_owner&lt;&gt;;
 * };
 * struct rp__list { rpcb rpcb_map; struct rp__list *rpcb_next; };
 * </pre>
 *
 * @param program the program number
 * @param version the version number
 * @param netid the network id, such as {@code tcp} or {@code udp6}; empty in UNSET means all
 * @param address the universal address (for IP), a path for {@code local}; empty in queries
 * @param owner who registered it; rpcbind replaces what a caller claims
 */
public record Rpcb(int program, int version, String netid, String address, String owner) {
  /** The codec of one entry; the strings are unbounded, as in the RFC: bytes left bound them. */
  public static final XdrCodec<Rpcb> CODEC =
      XdrCodec.of(
          (out, r) -> {
            out.writeInt(r.program);
            out.writeInt(r.version);
            out.writeString(r.netid, XdrCodec.UNBOUNDED);
            out.writeString(r.address, XdrCodec.UNBOUNDED);
            out.writeString(r.owner, XdrCodec.UNBOUNDED);
          },
          in ->
              new Rpcb(
                  in.readInt(),
                  in.readInt(),
                  in.readString(XdrCodec.UNBOUNDED),
                  in.readString(XdrCodec.UNBOUNDED),
                  in.readString(XdrCodec.UNBOUNDED)),
          20);

  /** The codec of {@code rpcblist_ptr}, the result of DUMP: a linked list, read in a loop. */
  public static final XdrCodec<List<Rpcb>> LIST_CODEC = LinkedListCodec.of(CODEC);

  public Rpcb {
    if (netid == null || address == null || owner == null) {
      throw new IllegalArgumentException("netid, address and owner must not be null");
    }
  }

  /** A query or UNSET argument: no address, no owner. */
  public static Rpcb query(int program, int version, String netid) {
    return new Rpcb(program, version, netid, "", "");
  }

  /** The address parsed as a universal IP address. */
  public UniversalAddress universalAddress() {
    return UniversalAddress.parse(address);
  }
}
