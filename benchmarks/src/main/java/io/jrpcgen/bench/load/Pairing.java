package io.jrpcgen.bench.load;

import java.util.Locale;

/** A column of the table: a client implementation calling a server implementation. */
public enum Pairing {
  JAVA_JAVA("Java/Java", Client.JRPCGEN, Server.JRPCGEN),
  JAVA_JAVA_ASYNC("Java/Java async", Client.JRPCGEN_ASYNC, Server.JRPCGEN),
  JAVA_JAVA_ASYNC_DIRECT("Java/Java async direct", Client.JRPCGEN_ASYNC_DIRECT, Server.JRPCGEN),
  JAVA_JAVA_TLS("Java/Java TLS", Client.JRPCGEN_TLS, Server.JRPCGEN_TLS),
  JAVA_C("Java->C", Client.JRPCGEN, Server.LIBTIRPC),
  C_JAVA("C->Java", Client.LIBTIRPC, Server.JRPCGEN),
  C_C("C/C", Client.LIBTIRPC, Server.LIBTIRPC),
  ONCRPC4J_SYNC("oncrpc4j sync", Client.ONCRPC4J_SYNC, Server.ONCRPC4J),
  ONCRPC4J_ASYNC("oncrpc4j async", Client.ONCRPC4J_ASYNC, Server.ONCRPC4J),
  REMOTE_TEA("Remote Tea", Client.REMOTE_TEA, Server.REMOTE_TEA),
  LIMIT("limit", Client.RAW, Server.RAW);

  /** The client implementations. */
  public enum Client {
    JRPCGEN,
    JRPCGEN_ASYNC,
    JRPCGEN_ASYNC_DIRECT,
    JRPCGEN_TLS,
    LIBTIRPC,
    ONCRPC4J_SYNC,
    ONCRPC4J_ASYNC,
    REMOTE_TEA,
    RAW
  }

  /** The server implementations. */
  public enum Server {
    JRPCGEN,
    JRPCGEN_TLS,
    LIBTIRPC,
    ONCRPC4J,
    REMOTE_TEA,
    RAW
  }

  private final String label;
  private final Client client;
  private final Server server;

  Pairing(String label, Client client, Server server) {
    this.label = label;
    this.client = client;
    this.server = server;
  }

  /** The column heading. */
  public String label() {
    return label;
  }

  /** The client side. */
  public Client client() {
    return client;
  }

  /** The server side. */
  public Server server() {
    return server;
  }

  /** The name on the command line ({@code --pairings java-c,c-c}): {@code java-c}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The pairing named {@code id} on the command line. */
  public static Pairing fromId(String id) {
    for (Pairing p : values()) {
      if (p.id().equals(id)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "unknown pairing: "
            + id
            + " (known: "
            + java.util.Arrays.stream(values()).map(Pairing::id).toList()
            + ")");
  }
}
