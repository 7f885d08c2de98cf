package io.jrpcgen.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** {@link RecordReader#hasBufferedRecord()}: whether the next read would complete from memory. */
class RecordReaderBufferedRecordTest {
  // One record "aabbccdd" in one fragment.
  private static final String FIRST = "80000004aabbccdd";

  /** A reader that has read the first record of {@code hex} and buffered all the rest. */
  private static RecordReader afterFirst(String hex) throws IOException {
    RecordReader reader =
        new RecordReader(new ByteArrayInputStream(HexFormat.of().parseHex(hex)), 1 << 20);
    assertThat(reader.read().length()).isEqualTo(4);
    return reader;
  }

  @Test
  void nothingBuffered() throws IOException {
    assertThat(afterFirst(FIRST).hasBufferedRecord()).isFalse();
  }

  @Test
  void wholeRecordBuffered() throws IOException {
    assertThat(afterFirst(FIRST + "8000000011223344").hasBufferedRecord()).isTrue();
    assertThat(afterFirst(FIRST + "80000000").hasBufferedRecord()).isTrue();
  }

  @Test
  void wholeRecordOfSeveralFragmentsBuffered() throws IOException {
    assertThat(afterFirst(FIRST + "0000000211220000000080000001ff").hasBufferedRecord()).isTrue();
  }

  @Test
  void partOfARecordBuffered() throws IOException {
    assertThat(afterFirst(FIRST + "800000").hasBufferedRecord()).isFalse();
    assertThat(afterFirst(FIRST + "80000004aabb").hasBufferedRecord()).isFalse();
    assertThat(afterFirst(FIRST + "000000021122").hasBufferedRecord()).isFalse();
    assertThat(afterFirst(FIRST + "0000000211228000").hasBufferedRecord()).isFalse();
    assertThat(afterFirst(FIRST + "ffffffff00").hasBufferedRecord()).isFalse();
  }
}
