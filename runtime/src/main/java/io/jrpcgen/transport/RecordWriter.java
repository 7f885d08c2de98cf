package io.jrpcgen.transport;

import io.jrpcgen.xdr.XdrEncoder;
import java.io.IOException;

/**
 * Writes RPC messages on a TCP connection, each as one whole record between the records other
 * threads write: how a back channel's calls, and the replies to them, share a connection with the
 * calls and replies going the other way.
 */
@FunctionalInterface
public interface RecordWriter {
  /**
   * Writes the message that {@code record} holds after its first 4 bytes, which are left for the
   * record mark the writer puts there; the bytes may be changed by the write.
   *
   * @throws IOException if the connection failed or is closed
   */
  void write(XdrEncoder record) throws IOException;
}
