package io.jrpcgen.xdr;

/**
 * Encodes and decodes one Java type as XDR; generated types expose theirs as {@code CODEC}.
 *
 * @param <T> the Java type
 */
public interface XdrCodec<T> {
  /** The bound of a variable-length item declared without one ({@code <>}). */
  int UNBOUNDED = Integer.MAX_VALUE;

  /** {@code int}, and {@code unsigned int} as its bit pattern. */
  XdrCodec<Integer> INT = of(XdrEncoder::writeInt, XdrDecoder::readInt);

  /** {@code hyper}, and {@code unsigned hyper} as its bit pattern. */
  XdrCodec<Long> HYPER = of(XdrEncoder::writeHyper, XdrDecoder::readHyper, 8);

  /** {@code float}. */
  XdrCodec<Float> FLOAT = of(XdrEncoder::writeFloat, XdrDecoder::readFloat);

  /** {@code double}. */
  XdrCodec<Double> DOUBLE = of(XdrEncoder::writeDouble, XdrDecoder::readDouble, 8);

  /** {@code bool}. */
  XdrCodec<Boolean> BOOL = of(XdrEncoder::writeBoolean, XdrDecoder::readBoolean);

  /** {@code quadruple}. */
  XdrCodec<Quadruple> QUADRUPLE =
      of(XdrEncoder::writeQuadruple, XdrDecoder::readQuadruple, Quadruple.SIZE);

  /** {@code void}: nothing on the wire. */
  XdrCodec<Void> VOID =
      new XdrCodec<>() {
        @Override
        public void encode(XdrEncoder out, Void value) {}

        @Override
        public Void decode(XdrDecoder in) {
          return null;
        }

        @Override
        public int minEncodedSize() {
          return 0;
        }
      };

  /** Writes {@code value}. */
  void encode(XdrEncoder out, T value);

  /** Reads one value. */
  T decode(XdrDecoder in);

  /**
   * The fewest bytes one value takes on the wire. Decoders use it to refuse an array count that the
   * bytes left cannot hold before allocating anything.
   */
  default int minEncodedSize() {
    return 4;
  }

  /** {@code string<maxLength>}. */
  static XdrCodec<String> string(int maxLength) {
    return of((out, v) -> out.writeString(v, maxLength), in -> in.readString(maxLength));
  }

  /** {@code opaque<maxLength>}. */
  static XdrCodec<Opaque> opaque(int maxLength) {
    return of(
        (out, v) -> out.writeVariableOpaque(v, maxLength), in -> in.readVariableOpaque(maxLength));
  }

  /** {@code opaque[length]}. */
  static XdrCodec<Opaque> fixedOpaque(int length) {
    return of(
        (out, v) -> out.writeFixedOpaque(v, length),
        in -> in.readFixedOpaque(length),
        (int) Math.min(Integer.MAX_VALUE, (length + 3L) & ~3L));
  }

  /** {@code T[length]} of this codec's type. */
  static <T> XdrCodec<java.util.List<T>> fixedArray(XdrCodec<T> element, int length) {
    return of(
        (out, v) -> out.writeFixedArray(v, length, element),
        in -> in.readFixedArray(length, element),
        (int) Math.min(Integer.MAX_VALUE, (long) length * element.minEncodedSize()));
  }

  /** {@code T<maxLength>} of this codec's type. */
  static <T> XdrCodec<java.util.List<T>> array(XdrCodec<T> element, int maxLength) {
    return of(
        (out, v) -> out.writeVariableArray(v, maxLength, element),
        in -> in.readVariableArray(maxLength, element));
  }

  /** {@code T *}: null when absent. */
  static <T> XdrCodec<T> optional(XdrCodec<T> element) {
    return new XdrCodec<>() {
      @Override
      public void encode(XdrEncoder out, T value) {
        out.writeOptional(value, element);
      }

      @Override
      public T decode(XdrDecoder in) {
        return in.readOptional(element);
      }
    };
  }

  /** A codec from a writer and a reader, at least four bytes on the wire. */
  static <T> XdrCodec<T> of(Writer<T> writer, Reader<T> reader) {
    return of(writer, reader, 4);
  }

  /**
   * A codec from a writer and a reader, at least {@code minEncodedSize} bytes on the wire. It
   * refuses to encode null (use {@link #optional} for values that may be absent).
   */
  static <T> XdrCodec<T> of(Writer<T> writer, Reader<T> reader, int minEncodedSize) {
    return new XdrCodec<>() {
      @Override
      public void encode(XdrEncoder out, T value) {
        if (value == null) {
          throw new XdrException("cannot encode null");
        }
        writer.write(out, value);
      }

      @Override
      public T decode(XdrDecoder in) {
        return reader.read(in);
      }

      @Override
      public int minEncodedSize() {
        return minEncodedSize;
      }
    };
  }

  /** The encoding half of a codec. */
  @FunctionalInterface
  interface Writer<T> {
    /** Writes {@code value}. */
    void write(XdrEncoder out, T value);
  }

  /** The decoding half of a codec. */
  @FunctionalInterface
  interface Reader<T> {
    /** Reads one value. */
    T read(XdrDecoder in);
  }
}
