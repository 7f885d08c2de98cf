package io.jrpcgen.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.internal.transport.CorruptRecordException;
import io.jrpcgen.internal.transport.Message;
import io.jrpcgen.internal.transport.RecordMarking;
import io.jrpcgen.internal.transport.RecordReader;
import io.jrpcgen.internal.xdr.Bytes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a {@link RecordReader} costs in heap: little while idle, and, however a record is
 * fragmented, allocation linear in the bytes that arrive.
 */
class RecordReaderMemoryTest {
  private static final int KIB = 1024;

  /** Bytes allocated so far by the current thread (HotSpot's per-thread counter). */
  static final LongSupplier ALLOCATED = allocatedBytesCounter();

  private static LongSupplier allocatedBytesCounter() {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    threads.setThreadAllocatedMemoryEnabled(true);
    return () -> threads.getThreadAllocatedBytes(Thread.currentThread().getId());
  }

  /** {@code payload} marked as fragments of {@code fragment} bytes each. */
  private static byte[] fragmented(byte[] payload, int fragment) {
    int fragments = (payload.length + fragment - 1) / fragment;
    byte[] wire = new byte[payload.length + fragments * RecordMarking.HEADER_SIZE];
    int dst = 0;
    for (int src = 0; src < payload.length; src += fragment) {
      int n = Math.min(fragment, payload.length - src);
      boolean last = src + n == payload.length;
      Bytes.putInt(wire, dst, (last ? RecordMarking.LAST_FRAGMENT : 0) | n);
      System.arraycopy(payload, src, wire, dst + RecordMarking.HEADER_SIZE, n);
      dst += RecordMarking.HEADER_SIZE + n;
    }
    return wire;
  }

  private static byte[] payload(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + 7);
    }
    return b;
  }

  @Test
  void aNewReaderTakesNoReadBufferUpFront() {
    InputStream in = InputStream.nullInputStream();
    // The first reader also pays for loading the class.
    assertThat(new RecordReader(in, 1 << 20)).isNotNull();
    long unused = ALLOCATED.getAsLong(); // so does the counter's first reading
    long before = ALLOCATED.getAsLong();
    RecordReader reader = new RecordReader(in, 1 << 20);
    long allocated = ALLOCATED.getAsLong() - before;
    assertThat(reader).isNotNull();
    // An idle connection's reader: a buffer for headers and short records, not a 64 KiB one.
    assertThat(allocated).isLessThanOrEqualTo(5 * KIB);
  }

  @Test
  void readingASmallRecordAfterALargeOneTakesNoLargeBuffer() throws IOException {
    byte[] large = payload(1 << 20);
    byte[] small = payload(100);
    byte[] first = fragmented(large, large.length);
    byte[] second = fragmented(small, small.length);
    RecordReader reader = new RecordReader(new TwoPartStream(first, second), 2 << 20);
    assertThat(reader.read().length()).isEqualTo(large.length);

    long before = ALLOCATED.getAsLong();
    Message message = reader.read();
    long allocated = ALLOCATED.getAsLong() - before;
    assertThat(Arrays.copyOf(message.bytes(), message.length())).isEqualTo(small);
    assertThat(allocated).isLessThanOrEqualTo(2 * KIB);
  }

  @Test
  void aRecordInManyTinyFragmentsIsReassembledInLinearAllocation() throws IOException {
    // 40,000 fragments of 4 bytes: growing only to each fragment's end copies the record
    // once per fragment (gigabytes); linear reassembly allocates a small multiple of it.
    byte[] record = payload(160_000);
    byte[] wire = fragmented(record, 4);
    RecordReader reader = new RecordReader(new ByteArrayInputStream(wire), 1 << 20);

    long before = ALLOCATED.getAsLong();
    Message message = reader.read();
    long allocated = ALLOCATED.getAsLong() - before;
    assertThat(Arrays.copyOf(message.bytes(), message.length())).isEqualTo(record);
    assertThat(allocated).isLessThanOrEqualTo(8L * record.length);
  }

  @Test
  void aRecordInFragmentsArrivingOneAtATimeIsReassembledInLinearAllocation() throws IOException {
    // Fragments of 1000 bytes, each delivered by its own read, so that no read buffer
    // ever holds more than one fragment.
    byte[] record = payload(400_000);
    byte[] wire = fragmented(record, 1000);
    RecordReader reader = new RecordReader(new ChunkedStream(wire, 1004), 1 << 20);

    long before = ALLOCATED.getAsLong();
    Message message = reader.read();
    long allocated = ALLOCATED.getAsLong() - before;
    assertThat(Arrays.copyOf(message.bytes(), message.length())).isEqualTo(record);
    assertThat(allocated).isLessThanOrEqualTo(8L * record.length);
  }

  @Test
  void aRecordOfOneFragmentThatHasArrivedIsReadIntoOneArrayOfItsSize() throws IOException {
    // A 1 MiB reply from a jrpcgen peer, all of it in the socket: growing from 1 KiB by fours
    // would allocate a third more than the record and copy a third of it.
    byte[] record = payload((1 << 20) + 28);
    RecordReader reader =
        new RecordReader(new ChunkedStream(fragmented(record, record.length), 64 * KIB), 2 << 20);
    assertReadIntoOneArrayOfItsSize(reader, record);
  }

  @Test
  void aRecordInManyFragmentsThatHaveArrivedIsNotCopiedOnTheWay() throws IOException {
    // libtirpc sends a record in fragments of 65,532 bytes: 1 MiB and a little more is 16 of
    // them and a short one, which must not make the reader copy the first 16 once more.
    byte[] record = payload((1 << 20) + 44);
    RecordReader reader =
        new RecordReader(new ChunkedStream(fragmented(record, 65_532), 64 * KIB), 2 << 20);

    long before = ALLOCATED.getAsLong();
    Message message = reader.read();
    long allocated = ALLOCATED.getAsLong() - before;
    assertThat(Arrays.copyOf(message.bytes(), message.length())).isEqualTo(record);
    assertThat(allocated).isLessThanOrEqualTo(record.length + 4L * KIB);
  }

  /** A socket's stream that has received all of its bytes: counts reads and looks. */
  private static final class ReceivedStream extends ByteArrayInputStream {
    int reads;
    int looks;

    ReceivedStream(byte[] data) {
      super(data);
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) {
      reads++;
      return super.read(b, off, len);
    }

    @Override
    public synchronized int available() {
      looks++;
      return super.available();
    }
  }

  @ParameterizedTest
  // A 1 KiB echo's call; the largest record whose mark and bytes fill 4 KiB.
  @ValueSource(ints = {1_064, 4 * 1024 - RecordMarking.HEADER_SIZE})
  void aShortRecordThatHasArrivedCostsOneReadAndNoLookAtTheStream(int length) throws IOException {
    // On a socket, a read and a look (FIONREAD) are system calls each: libtirpc reads a record of
    // a few KiB with one, and a round trip of 1 KiB messages paid four more of them.
    byte[] record = payload(length);
    ReceivedStream in = new ReceivedStream(fragmented(record, record.length));
    Message message = new RecordReader(in, 1 << 20).read();
    assertThat(Arrays.copyOf(message.bytes(), message.length())).isEqualTo(record);
    assertThat(message.bytes()).hasSize(length);
    assertThat(in.reads).isEqualTo(1);
    assertThat(in.looks).isZero();
  }

  @Test
  void aRecordOfAFewKiBThatHasArrivedIsSizedWithoutALookAtTheStream() throws IOException {
    // The first read brings in a quarter of it or more: enough to make its array of its size.
    byte[] record = payload(4 * (4 * 1024 - RecordMarking.HEADER_SIZE));
    ReceivedStream in = new ReceivedStream(fragmented(record, record.length));
    Message message = new RecordReader(in, 1 << 20).read();
    assertThat(Arrays.copyOf(message.bytes(), message.length())).isEqualTo(record);
    assertThat(message.bytes()).hasSize(record.length);
    assertThat(in.reads).isEqualTo(2);
    assertThat(in.looks).isZero();
  }

  @Test
  void aRecordInManyFragmentsCostsAboutOneReadPerFragment() throws IOException {
    // Reading each fragment's header apart from its bytes would double the system calls.
    byte[] record = payload((1 << 20) + 44);
    byte[] small = payload(100);
    ChunkedStream in =
        new ChunkedStream(
            concat(fragmented(record, 65_532), fragmented(small, small.length)), 64 * KIB);
    RecordReader reader = new RecordReader(in, 2 << 20);

    Message message = reader.read();
    assertThat(Arrays.copyOf(message.bytes(), message.length())).isEqualTo(record);
    assertThat(in.reads).isLessThanOrEqualTo(17 + 3);
    // What was read beyond the record is the next one's.
    assertThat(reader.hasBufferedRecord()).isTrue();
    Message next = reader.read();
    assertThat(Arrays.copyOf(next.bytes(), next.length())).isEqualTo(small);
  }

  @Test
  void aRecordOfOneFragmentGetsAnArrayOfItsSizeOnceAQuarterOfItHasArrived() throws IOException {
    // A third of the record is there when its header is read, the rest comes later: sized by
    // what arrived, the array would be copied into a larger one once the rest is there.
    byte[] record = payload(1 << 20);
    byte[] wire = fragmented(record, record.length);
    RecordReader reader =
        new RecordReader(new ChunkedStream(wire, 64 * KIB, wire.length / 3), 2 << 20);

    long before = ALLOCATED.getAsLong();
    Message message = reader.read();
    long allocated = ALLOCATED.getAsLong() - before;
    assertThat(Arrays.copyOf(message.bytes(), message.length())).isEqualTo(record);
    assertThat(allocated).isLessThanOrEqualTo(record.length + 4L * KIB);
  }

  @Test
  void aLargeRecordArrivingInSocketSizedPartsGetsOneArrayOfItsSize() throws IOException {
    // A 1 MiB echo from a jrpcgen peer as a socket hands it over: the bytes before the opaque
    // alone, then 128 KiB per read, each part arriving once the one before has been read. Arrays
    // sized by what arrived (1 KiB, 128 KiB, 512 KiB, then the record's) would cost 60 % more
    // than the record and copies of two thirds of it.
    byte[] record = payload((1 << 20) + 28);
    byte[] wire = fragmented(record, record.length);
    // The first record also fills the pool of scratch arrays.
    new RecordReader(new ArrivingStream(wire, 32, 128 * KIB), 2 << 20).read();
    RecordReader reader = new RecordReader(new ArrivingStream(wire, 32, 128 * KIB), 2 << 20);
    assertReadIntoOneArrayOfItsSize(reader, record);
  }

  @Test
  void aRecordInLibtirpcFragmentsArrivingOneByOneIsNotCopiedWholeForItsLastBytes()
      throws IOException {
    // 1 MiB and 44 bytes from libtirpc: 16 fragments of 65,532 bytes and a short one, each
    // arriving once the one before was read. Growing fourfold from 256 KiB gives exactly 1 MiB,
    // 44 bytes short: a second array of the record's size and a copy of all of it.
    byte[] record = payload((1 << 20) + 44);
    byte[] wire = fragmented(record, 65_532);
    RecordReader reader = new RecordReader(new ArrivingStream(wire, 64 * KIB, 64 * KIB), 65 << 20);
    long before = ALLOCATED.getAsLong();
    Message message = reader.read();
    long allocated = ALLOCATED.getAsLong() - before;
    assertThat(Arrays.copyOf(message.bytes(), message.length())).isEqualTo(record);
    assertThat(allocated).isLessThanOrEqualTo(3L * record.length / 2);
  }

  @Test
  void aRecordsArrayStaysItsOwnWhateverTheReaderReadsNext() throws IOException {
    // Decoded values view the record's array: neither a record in many fragments nor a large
    // one read in part into a scratch array may end up in an array that is lent again.
    byte[] first = payload(200 * KIB);
    byte[] second = payload((1 << 20) + 28);
    byte[] third = payload(300 * KIB);
    byte[] wire =
        concat(
            concat(fragmented(first, 50 * KIB), fragmented(second, second.length)),
            fragmented(third, 100 * KIB));
    RecordReader reader = new RecordReader(new ArrivingStream(wire, 32, 64 * KIB), 2 << 20);
    Message one = reader.read();
    Message two = reader.read();
    Message three = reader.read();
    RecordReader other =
        new RecordReader(
            new ArrivingStream(fragmented(payload(1 << 20), 1 << 20), 32, 64 * KIB), 2 << 20);
    for (int i = 0; i < 3; i++) {
      // Overwrites whatever scratch arrays it is lent.
      assertThat(other.read().length()).isEqualTo(1 << 20);
      other =
          new RecordReader(
              new ArrivingStream(fragmented(new byte[1 << 20], 1 << 20), 32, 64 * KIB), 2 << 20);
    }
    assertThat(Arrays.copyOf(one.bytes(), one.length())).isEqualTo(first);
    assertThat(Arrays.copyOf(two.bytes(), two.length())).isEqualTo(second);
    assertThat(Arrays.copyOf(three.bytes(), three.length())).isEqualTo(third);
  }

  @Test
  void aRecordStalledBeforeAQuarterOfItHoldsAtMostFourTimesWhatArrived() throws IOException {
    // 100 KiB of a 1 MiB record, then the end: a scratch array of 256 KiB is within four times
    // that, and the next record of the stream's reader starts afresh.
    byte[] record = payload(1 << 20);
    byte[] wire = Arrays.copyOf(fragmented(record, record.length), 100 * KIB);
    RecordReader reader = new RecordReader(new ArrivingStream(wire, 32, 128 * KIB), 2 << 20);
    long before = ALLOCATED.getAsLong();
    try {
      reader.read();
      throw new AssertionError("a record was read from a stream that ends inside it");
    } catch (CorruptRecordException e) {
      assertThat(ALLOCATED.getAsLong() - before).isLessThanOrEqualTo(4L * wire.length + 16L * KIB);
    }
  }

  @Test
  void aRecordArrivingInPartsGrowsOnlyWithWhatHasArrived() throws IOException {
    // The header claims 1 MiB in one fragment, but only 64 KiB are there and then the stream
    // stalls: the reader must not have sized its array by the claim.
    byte[] record = payload(1 << 20);
    byte[] wire = Arrays.copyOf(fragmented(record, record.length), 64 * KIB);
    // Once before measuring: the first failure's message links string concatenation.
    assertThat(truncatedReadAllocates(Arrays.copyOf(wire, 8))).isPositive();

    long allocated = truncatedReadAllocates(wire);
    // Arrays of what arrived and of four times that at most (a reader in wait of more).
    assertThat(allocated).isLessThanOrEqualTo(5L * wire.length + 16L * KIB);
  }

  /** Reads {@code record} with {@code reader}, allocating little more than one array of it. */
  private static void assertReadIntoOneArrayOfItsSize(RecordReader reader, byte[] record)
      throws IOException {
    long before = ALLOCATED.getAsLong();
    Message message = reader.read();
    long allocated = ALLOCATED.getAsLong() - before;
    assertThat(Arrays.copyOf(message.bytes(), message.length())).isEqualTo(record);
    assertThat(message.bytes()).hasSize(record.length);
    assertThat(allocated).isLessThanOrEqualTo(record.length + 4L * KIB);
  }

  /** What reading a record from {@code wire}, which ends inside it, allocates. */
  private static long truncatedReadAllocates(byte[] wire) {
    RecordReader reader = new RecordReader(new ChunkedStream(wire, 64 * KIB), 2 << 20);
    long before = ALLOCATED.getAsLong();
    try {
      reader.read();
    } catch (IOException e) {
      long allocated = ALLOCATED.getAsLong() - before;
      assertThat(e).isInstanceOf(CorruptRecordException.class);
      return allocated;
    }
    throw new AssertionError("a record was read from a stream that ends inside it");
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  /**
   * Serves at most {@code chunk} bytes per read, as a socket hands out what arrived. Its first
   * {@code firstPart} bytes have arrived ({@link #available}) from the start, the rest once those
   * are read. Counts the reads.
   */
  private static class ChunkedStream extends InputStream {
    private final byte[] data;
    private final int chunk;
    private final int firstPart;
    private int pos;
    int reads;

    ChunkedStream(byte[] data, int chunk) {
      this(data, chunk, data.length);
    }

    ChunkedStream(byte[] data, int chunk, int firstPart) {
      this.data = data;
      this.chunk = chunk;
      this.firstPart = firstPart;
    }

    final int position() {
      return pos;
    }

    final int length() {
      return data.length;
    }

    @Override
    public int read() {
      return pos < data.length ? data[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos == data.length) {
        return -1;
      }
      reads++;
      int n = Math.min(Math.min(len, chunk), available());
      System.arraycopy(data, pos, b, off, n);
      pos += n;
      return n;
    }

    @Override
    public int available() {
      return (pos < firstPart ? firstPart : data.length) - pos;
    }
  }

  /**
   * Hands {@code data} out as a socket receives it from a sender writing {@code first} bytes and
   * then parts of {@code part} bytes: a part has arrived ({@link #available}) once the one before
   * it has been read whole.
   */
  private static final class ArrivingStream extends ChunkedStream {
    private final int first;
    private final int part;

    ArrivingStream(byte[] data, int first, int part) {
      super(data, Integer.MAX_VALUE);
      this.first = first;
      this.part = part;
    }

    @Override
    public int available() {
      int pos = position();
      int arrived = pos < first ? first : first + ((pos - first) / part + 1) * part;
      return Math.min(arrived, length()) - pos;
    }
  }

  /** Serves {@code first} and then, by a separate read, {@code second}. */
  private static final class TwoPartStream extends InputStream {
    private final ByteArrayInputStream first;
    private final ByteArrayInputStream second;

    TwoPartStream(byte[] first, byte[] second) {
      this.first = new ByteArrayInputStream(first);
      this.second = new ByteArrayInputStream(second);
    }

    @Override
    public int read() {
      int b = first.read();
      return b >= 0 ? b : second.read();
    }

    @Override
    public int read(byte[] b, int off, int len) {
      int n = first.read(b, off, len);
      return n >= 0 ? n : second.read(b, off, len);
    }
  }
}
