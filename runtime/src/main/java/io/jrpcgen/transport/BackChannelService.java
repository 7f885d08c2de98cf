package io.jrpcgen.transport;

/**
 * Serves the calls a server makes on a client's own TCP connection: the client's back channel, as
 * in NFSv4.1, set with {@link ChannelOptions#withBackChannel}. {@code
 * io.jrpcgen.server.BackChannelServer} serves program versions this way.
 */
public interface BackChannelService {
  /**
   * Starts serving the calls that arrive on one connection of {@code channel}, which calls the same
   * server; the replies go out through {@code replies}.
   */
  Calls serve(TcpChannel channel, RecordWriter replies);

  /** The calls of one connection. */
  interface Calls {
    /**
     * A call message arrived: {@code message} holds it from offset 0 to {@code length}, and is this
     * call's alone. Called on the thread that reads the connection, which reads nothing else until
     * it returns: the procedure must run elsewhere. Never throws.
     */
    void received(byte[] message, int length);

    /** The connection ended: no call arrives any more, and replies have no way back. */
    void ended();
  }
}
