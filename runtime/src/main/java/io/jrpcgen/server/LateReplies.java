package io.jrpcgen.server;

import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.xdr.XdrEncoder;
import java.util.function.Supplier;

/**
 * A transport's side of calls whose replies come after {@link CallDispatcher} returned: those of
 * {@link AsyncProcedureHandler}s whose stage was not yet complete.
 */
interface LateReplies {
  /** A call goes on without a thread; {@link #send} follows exactly once. */
  void started();

  /** An empty encoder for one reply, positioned where the reply message starts. */
  XdrEncoder encoder();

  /**
   * Sends {@code reply}, an encoder from {@link #encoder()} holding a whole reply, or nothing when
   * it is null; ends what {@link #started()} began. Never throws.
   */
  void send(XdrEncoder reply);

  /**
   * What gives the channel that calls the caller back on the connection the call came by, or null
   * where there is none (UDP).
   */
  default Supplier<RpcChannel> backChannel() {
    return null;
  }
}
