package io.jrpcgen.server;

/**
 * Announces what a server serves to a directory such as the portmapper when it starts, and
 * withdraws it when it closes. {@code io.jrpcgen.portmap.PortmapRegistrar} registers with rpcbind
 * or the portmapper.
 */
@FunctionalInterface
public interface Registrar {
  /**
   * Registers every program version of {@code server} on each of its transports. Called by {@link
   * RpcServer.Builder#start()} once the server is serving; if it throws, the server closes and
   * {@code start()} rethrows.
   *
   * @return what {@link RpcServer#close()} calls, before it stops serving, to unregister
   */
  Registration register(RpcServer server);

  /** A registration in force; closing it withdraws it. */
  @FunctionalInterface
  interface Registration extends AutoCloseable {
    /** Withdraws the registration; best effort, never throws. */
    @Override
    void close();
  }
}
