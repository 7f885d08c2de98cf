package io.jrpcgen.internal.transport;

import io.jrpcgen.xdr.XdrEncoder;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Record marking for RPC over TCP (RFC 5531 §11): a record is sent as one or more fragments, each
 * preceded by a 4-byte big-endian header.
 *
 * <pre>
 *  bit 31     bits 30..0
 * +------+---------------------------+--------------------------+
 * | last |  fragment length (bytes)  |  fragment bytes ...      |
 * +------+---------------------------+--------------------------+
 * </pre>
 *
 * Writers reserve the header in front of the encoded message ({@link #begin}) and patch it when the
 * message is complete ({@link #write}), so that each record leaves in one write.
 */
public final class RecordMarking {
  /** The size of a fragment header. */
  public static final int HEADER_SIZE = 4;

  /** The largest fragment the header can describe. */
  public static final int MAX_FRAGMENT = 0x7fff_ffff;

  /** The header bit that marks a record's last fragment. */
  public static final int LAST_FRAGMENT = 0x8000_0000;

  private RecordMarking() {}

  /** Starts a record in {@code out} by reserving its header. */
  public static void begin(XdrEncoder out) {
    out.reset();
    out.skip(HEADER_SIZE);
  }

  /**
   * Writes the record encoded in {@code record} since {@link #begin}, as fragments of at most
   * {@code maxFragment} bytes; a record of one fragment leaves without a copy, large opaques from
   * their own arrays ({@link XdrEncoder#writeTo}).
   */
  public static void write(OutputStream out, XdrEncoder record, int maxFragment)
      throws IOException {
    frame(record, maxFragment).writeTo(out);
  }

  /**
   * Patches the header of the record in {@code record} and returns the encoding to send: {@code
   * record} itself when the record fits one fragment, else a new encoder with a header in front of
   * every fragment.
   */
  public static XdrEncoder frame(XdrEncoder record, int maxFragment) {
    if (maxFragment <= 0) {
      throw new IllegalArgumentException("maxFragment <= 0: " + maxFragment);
    }
    int payload = record.position() - HEADER_SIZE;
    if (payload <= maxFragment) {
      record.putInt(0, LAST_FRAGMENT | payload);
      return record;
    }
    int fragments = (payload + maxFragment - 1) / maxFragment;
    XdrEncoder out =
        new XdrEncoder(
            (int) Math.min(Integer.MAX_VALUE - 8, payload + (long) fragments * HEADER_SIZE + 3));
    byte[] bytes = record.array();
    int src = HEADER_SIZE;
    for (int left = payload; left > 0; ) {
      int n = Math.min(left, maxFragment);
      left -= n;
      out.writeInt((left == 0 ? LAST_FRAGMENT : 0) | n);
      out.writeRaw(bytes, src, n);
      // Fragments need not be word-aligned: the padding writeRaw adds is not part of the record.
      out.truncate(out.position() - (XdrEncoder.padded(n) - n));
      src += n;
    }
    return out;
  }
}
