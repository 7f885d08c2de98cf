package io.jrpcgen.portmap;

import io.jrpcgen.xdr.XdrCodec;
import java.util.List;

/**
 * A portmapper entry ({@code struct mapping}, RFC 1833 §3.1): a program version served on a port
 * over an IP protocol.
 *
 * <pre>
 * struct mapping { unsigned int prog; unsigned int vers; unsigned int prot; unsigned int port; };
 * struct pmaplist { mapping map; pmaplist *next; };
 * </pre>
 *
 * @param program the program number
 * @param version the version number
 * @param protocol {@link PortmapProtocol#IPPROTO_TCP} or {@link PortmapProtocol#IPPROTO_UDP}
 * @param port the port, 0 in queries and in an answer for "not registered"
 */
public record Mapping(int program, int version, int protocol, int port) {
  /** The codec of one mapping: four unsigned ints. */
  public static final XdrCodec<Mapping> CODEC =
      XdrCodec.of(
          (out, m) -> {
            out.writeInt(m.program);
            out.writeInt(m.version);
            out.writeInt(m.protocol);
            out.writeInt(m.port);
          },
          in -> new Mapping(in.readInt(), in.readInt(), in.readInt(), in.readInt()),
          16);

  /** The codec of {@code pmaplist *}, the result of DUMP: a linked list, read in a loop. */
  public static final XdrCodec<List<Mapping>> LIST_CODEC = LinkedListCodec.of(CODEC);

  /** The protocol's name: {@code tcp}, {@code udp}, or its number. */
  public String protocolName() {
    return switch (protocol) {
      case PortmapProtocol.IPPROTO_TCP -> "tcp";
      case PortmapProtocol.IPPROTO_UDP -> "udp";
      default -> Integer.toUnsignedString(protocol);
    };
  }
}
