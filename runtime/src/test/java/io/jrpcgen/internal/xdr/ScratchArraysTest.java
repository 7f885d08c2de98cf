package io.jrpcgen.internal.xdr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The runtime's few shared scratch arrays: lent whole, kept when given back, a bounded number. */
class ScratchArraysTest {
  /** Takes every kept array, so that a test starts from an empty pool. */
  private static void drain() {
    Map<byte[], Boolean> seen = new IdentityHashMap<>();
    while (seen.put(ScratchArrays.take(), true) == null && seen.size() < 64) {
      // Taking from an empty pool makes a new array each time: a repeat means none is kept.
    }
  }

  @Test
  void anArrayGivenBackIsLentAgain() {
    drain();
    byte[] lent = ScratchArrays.take();
    assertThat(lent).hasSize(ScratchArrays.SIZE);
    ScratchArrays.give(lent);
    assertThat(ScratchArrays.take()).isSameAs(lent);
    assertThat(ScratchArrays.take()).as("only one was given back").isNotSameAs(lent);
  }

  @Test
  void onlyAFewArraysAreKept() {
    drain();
    List<byte[]> given = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      given.add(new byte[ScratchArrays.SIZE]);
    }
    given.forEach(ScratchArrays::give);
    Map<byte[], Boolean> kept = new IdentityHashMap<>();
    for (int i = 0; i < 16; i++) {
      byte[] taken = ScratchArrays.take();
      if (given.stream().anyMatch(g -> g == taken)) {
        kept.put(taken, true);
      }
    }
    assertThat(kept).hasSize(4);
  }

  @Test
  void anArrayOfAnotherSizeIsRefused() {
    assertThatThrownBy(() -> ScratchArrays.give(new byte[1024]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a scratch array: 1024 bytes");
  }
}
