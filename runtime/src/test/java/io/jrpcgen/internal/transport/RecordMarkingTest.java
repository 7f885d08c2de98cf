package io.jrpcgen.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Record marking (RFC 5531 §11): exact framing on write, reassembly and failure modes on read. */
class RecordMarkingTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final int MIB = 1 << 20;

  private static byte[] bytes(String hex) {
    return HEX.parseHex(hex.replace(" ", ""));
  }

  /** A payload of {@code n} bytes (n a multiple of 4) that differs at every offset mod 251. */
  private static byte[] payload(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i % 251);
    }
    return b;
  }

  /** An encoder holding a begun record with {@code payload} in it. */
  private static XdrEncoder record(byte[] payload) {
    XdrEncoder out = new XdrEncoder(16);
    RecordMarking.begin(out);
    out.writeRaw(payload, 0, payload.length);
    return out;
  }

  private static String written(byte[] payload, int maxFragment) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RecordMarking.write(out, record(payload), maxFragment);
    return HEX.formatHex(out.toByteArray());
  }

  private static byte[] content(Message m) {
    return Arrays.copyOf(m.bytes(), m.length());
  }

  private static RecordReader reader(String hex, int maxRecordSize) {
    return new RecordReader(new ByteArrayInputStream(bytes(hex)), maxRecordSize);
  }

  /**
   * Serves its bytes at most {@code maxChunk} per read, throws SocketTimeoutException once at each
   * of the given offsets, and notes the largest array it was asked to fill.
   */
  private static final class ScriptedStream extends InputStream {
    private final byte[] data;
    private final int maxChunk;
    private final TreeSet<Integer> timeouts = new TreeSet<>();
    private int pos;
    int largestArray;
    int timeoutsThrown;

    ScriptedStream(byte[] data, int maxChunk, Integer... timeoutsAt) {
      this.data = data;
      this.maxChunk = maxChunk;
      timeouts.addAll(List.of(timeoutsAt));
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      largestArray = Math.max(largestArray, b.length);
      if (len == 0) {
        return 0;
      }
      if (timeouts.remove(pos)) {
        timeoutsThrown++;
        throw new SocketTimeoutException("Read timed out");
      }
      if (pos == data.length) {
        return -1;
      }
      int n = Math.min(Math.min(len, maxChunk), data.length - pos);
      Integer nextTimeout = timeouts.higher(pos);
      if (nextTimeout != null) {
        n = Math.min(n, nextTimeout - pos);
      }
      System.arraycopy(data, pos, b, off, n);
      pos += n;
      return n;
    }
  }

  // --- Writing -----------------------------------------------------------------------------

  @Test
  void singleFragmentHasTheLastBitAndTheLength() throws IOException {
    assertThat(written(bytes("cafebabe 00000001"), RecordMarking.MAX_FRAGMENT))
        .isEqualTo("80000008" + "cafebabe00000001");
  }

  @Test
  void singleFragmentWritesOnlyTheEncodedBytesNotTheWholeBuffer() throws IOException {
    XdrEncoder record = new XdrEncoder(1024);
    RecordMarking.begin(record);
    record.writeInt(7);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RecordMarking.write(out, record, RecordMarking.MAX_FRAGMENT);
    assertThat(HEX.formatHex(out.toByteArray())).isEqualTo("80000004" + "00000007");
  }

  @Test
  void emptyRecordIsALoneLastHeader() throws IOException {
    assertThat(written(new byte[0], 16)).isEqualTo("80000000");
  }

  @Test
  void beginDiscardsWhatTheEncoderHeld() throws IOException {
    XdrEncoder record = new XdrEncoder();
    record.writeInt(-1);
    RecordMarking.begin(record);
    record.writeInt(2);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RecordMarking.write(out, record, 64);
    assertThat(HEX.formatHex(out.toByteArray())).isEqualTo("80000004" + "00000002");
  }

  @Test
  void recordOverMaxFragmentIsSplitWithOnlyTheLastMarked() throws IOException {
    byte[] payload = payload(40);
    String p = HEX.formatHex(payload);
    assertThat(written(payload, 16))
        .isEqualTo(
            "00000010"
                + p.substring(0, 32)
                + "00000010"
                + p.substring(32, 64)
                + "80000008"
                + p.substring(64));
  }

  @Test
  void recordOfWholeFragmentsHasNoEmptyTrailer() throws IOException {
    byte[] payload = payload(32);
    String p = HEX.formatHex(payload);
    assertThat(written(payload, 16))
        .isEqualTo("00000010" + p.substring(0, 32) + "80000010" + p.substring(32));
  }

  @Test
  void fragmentsNeedNotBeWordAligned() throws IOException {
    assertThat(written(bytes("00010203 04050607"), 3))
        .isEqualTo("00000003 000102 00000003 030405 80000002 0607".replace(" ", ""));
  }

  @Test
  void recordOfExactlyMaxFragmentIsOneFragment() throws IOException {
    byte[] payload = payload(16);
    assertThat(written(payload, 16)).isEqualTo("80000010" + HEX.formatHex(payload));
    XdrEncoder record = record(payload);
    assertThat(RecordMarking.frame(record, 16)).as("sent as it is").isSameAs(record);
  }

  @Test
  void fragmentsAreCopiedOnceIntoAnArrayOfTheirSize() {
    XdrEncoder framed = RecordMarking.frame(record(payload(1000)), 7);
    int size = 1000 + 143 * RecordMarking.HEADER_SIZE;
    assertThat(framed.position()).isEqualTo(size);
    // Room for the last fragment's padding, which is written and then dropped; no regrowth.
    assertThat(framed.capacity()).isEqualTo(size + 3);
  }

  /** A begun record holding a large opaque by reference between two ints. */
  private static XdrEncoder recordWithReference(byte[] large) {
    XdrEncoder out = new XdrEncoder(16);
    RecordMarking.begin(out);
    out.writeInt(1);
    out.writeFixedOpaque(Opaque.copyOf(large), large.length);
    out.writeInt(2);
    return out;
  }

  @ParameterizedTest
  @ValueSource(ints = {5, 4096, RecordMarking.MAX_FRAGMENT})
  void recordHoldingALargeOpaqueIsFramedAsItsContiguousCopy(int maxFragment) throws IOException {
    byte[] large = payload(XdrEncoder.REFERENCE_THRESHOLD + 8);
    XdrEncoder record = recordWithReference(large);
    assertThat(record.isContiguous()).isFalse();
    byte[] contiguous =
        Arrays.copyOfRange(recordWithReference(large).toByteArray(), 4, record.position());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RecordMarking.write(out, record, maxFragment);
    assertThat(out.toByteArray()).isEqualTo(bytes(written(contiguous, maxFragment)));
  }

  @Test
  void recordOfOneFragmentIsSentFromTheEncoderItself() {
    XdrEncoder record = recordWithReference(payload(XdrEncoder.REFERENCE_THRESHOLD));
    assertThat(RecordMarking.frame(record, RecordMarking.MAX_FRAGMENT)).isSameAs(record);
    assertThat(record.isContiguous()).as("the opaque is still not copied").isFalse();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
  void maxFragmentMustBePositive(int maxFragment) {
    assertThatThrownBy(() -> RecordMarking.frame(record(payload(4)), maxFragment))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxFragment <= 0: " + maxFragment);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 4, 7, 64, 99, 100, RecordMarking.MAX_FRAGMENT})
  void framedRecordReadsBackWhole(int maxFragment) throws IOException {
    byte[] payload = payload(100);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RecordMarking.write(out, record(payload), maxFragment);
    RecordMarking.write(out, record(payload(8)), maxFragment);

    RecordReader reader = new RecordReader(new ByteArrayInputStream(out.toByteArray()), 100);
    assertThat(content(reader.read())).isEqualTo(payload);
    assertThat(content(reader.read())).isEqualTo(payload(8));
    assertThatThrownBy(reader::read).isInstanceOf(PeerClosedException.class);
  }

  // --- Reading -----------------------------------------------------------------------------

  @Test
  void reassemblesHandWrittenFragmentsIncludingAnEmptyOne() throws IOException {
    RecordReader reader = reader("00000003 010203  00000000  80000002 0405  80000001 ff", 64);
    assertThat(content(reader.read())).isEqualTo(bytes("0102030405"));
    assertThat(content(reader.read())).isEqualTo(bytes("ff"));
    assertThatThrownBy(reader::read).isInstanceOf(PeerClosedException.class);
  }

  @Test
  void zeroLengthRecordsAreRecords() throws IOException {
    RecordReader reader = reader("80000000 00000000 80000000 80000004 01020304", 64);
    assertThat(reader.read().length()).isZero();
    assertThat(reader.read().length()).isZero();
    assertThat(content(reader.read())).isEqualTo(bytes("01020304"));
  }

  @Test
  void messageDecoderCoversExactlyTheRecord() throws IOException {
    Message m = reader("80000008 0000002a 00000001 80000004 ffffffff", 64).read();
    XdrDecoder in = m.decoder();
    assertThat(in.readInt()).isEqualTo(42);
    assertThat(in.readInt()).isEqualTo(1);
    in.requireEnd();
  }

  @Test
  void headerOfMaxFragmentOverTheMaximumIsTooLong() {
    assertThatThrownBy(() -> reader("7fffffff", MIB).read())
        .isInstanceOf(RecordTooLongException.class)
        .hasMessage("record of at least 2147483647 bytes exceeds the maximum of 1048576");
  }

  @Test
  void lastHeaderOfMaxFragmentOverTheMaximumIsTooLong() {
    assertThatThrownBy(() -> reader("ffffffff", MIB).read())
        .isInstanceOf(RecordTooLongException.class)
        .hasMessage("record of at least 2147483647 bytes exceeds the maximum of 1048576");
  }

  @Test
  void fragmentsAddingUpOverTheMaximumAreTooLong() {
    // Each fragment fits on its own; their sum does not.
    assertThatThrownBy(() -> reader("00000005 0102030405 80000004 06070809", 8).read())
        .isInstanceOf(RecordTooLongException.class)
        .hasMessage("record of at least 9 bytes exceeds the maximum of 8");
  }

  @Test
  void fragmentsAddingUpToExactlyTheMaximumAreFine() throws IOException {
    Message m = reader("00000004 01020304 80000004 05060708", 8).read();
    assertThat(content(m)).isEqualTo(bytes("0102030405060708"));
  }

  @Test
  void shortRecordUnderALargeClaimIsCorruptWithoutAllocatingTheClaim() {
    // Claims 1 MiB (allowed), sends 10 bytes, then EOF.
    ScriptedStream in =
        new ScriptedStream(bytes("80100000 00010203040506070809"), Integer.MAX_VALUE);
    RecordReader reader = new RecordReader(in, MIB);
    assertThatThrownBy(reader::read)
        .isInstanceOf(CorruptRecordException.class)
        .hasMessage("stream ended inside a record after 10 bytes");
    // The reader reads large fragments straight into its record array: had it allocated the
    // claimed size up front, a 1 MiB array would have been offered to read().
    assertThat(in.largestArray).isLessThan(MIB);
  }

  @Test
  void eofBeforeAnyRecordIsAnOrderlyClose() {
    assertThatThrownBy(() -> reader("", 64).read())
        .isInstanceOf(PeerClosedException.class)
        .hasMessage("connection closed by peer");
  }

  @Test
  void eofAfterAWholeRecordIsAnOrderlyClose() throws IOException {
    RecordReader reader = reader("80000004 01020304", 64);
    reader.read();
    assertThatThrownBy(reader::read).isInstanceOf(PeerClosedException.class);
  }

  @Test
  void eofInsideAHeaderIsCorrupt() {
    assertThatThrownBy(() -> reader("8000", 64).read())
        .isInstanceOf(CorruptRecordException.class)
        .hasMessage("stream ended inside a record after 2 bytes");
  }

  @Test
  void eofInsideAFragmentIsCorrupt() {
    assertThatThrownBy(() -> reader("80000008 010203", 64).read())
        .isInstanceOf(CorruptRecordException.class)
        .hasMessage("stream ended inside a record after 3 bytes");
  }

  @Test
  void eofAfterANonLastFragmentIsCorrupt() {
    assertThatThrownBy(() -> reader("00000002 0102", 64).read())
        .isInstanceOf(CorruptRecordException.class);
  }

  @Test
  void eofAfterAnEmptyNonLastFragmentIsCorrupt() {
    // A header said more fragments follow: the record was begun, so this is not a clean close.
    assertThatThrownBy(() -> reader("00000000", 64).read())
        .isInstanceOf(CorruptRecordException.class);
  }

  @Test
  void maxRecordSizeMustBePositive() {
    assertThatThrownBy(() -> new RecordReader(InputStream.nullInputStream(), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxRecordSize <= 0: 0");
  }

  @Test
  void bufferedBytesOfTheNextRecordAreReported() throws IOException {
    RecordReader reader = reader("80000004 01020304 80000004 05060708", 64);
    reader.read();
    assertThat(reader.hasBufferedBytes()).isTrue();
    reader.read();
    assertThat(reader.hasBufferedBytes()).isFalse();
  }

  // --- Awkward streams ---------------------------------------------------------------------

  /** Two records, one of them far larger than the reader's buffer, both split in fragments. */
  private static final byte[] SMALL = payload(12);

  private static final byte[] LARGE = payload(200_000);
  private static final byte[] STREAM = streamOf(3, SMALL, 70_000, LARGE);

  private static byte[] streamOf(int smallFragment, byte[] small, int largeFragment, byte[] large) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      RecordMarking.write(out, record(small), smallFragment);
      RecordMarking.write(out, record(large), largeFragment);
      RecordMarking.write(out, record(new byte[0]), 1);
      return out.toByteArray();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static void assertReadsTheStream(RecordReader reader) throws IOException {
    assertThat(content(reader.read())).isEqualTo(SMALL);
    assertThat(content(reader.read())).isEqualTo(LARGE);
    assertThat(reader.read().length()).isZero();
    assertThatThrownBy(reader::read).isInstanceOf(PeerClosedException.class);
  }

  @ParameterizedTest(name = "at most {0} bytes per read")
  @ValueSource(ints = {1, 2, 3, 5, 4096, 65_536, Integer.MAX_VALUE})
  void reassemblesWhateverTheReadSizes(int maxChunk) throws IOException {
    assertReadsTheStream(new RecordReader(new ScriptedStream(STREAM, maxChunk), 256 * 1024));
  }

  static IntStream offsetsInTheSmallRecord() {
    // Four fragments of 3 bytes, each with its header: 28 bytes.
    return IntStream.range(0, 4 * (4 + 3));
  }

  @ParameterizedTest(name = "timeout at offset {0}")
  @MethodSource("offsetsInTheSmallRecord")
  void timeoutAnywhereInARecordResumesOnTheNextRead(int offset) throws IOException {
    ScriptedStream in = new ScriptedStream(STREAM, 1, offset);
    RecordReader reader = new RecordReader(in, 256 * 1024);
    assertThatThrownBy(reader::read).isInstanceOf(SocketTimeoutException.class);
    assertReadsTheStream(reader);
    assertThat(in.timeoutsThrown).isEqualTo(1);
  }

  @Test
  void aRecordReadInPartTellsItsFirstWordOnceThatArrived() throws IOException {
    // Timeouts inside the header, after 3 bytes of the record, and after 4.
    ScriptedStream in =
        new ScriptedStream(bytes("80000008 0000002a 01020304"), Integer.MAX_VALUE, 2, 7, 8);
    RecordReader reader = new RecordReader(in, 64);
    assertThat(reader.inRecord()).isFalse();
    assertThatThrownBy(reader::read).isInstanceOf(SocketTimeoutException.class);
    assertThat(reader.inRecord()).isTrue();
    assertThat(reader.partialXid()).isEmpty();
    assertThatThrownBy(reader::read).isInstanceOf(SocketTimeoutException.class);
    assertThat(reader.partialXid()).isEmpty();
    assertThatThrownBy(reader::read).isInstanceOf(SocketTimeoutException.class);
    assertThat(reader.partialXid()).hasValue(42);
    assertThat(content(reader.read())).isEqualTo(bytes("0000002a 01020304"));
    assertThat(reader.inRecord()).isFalse();
  }

  @Test
  void timeoutsInsideALargeFragmentResume() throws IOException {
    // The large record starts at byte 28; its fragments' headers are at 28, 70032 and 140036.
    Integer[] offsets = {28, 31, 32, 1000, 70_032, 70_034, 70_036, 150_000, 200_039};
    ScriptedStream in = new ScriptedStream(STREAM, Integer.MAX_VALUE, offsets);
    RecordReader reader = new RecordReader(in, 256 * 1024);

    assertThat(content(reader.read())).isEqualTo(SMALL);
    byte[] large = null;
    int timeouts = 0;
    while (large == null) {
      try {
        large = content(reader.read());
      } catch (SocketTimeoutException expected) {
        timeouts++;
      }
    }
    assertThat(timeouts).isEqualTo(offsets.length);
    assertThat(large).isEqualTo(LARGE);
    assertThat(reader.read().length()).isZero();
  }
}
