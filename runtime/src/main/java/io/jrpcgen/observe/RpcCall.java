package io.jrpcgen.observe;

import java.net.InetSocketAddress;

/**
 * One call as a listener sees it when it begins.
 *
 * @param side whether this process makes the call or serves it
 * @param transport the transport it goes by
 * @param tls whether it goes over RPC-with-TLS (RFC 9289)
 * @param local this end's address, or null when it is not known (a client's calls)
 * @param peer the other end's address: the server for a client, the caller for a server
 * @param xid the transaction id
 * @param program the program number
 * @param version the program version
 * @param procedure the procedure number
 * @param programName the program's name in the {@code .x} file, or null when not known
 * @param procedureName the procedure's name in the {@code .x} file, or null when not known
 * @param requestBytes the size of the call message, without TCP record marks
 */
public record RpcCall(
    Side side,
    Transport transport,
    boolean tls,
    InetSocketAddress local,
    InetSocketAddress peer,
    int xid,
    int program,
    int version,
    int procedure,
    String programName,
    String procedureName,
    int requestBytes) {

  /** Which end of a call or connection this process is. */
  public enum Side {
    CLIENT,
    SERVER
  }

  /** The transport of a call. */
  public enum Transport {
    TCP,
    UDP
  }

  @Override
  public String toString() {
    return side
        + " "
        + (programName != null ? programName : Integer.toUnsignedString(program))
        + " v"
        + Integer.toUnsignedString(version)
        + " "
        + (procedureName != null ? procedureName : Integer.toUnsignedString(procedure))
        + " xid "
        + Integer.toHexString(xid)
        + " "
        + transport
        + (tls ? "+TLS" : "")
        + " "
        + peer;
  }
}
