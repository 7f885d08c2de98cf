package io.jrpcgen.internal.transport;

import io.jrpcgen.internal.xdr.Bytes;
import io.jrpcgen.internal.xdr.ScratchArrays;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.OptionalInt;

/**
 * Reads marked records (see {@link RecordMarking}) from a stream, reassembling fragments.
 *
 * <p>A record larger than the maximum is refused with {@link RecordTooLongException}; a stream that
 * ends inside a record gives {@link CorruptRecordException}; one that ends between records gives
 * {@link PeerClosedException}. Memory grows with the bytes that actually arrive, never with what a
 * header claims, so a header of {@code 0x7fffffff} followed by silence costs nothing, and an idle
 * reader holds only a small buffer for headers and short records. However a record is fragmented,
 * reassembling it costs time and memory linear in its size.
 *
 * <p>A read that times out ({@link SocketTimeoutException}) leaves the reader where it was, and the
 * next call resumes the same record. Not thread-safe.
 */
public final class RecordReader {
  // Holds headers, short records and runs of short fragments; longer fragment bytes are read
  // straight into the record, so an idle connection costs only this. 4 KiB: a record of up to
  // that size that has arrived is read with one system call (libtirpc's record buffers are larger
  // still); at 1 KiB, a round trip of 1 KiB messages cost two more reads.
  private static final int BUFFER_SIZE = 4096;
  private static final int GROWTH = 4;

  private final InputStream in;
  private final int maxRecordSize;
  private final byte[] buf = new byte[BUFFER_SIZE];
  private int bufPos;
  private int bufLimit;

  // The record being reassembled; all of it survives a timeout. Handed out whole in a Message
  // and never touched again, so decoded values may keep viewing it (a scratch array is copied).
  private byte[] record;
  // Whether record is a lent scratch array (see reserve), given back when the record outgrows it.
  private boolean staged;
  private int recordLength;
  private int headerBytes;
  private int header;
  private int fragmentLeft = -1;
  // True between records (the previous one, if any, ended); false once a non-last header is read.
  private boolean lastFragment = true;

  /** A reader of records of at most {@code maxRecordSize} bytes from {@code in}. */
  public RecordReader(InputStream in, int maxRecordSize) {
    if (maxRecordSize <= 0) {
      throw new IllegalArgumentException("maxRecordSize <= 0: " + maxRecordSize);
    }
    this.in = in;
    this.maxRecordSize = maxRecordSize;
  }

  /** Whether bytes of a next record are already buffered, so a read would not block. */
  public boolean hasBufferedBytes() {
    return bufPos < bufLimit;
  }

  /**
   * Whether a whole next record is already buffered, so that {@link #read()} would return it
   * without blocking. Asked between records.
   */
  public boolean hasBufferedRecord() {
    int at = bufPos;
    while (bufLimit - at >= RecordMarking.HEADER_SIZE) {
      int fragmentHeader = Bytes.getInt(buf, at);
      long end =
          (long) at + RecordMarking.HEADER_SIZE + (fragmentHeader & RecordMarking.MAX_FRAGMENT);
      if (end > bufLimit) {
        return false;
      }
      if ((fragmentHeader & RecordMarking.LAST_FRAGMENT) != 0) {
        return true;
      }
      at = (int) end;
    }
    return false;
  }

  /**
   * Whether part of a record has been read and the rest has not: a read timed out inside it. The
   * next {@link #read()} resumes it.
   */
  public boolean inRecord() {
    return !betweenRecords();
  }

  /** The first word of the record read in part (an RPC message's XID), once it has arrived. */
  public OptionalInt partialXid() {
    return recordLength >= Integer.BYTES
        ? OptionalInt.of(Bytes.getInt(record, 0))
        : OptionalInt.empty();
  }

  /** Reads the next whole record. */
  public Message read() throws IOException {
    while (true) {
      if (fragmentLeft < 0) {
        readHeader();
      }
      while (fragmentLeft > 0) {
        readFragmentBytes();
      }
      fragmentLeft = -1;
      if (lastFragment) {
        Message message = new Message(record == null ? new byte[0] : ownArray(), recordLength);
        record = null;
        recordLength = 0;
        return message;
      }
    }
  }

  /** The record's array, a copy of its bytes if they are in a scratch array, given back then. */
  private byte[] ownArray() {
    if (!staged) {
      return record;
    }
    byte[] own = Arrays.copyOf(record, recordLength);
    ScratchArrays.give(record);
    staged = false;
    return own;
  }

  private void readHeader() throws IOException {
    while (headerBytes < RecordMarking.HEADER_SIZE) {
      if (bufPos == bufLimit) {
        fill();
      }
      header = (header << 8) | (buf[bufPos++] & 0xff);
      headerBytes++;
    }
    headerBytes = 0;
    lastFragment = (header & RecordMarking.LAST_FRAGMENT) != 0;
    int length = header & RecordMarking.MAX_FRAGMENT;
    if ((long) recordLength + length > maxRecordSize) {
      throw new RecordTooLongException(
          "record of at least "
              + ((long) recordLength + length)
              + " bytes exceeds the maximum of "
              + maxRecordSize);
    }
    fragmentLeft = length;
  }

  private void readFragmentBytes() throws IOException {
    int buffered = bufLimit - bufPos;
    if (buffered > 0) {
      int n = Math.min(buffered, fragmentLeft);
      reserve(n);
      System.arraycopy(buf, bufPos, record, recordLength, n);
      bufPos += n;
      advance(n);
    } else if (fragmentLeft >= BUFFER_SIZE) {
      reserve(1);
      readIntoRecord();
    } else {
      fill();
    }
  }

  /**
   * Reads the fragment's bytes straight into the record, and, where the array has room beyond the
   * fragment, what follows it too (the next fragment's header, say), which then goes to the empty
   * buffer: a record in many fragments costs a read per fragment, not two.
   */
  private void readIntoRecord() throws IOException {
    int room = record.length - recordLength;
    int n = in.read(record, recordLength, (int) Math.min(room, (long) fragmentLeft + buf.length));
    if (n < 0) {
      throw truncated();
    }
    int beyond = n - fragmentLeft;
    if (beyond > 0) {
      System.arraycopy(record, recordLength + fragmentLeft, buf, 0, beyond);
      bufPos = 0;
      bufLimit = beyond;
      n = fragmentLeft;
    }
    advance(n);
  }

  private void advance(int n) {
    recordLength += n;
    fragmentLeft -= n;
  }

  /**
   * Makes room for at least {@code n} more bytes. The array grows to what has arrived (the bytes
   * read, and those the stream holds ready: {@link InputStream#available()}), or fourfold if that
   * is more (before the last fragment, with room for one more fragment of the current one's size,
   * at most the bytes read), whatever the fragments: the copies on the way add up to less than 4/3
   * of the record, and its array stays within five times the bytes that arrived (or 4 KiB). Once
   * the last fragment is known the array grows no further than the record's end, and straight to it
   * once a quarter of the record has arrived: a record of one fragment usually gets one array of
   * its size, and one of many fragments that arrived together is not copied on the way.
   *
   * <p>Arrays that would be made only to be copied into the next go to a lent {@link ScratchArrays}
   * array instead, once 64 KiB have arrived: before a quarter of a large record is there, and
   * before its last fragment. A record of a megabyte that arrives 128 KiB at a time (as a socket
   * stream hands it over) then costs one array of its size and a copy of its first quarter, not
   * three arrays and a copy of two thirds of it; a record that ends in the scratch array is copied
   * out into one of its size.
   */
  private void reserve(int n) throws IOException {
    long needed = (long) recordLength + n;
    int capacity = record == null ? 0 : record.length;
    if (capacity >= needed) {
      return;
    }
    long end = lastFragment ? (long) recordLength + fragmentLeft : maxRecordSize;
    // Before the last fragment, room for one more of this fragment's size beyond four times the
    // bytes read (and no more than those): a peer sending fragments of one size and a short last
    // one (libtirpc: 65,532 bytes) does not make a record of 1 MiB and 44 bytes be copied whole
    // once more for its last 44.
    long slack = lastFragment ? 0 : Math.min(header & RecordMarking.MAX_FRAGMENT, recordLength);
    long grown = Math.max(Math.max((long) recordLength * GROWTH + slack, BUFFER_SIZE), needed);
    long arrived = 0;
    if (grown < end) {
      // The stream is asked what it holds (a system call on a socket) only if what is already
      // here does not settle the size: a record's end within four times of it does.
      arrived = recordLength + Math.max(n, bufLimit - bufPos);
      if (!lastFragment || end > arrived * GROWTH) {
        arrived += in.available();
      }
      grown = Math.max(grown, lastFragment && end <= arrived * GROWTH ? end : arrived);
    }
    int size = (int) Math.min(grown, end);
    byte[] previous = record;
    // Not the record's own array: with the last fragment known, its end is more than four times
    // what arrived (the record's array can be made once a quarter is there); before it, the
    // record's size is unknown. Less than a scratch array has arrived, and needs it whole.
    if ((!lastFragment || size < end)
        && arrived < ScratchArrays.SIZE
        && arrived * GROWTH >= ScratchArrays.SIZE) {
      record = ScratchArrays.take();
      staged = true;
      if (previous != null) {
        System.arraycopy(previous, 0, record, 0, recordLength);
      }
      return;
    }
    record = previous == null ? new byte[size] : Arrays.copyOf(previous, size);
    if (staged) {
      staged = false;
      ScratchArrays.give(previous);
    }
  }

  private void fill() throws IOException {
    int n = in.read(buf, 0, buf.length);
    if (n < 0) {
      throw betweenRecords() ? new PeerClosedException() : truncated();
    }
    bufPos = 0;
    bufLimit = n;
  }

  private boolean betweenRecords() {
    return headerBytes == 0 && recordLength == 0 && fragmentLeft < 0 && lastFragment;
  }

  private CorruptRecordException truncated() {
    return new CorruptRecordException(
        "stream ended inside a record after " + (recordLength + headerBytes) + " bytes");
  }
}
