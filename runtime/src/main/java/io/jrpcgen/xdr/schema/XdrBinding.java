package io.jrpcgen.xdr.schema;

import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import java.util.Objects;

/**
 * A generated Java type together with its {@code .x} shape: its values to and from the JSON form of
 * {@link XdrJson}, and random values from {@link XdrRandom}. Generated {@code *Schema} classes hold
 * one per type.
 *
 * @param <T> the Java type
 * @param schema the schema the type is defined in
 * @param type the type's {@code .x} name
 * @param codec the type's codec
 */
public record XdrBinding<T>(XdrSchema schema, String type, XdrCodec<T> codec) {
  public XdrBinding {
    Objects.requireNonNull(codec, "codec");
    schema.shape(type); // fails now, not at first use, if the schema has no such type
  }

  /** The XDR encoding of {@code value}. */
  public byte[] encode(T value) {
    XdrEncoder out = new XdrEncoder();
    codec.encode(out, value);
    return out.toByteArray();
  }

  /** The value {@code xdr} encodes, with no bytes left over. */
  public T decode(byte[] xdr) {
    XdrDecoder in = new XdrDecoder(xdr);
    T value = codec.decode(in);
    in.requireEnd();
    return value;
  }

  /** The canonical JSON text of {@code value}. */
  public String toJson(T value) {
    return XdrJson.of(schema).toJson(type, encode(value));
  }

  /**
   * The value that {@code json} stands for.
   *
   * @throws JsonException if the text is not a value of the type
   */
  public T fromJson(String json) {
    return decode(XdrJson.of(schema).toXdr(type, json));
  }

  /** A random valid value, from {@code random}. */
  public T random(XdrRandom random) {
    return decode(random.next(type));
  }
}
