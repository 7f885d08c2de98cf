package io.jrpcgen.internal.transport;

import io.jrpcgen.internal.xdr.Bytes;
import io.jrpcgen.xdr.XdrDecoder;

/**
 * One received RPC message: a TCP record or a UDP datagram. The array belongs to this message
 * alone, so values decoded from it may keep viewing it.
 *
 * @param bytes the array holding the message from offset 0
 * @param length the message's length in bytes
 */
@SuppressWarnings("ArrayRecordComponent") // a view of a buffer; messages are never compared
public record Message(byte[] bytes, int length) {
  /** A decoder over the message. */
  public XdrDecoder decoder() {
    return new XdrDecoder(bytes, 0, length);
  }

  /** The transaction id (the first word), or empty if the message is shorter than that. */
  public boolean hasXid() {
    return length >= 4;
  }

  /** The transaction id; only when {@link #hasXid()}. */
  public int xid() {
    return Bytes.getInt(bytes, 0);
  }

  /** Whether the message is a call: its second word, {@code msg_type}, is CALL (0). */
  public boolean isCall() {
    return length >= 8 && Bytes.getInt(bytes, 4) == 0;
  }

  /** Whether the message is a reply: its second word, {@code msg_type}, is REPLY (1). */
  public boolean isReply() {
    return length >= 8 && Bytes.getInt(bytes, 4) == 1;
  }
}
