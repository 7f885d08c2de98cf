package io.jrpcgen.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A received message's XID, present from four bytes on, and its type, from eight. */
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

  @Test
  void theSecondWordTellsACallFromAReply() {
    byte[] call = {0, 0, 0, 9, 0, 0, 0, 0};
    byte[] reply = {0, 0, 0, 9, 0, 0, 0, 1};
    byte[] other = {0, 0, 0, 9, 0, 0, 0, 2};

    assertThat(new Message(call, 8).isCall()).isTrue();
    assertThat(new Message(call, 8).isReply()).isFalse();
    assertThat(new Message(reply, 8).isReply()).isTrue();
    assertThat(new Message(reply, 8).isCall()).isFalse();
    assertThat(new Message(other, 8).isCall()).isFalse();
    assertThat(new Message(other, 8).isReply()).isFalse();
    // Seven bytes hold no whole msg_type, whatever lies beyond them.
    assertThat(new Message(call, 7).isCall()).isFalse();
    assertThat(new Message(reply, 7).isReply()).isFalse();
  }
}
