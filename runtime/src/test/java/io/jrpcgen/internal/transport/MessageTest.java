package io.jrpcgen.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A received message's XID: present from four bytes on, read big-endian. */
class MessageTest {
  @Test
  void aMessageShorterThanAWordHasNoXid() {
    assertThat(new Message(new byte[] {1, 2, 3, 4}, 3).hasXid()).isFalse();
    assertThat(new Message(new byte[0], 0).hasXid()).isFalse();
  }

  @Test
  void theFirstWordIsTheXid() {
    Message message = new Message(new byte[] {(byte) 0x8e, (byte) 0xdd, 0x10, 0x01, 7}, 4);

    assertThat(message.hasXid()).isTrue();
    assertThat(message.xid()).isEqualTo(0x8edd1001);
  }
}
