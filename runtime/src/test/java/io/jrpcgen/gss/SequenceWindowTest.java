package io.jrpcgen.gss;

import static io.jrpcgen.gss.SequenceWindow.Verdict.NEW;
import static io.jrpcgen.gss.SequenceWindow.Verdict.REPLAYED;
import static io.jrpcgen.gss.SequenceWindow.Verdict.TOO_OLD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The server's record of sequence numbers seen on a context (RFC 2203 §5.3.3.1). */
class SequenceWindowTest {

  @Test
  void numbersComeOnceAndOutOfOrderWithinTheWindow() {
    SequenceWindow w = new SequenceWindow(4);
    assertThat(w.size()).isEqualTo(4);
    assertThat(w.accept(0)).isEqualTo(NEW);
    assertThat(w.accept(0)).isEqualTo(REPLAYED);
    assertThat(w.accept(3)).isEqualTo(NEW);
    assertThat(w.accept(1)).isEqualTo(NEW);
    assertThat(w.accept(2)).isEqualTo(NEW);
    assertThat(w.accept(1)).isEqualTo(REPLAYED);
    assertThat(w.accept(3)).isEqualTo(REPLAYED);
  }

  @Test
  void numbersAsOldAsTheWindowOrOlderAreRefused() {
    SequenceWindow w = new SequenceWindow(4);
    assertThat(w.accept(10)).isEqualTo(NEW);
    assertThat(w.accept(7)).isEqualTo(NEW);
    assertThat(w.accept(6)).isEqualTo(TOO_OLD);
    assertThat(w.accept(0)).isEqualTo(TOO_OLD);
    assertThat(w.accept(7)).isEqualTo(REPLAYED);
  }

  @Test
  void slidingForgetsTheSlotsOfNumbersNeverSeen() {
    SequenceWindow w = new SequenceWindow(4);
    assertThat(w.accept(1)).isEqualTo(NEW);
    assertThat(w.accept(2)).isEqualTo(NEW);
    // 5 and 6 take the slots of 1 and 2: they are new, not replays of them.
    assertThat(w.accept(4)).isEqualTo(NEW);
    assertThat(w.accept(6)).isEqualTo(NEW);
    assertThat(w.accept(5)).isEqualTo(NEW);
    assertThat(w.accept(3)).isEqualTo(NEW);
    assertThat(w.accept(2)).isEqualTo(TOO_OLD);
    // A jump past the whole window clears every slot.
    assertThat(w.accept(100)).isEqualTo(NEW);
    for (int n = 97; n < 100; n++) {
      assertThat(w.accept(n)).isEqualTo(NEW);
    }
    assertThat(w.accept(96)).isEqualTo(TOO_OLD);
  }

  @Test
  void slidingKeepsTheSlotsOfNumbersSeenAlready() {
    SequenceWindow w = new SequenceWindow(8);
    assertThat(w.accept(5)).isEqualTo(NEW);
    assertThat(w.accept(6)).isEqualTo(NEW);
    // The slide from 6 to 9 clears the slots of 7 and 8 only.
    assertThat(w.accept(9)).isEqualTo(NEW);
    assertThat(w.accept(5)).isEqualTo(REPLAYED);
    assertThat(w.accept(6)).isEqualTo(REPLAYED);
    assertThat(w.accept(9)).isEqualTo(REPLAYED);
    assertThat(w.accept(8)).isEqualTo(NEW);
  }

  @Test
  void numbersUpToTheLargestAllowedWork() {
    SequenceWindow w = new SequenceWindow(8);
    assertThat(w.accept(0x7fff_fff0)).isEqualTo(NEW);
    assertThat(w.accept(0x7fff_ffff)).isEqualTo(NEW);
    assertThat(w.accept(0x7fff_fff8)).isEqualTo(NEW);
    assertThat(w.accept(0x7fff_fff7)).isEqualTo(TOO_OLD);
    assertThat(w.accept(0x7fff_fff8)).isEqualTo(REPLAYED);
  }

  @Test
  void aWindowHasRoom() {
    assertThatThrownBy(() -> new SequenceWindow(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("window size <= 0: 0");
  }
}
