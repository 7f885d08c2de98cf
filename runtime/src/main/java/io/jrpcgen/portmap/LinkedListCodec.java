package io.jrpcgen.portmap;

import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The codec of an XDR linked list ({@code struct node { T value; node *next; }} reached through a
 * {@code node *}): on the wire, {@code TRUE value TRUE value ... FALSE}. Encoded and decoded in a
 * loop, never recursively, so a long list cannot overflow the stack; each element costs at least
 * its own bytes plus a 4-byte flag of the input, so the bytes left bound the list's length.
 */
final class LinkedListCodec<T> implements XdrCodec<List<T>> {
  private final XdrCodec<T> element;

  private LinkedListCodec(XdrCodec<T> element) {
    this.element = element;
  }

  static <T> XdrCodec<List<T>> of(XdrCodec<T> element) {
    return new LinkedListCodec<>(element);
  }

  @Override
  public void encode(XdrEncoder out, List<T> values) {
    for (T value : values) {
      out.writeBoolean(true);
      element.encode(out, value);
    }
    out.writeBoolean(false);
  }

  @Override
  public List<T> decode(XdrDecoder in) {
    List<T> values = new ArrayList<>();
    while (in.readBoolean()) {
      values.add(element.decode(in));
    }
    return Collections.unmodifiableList(values);
  }
}
