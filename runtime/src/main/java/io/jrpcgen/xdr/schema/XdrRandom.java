package io.jrpcgen.xdr.schema;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import io.jrpcgen.xdr.schema.XdrShape.Primitive.Kind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Random valid values of the types of an {@link XdrSchema}, as XDR bytes, for property tests and
 * fuzzing (as Stellar's randxdr): every union arm (the default arm with a discriminant no case
 * names), empty and maximum lengths, extreme numbers (0, ±1, the least and greatest, ±0.0,
 * infinities, NaNs with payloads), strings that are UTF-8 and strings that are not. Each value's
 * {@link #malformed malformed variants} are what a strict decoder must reject.
 *
 * <p>Lengths up to {@link #maxBytes} bytes (opaques, strings) and {@link #maxItems} items (arrays)
 * are drawn as 0, the bound, or anything between; a larger bound is drawn as if it were that cap.
 * Past {@link #maxDepth} nested values, pointers are null, variable arrays empty and unions take
 * the arm that ends soonest, so recursive types stay small. Not thread-safe; the values follow from
 * the seed of the {@link Random}.
 */
public final class XdrRandom {
  private static final int[] INTS = {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE};
  private static final long[] HYPERS = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE};
  private static final int[] FLOAT_BITS = {
    0,
    0x80000000,
    0x7fc00000,
    0x7f800001,
    0xffc00001,
    0x7f800000,
    0xff800000,
    1,
    0x7f7fffff,
    0xff7fffff,
    0x00800000,
    0x3f800000
  };
  private static final long[] DOUBLE_BITS = {
    0,
    0x8000000000000000L,
    0x7ff8000000000000L,
    0x7ff0000000000001L,
    0xfff8000000000001L,
    0x7ff0000000000000L,
    0xfff0000000000000L,
    1,
    0x7fefffffffffffffL,
    0xffefffffffffffffL,
    0x0010000000000000L,
    0x3ff0000000000000L
  };

  /**
   * Bytes written as they are, with no length: to send an encoding from {@link #sample} as a call's
   * arguments ({@code client.call(procedure, XdrRandom.RAW, bytes, resultCodec)}). Decoding takes
   * every byte left.
   */
  public static final XdrCodec<byte[]> RAW =
      new XdrCodec<>() {
        @Override
        public void encode(XdrEncoder out, byte[] value) {
          out.writeRaw(value, 0, value.length);
        }

        @Override
        public byte[] decode(XdrDecoder in) {
          return in.readFixedOpaque(in.remaining()).toByteArray();
        }

        @Override
        public int minEncodedSize() {
          return 0;
        }
      };

  private final XdrSchema schema;
  private final Random random;
  private final int maxBytes;
  private final int maxItems;
  private final int maxDepth;
  private List<Site> sites = new ArrayList<>();

  private XdrRandom(XdrSchema schema, Random random, int maxBytes, int maxItems, int maxDepth) {
    this.schema = schema;
    this.random = random;
    this.maxBytes = maxBytes;
    this.maxItems = maxItems;
    this.maxDepth = maxDepth;
  }

  /** Random values of {@code schema}'s types: at most 256 bytes, 8 items, 6 levels deep. */
  public static XdrRandom of(XdrSchema schema, Random random) {
    return new XdrRandom(schema, random, 256, 8, 6);
  }

  /** A copy with other caps on lengths drawn and on nesting. */
  public XdrRandom withLimits(int maxBytes, int maxItems, int maxDepth) {
    if (maxBytes < 0 || maxItems < 0 || maxDepth < 0) {
      throw new IllegalArgumentException(
          "negative limit: " + maxBytes + ", " + maxItems + ", " + maxDepth);
    }
    return new XdrRandom(schema, random, maxBytes, maxItems, maxDepth);
  }

  /** The cap on opaque and string lengths drawn. */
  public int maxBytes() {
    return maxBytes;
  }

  /** The cap on variable array lengths drawn. */
  public int maxItems() {
    return maxItems;
  }

  /** How deep values nest before they are made to end. */
  public int maxDepth() {
    return maxDepth;
  }

  /** A random valid encoding of the type named {@code type}. */
  public byte[] next(String type) {
    return next(new XdrShape.Ref(type));
  }

  /** A random valid encoding of {@code shape}. */
  public byte[] next(XdrShape shape) {
    return generate(shape).bytes();
  }

  /**
   * A random valid encoding of {@code type} and variants of it that are not valid encodings: cut
   * short, a length over its bound or over the bytes there, a {@code bool} or pointer flag of 2, an
   * enum value no enumerator has, a union discriminant no arm takes, padding that is not zero.
   */
  public Sample sample(String type) {
    Generated g = generate(new XdrShape.Ref(type));
    return new Sample(g.bytes(), malformed(g));
  }

  /**
   * A valid encoding with its malformed variants.
   *
   * @param valid the valid encoding
   * @param malformed variants that a strict decoder rejects
   */
  public record Sample(byte[] valid, List<Malformed> malformed) {}

  /**
   * An encoding that is not valid, with what is wrong with it.
   *
   * @param description what was changed, with the offset
   * @param bytes the encoding
   */
  public record Malformed(String description, byte[] bytes) {}

  private record Generated(byte[] bytes, List<Site> sites) {}

  /** A place in an encoding that a mutation may change. */
  private record Site(SiteKind kind, int offset, long bound, int badValue) {}

  private enum SiteKind {
    LENGTH,
    FLAG,
    ENUM,
    DISCRIMINANT,
    PADDING
  }

  private Generated generate(XdrShape shape) {
    sites = new ArrayList<>();
    XdrEncoder out = new XdrEncoder();
    write(shape, out, 0);
    return new Generated(out.toByteArray(), List.copyOf(sites));
  }

  private List<Malformed> malformed(Generated g) {
    byte[] b = g.bytes();
    List<Malformed> out = new ArrayList<>();
    // Cut at a word, as a message on the wire is: an encoding is a prefix of no other one.
    if (b.length > 0) {
      int cut = 4 * random.nextInt(b.length / 4);
      out.add(new Malformed("cut to " + cut + " of " + b.length + " bytes", Arrays.copyOf(b, cut)));
      if (cut != b.length - 4) {
        out.add(new Malformed("last word missing", Arrays.copyOf(b, b.length - 4)));
      }
    }
    for (Site s : g.sites()) {
      switch (s.kind()) {
        case LENGTH -> {
          if (s.bound() < Integer.MAX_VALUE) {
            out.add(
                withInt(
                    b,
                    s.offset(),
                    (int) (s.bound() + 1),
                    "length " + (s.bound() + 1) + " over its bound of " + s.bound()));
          }
          out.add(withInt(b, s.offset(), -1, "length 4294967295"));
        }
        case FLAG -> out.add(withInt(b, s.offset(), 2, "bool or pointer flag 2"));
        case ENUM ->
            out.add(
                withInt(
                    b,
                    s.offset(),
                    s.badValue(),
                    "enum value " + s.badValue() + " that no enumerator has"));
        case DISCRIMINANT ->
            out.add(
                withInt(
                    b,
                    s.offset(),
                    s.badValue(),
                    "discriminant " + s.badValue() + " that no arm takes"));
        default -> {
          byte[] c = b.clone();
          c[s.offset()] = 1;
          out.add(new Malformed("padding byte 1 at offset " + s.offset(), c));
        }
      }
    }
    return out;
  }

  private static Malformed withInt(byte[] b, int offset, int value, String what) {
    byte[] c = b.clone();
    c[offset] = (byte) (value >>> 24);
    c[offset + 1] = (byte) (value >>> 16);
    c[offset + 2] = (byte) (value >>> 8);
    c[offset + 3] = (byte) value;
    return new Malformed(what + " at offset " + offset, c);
  }

  private void write(XdrShape shape, XdrEncoder out, int depth) {
    if (shape instanceof XdrShape.Ref r) {
      write(schema.resolve(r), out, depth);
    } else if (shape instanceof XdrShape.Primitive p) {
      writePrimitive(p.kind(), out);
    } else if (shape instanceof XdrShape.Enum e) {
      List<XdrShape.Enumerator> all = e.enumerators();
      sites.add(new Site(SiteKind.ENUM, out.position(), 0, unusedEnumValue(e)));
      out.writeInt(all.get(random.nextInt(all.size())).value());
    } else if (shape instanceof XdrShape.Opaque o) {
      int length = o.fixed() ? o.size() : drawLength(o.size(), maxBytes, depth);
      if (!o.fixed()) {
        writeLength(length, o.size(), out);
      }
      byte[] bytes = new byte[length];
      random.nextBytes(bytes);
      writePadded(bytes, out);
    } else if (shape instanceof XdrShape.Text t) {
      byte[] bytes = text(drawLength(t.bound(), maxBytes, depth));
      writeLength(bytes.length, t.bound(), out);
      writePadded(bytes, out);
    } else if (shape instanceof XdrShape.Array a) {
      int count = a.fixed() ? a.size() : drawLength(a.size(), maxItems, depth);
      if (!a.fixed()) {
        writeLength(count, a.size(), out);
      }
      for (int i = 0; i < count; i++) {
        write(a.element(), out, depth + 1);
      }
    } else if (shape instanceof XdrShape.Optional o) {
      boolean present = depth < maxDepth && random.nextInt(3) > 0;
      sites.add(new Site(SiteKind.FLAG, out.position(), 0, 0));
      out.writeBoolean(present);
      if (present) {
        write(o.element(), out, depth + 1);
      }
    } else if (shape instanceof XdrShape.Struct s) {
      for (XdrShape.Member m : s.members()) {
        write(m.shape(), out, depth + 1);
      }
    } else if (shape instanceof XdrShape.Union u) {
      writeUnion(u, out, depth);
    }
  }

  /** A length: 0, the bound, or between; under the cap, and 0 once deep enough. */
  private int drawLength(int bound, int cap, int depth) {
    int max = depth >= maxDepth ? 0 : Math.min(bound, cap);
    int n = random.nextInt(4);
    return n == 0 ? 0 : n == 1 ? max : random.nextInt(max + 1);
  }

  private void writeLength(int length, int bound, XdrEncoder out) {
    sites.add(new Site(SiteKind.LENGTH, out.position(), bound, 0));
    out.writeInt(length);
  }

  private void writePadded(byte[] bytes, XdrEncoder out) {
    if (bytes.length % 4 != 0) {
      sites.add(new Site(SiteKind.PADDING, out.position() + bytes.length, 0, 0));
    }
    out.writeRaw(bytes, 0, bytes.length); // pads with zeros
  }

  /** {@code length} string bytes: ASCII, UTF-8, or any bytes at all; never over the bound. */
  private byte[] text(int length) {
    byte[] bytes = new byte[length];
    switch (random.nextInt(3)) {
      case 0 -> {
        for (int i = 0; i < length; i++) {
          bytes[i] = (byte) (0x20 + random.nextInt(0x5f));
        }
      }
      case 1 -> {
        StringBuilder s = new StringBuilder();
        while (s.toString().getBytes(UTF_8).length < length) {
          int cp;
          do {
            cp = random.nextInt(4) == 0 ? random.nextInt(0x80) : random.nextInt(0x10ffff);
          } while (cp >= 0xd800 && cp <= 0xdfff);
          s.appendCodePoint(cp);
        }
        byte[] utf8 = s.toString().getBytes(UTF_8);
        // Cut at a character boundary at or below the length drawn, hence within the bound.
        int end = Math.min(length, utf8.length);
        while (end > 0 && end < utf8.length && (utf8[end] & 0xc0) == 0x80) {
          end--;
        }
        bytes = Arrays.copyOf(utf8, end);
      }
      default -> random.nextBytes(bytes);
    }
    return bytes;
  }

  private void writePrimitive(Kind kind, XdrEncoder out) {
    boolean extreme = random.nextBoolean();
    switch (kind) {
      case INT, UNSIGNED_INT ->
          out.writeInt(extreme ? INTS[random.nextInt(INTS.length)] : random.nextInt());
      case HYPER, UNSIGNED_HYPER ->
          out.writeHyper(extreme ? HYPERS[random.nextInt(HYPERS.length)] : random.nextLong());
      case FLOAT ->
          out.writeInt(extreme ? FLOAT_BITS[random.nextInt(FLOAT_BITS.length)] : random.nextInt());
      case DOUBLE ->
          out.writeHyper(
              extreme ? DOUBLE_BITS[random.nextInt(DOUBLE_BITS.length)] : random.nextLong());
      case QUADRUPLE -> {
        byte[] q = new byte[16];
        random.nextBytes(q);
        out.writeRaw(q, 0, 16);
      }
      default -> {
        sites.add(new Site(SiteKind.FLAG, out.position(), 0, 0));
        out.writeBoolean(random.nextBoolean());
      }
    }
  }

  private void writeUnion(XdrShape.Union u, XdrEncoder out, int depth) {
    XdrShape discShape = schema.resolve(u.discriminant().shape());
    List<Choice> choices = choices(u, discShape);
    Choice choice;
    if (depth >= maxDepth) {
      choice = choices.get(0);
      int best = Integer.MAX_VALUE;
      for (Choice c : choices) {
        int d =
            c.arm().member() == null ? 0 : depthToEnd(c.arm().member().shape(), new HashSet<>());
        if (d < best) {
          best = d;
          choice = c;
        }
      }
    } else {
      choice = choices.get(random.nextInt(choices.size()));
    }
    if (u.arms().stream().noneMatch(XdrShape.Arm::isDefault)) {
      sites.add(new Site(SiteKind.DISCRIMINANT, out.position(), 0, valueOfNoArm(u, discShape)));
    }
    out.writeInt(choice.value());
    if (choice.arm().member() != null) {
      write(choice.arm().member().shape(), out, depth + 1);
    }
  }

  private record Choice(XdrShape.Arm arm, int value) {}

  /** One choice per arm that some valid discriminant selects; a case's value drawn at random. */
  private List<Choice> choices(XdrShape.Union u, XdrShape discShape) {
    List<Choice> choices = new ArrayList<>();
    for (XdrShape.Arm a : u.arms()) {
      if (!a.isDefault()) {
        List<Integer> valid = new ArrayList<>();
        for (int v : a.values()) {
          if (isValidDiscriminant(discShape, v)) {
            valid.add(v);
          }
        }
        if (!valid.isEmpty()) {
          choices.add(new Choice(a, valid.get(random.nextInt(valid.size()))));
        }
      } else {
        Integer v = valueOfNoCase(u, discShape);
        if (v != null) {
          choices.add(new Choice(a, v));
        }
      }
    }
    if (choices.isEmpty()) {
      throw new IllegalArgumentException("a union with no arm that a value can take");
    }
    return choices;
  }

  private static boolean isValidDiscriminant(XdrShape discShape, int v) {
    if (discShape instanceof XdrShape.Enum e) {
      return e.byValue(v) != null;
    }
    return ((XdrShape.Primitive) discShape).kind() != Kind.BOOL || v == 0 || v == 1;
  }

  /** A valid discriminant that no case names (what selects the default arm), or null. */
  private Integer valueOfNoCase(XdrShape.Union u, XdrShape discShape) {
    Set<Integer> named = new HashSet<>();
    u.arms().forEach(a -> named.addAll(a.values()));
    List<Integer> candidates = new ArrayList<>();
    if (discShape instanceof XdrShape.Enum e) {
      e.enumerators().forEach(x -> candidates.add(x.value()));
    } else if (((XdrShape.Primitive) discShape).kind() == Kind.BOOL) {
      candidates.add(0);
      candidates.add(1);
    } else {
      for (int v : INTS) {
        candidates.add(v);
      }
      candidates.add(random.nextInt());
    }
    candidates.removeAll(named);
    return candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size()));
  }

  /** A discriminant that selects no arm of a union without a default arm. */
  private static int valueOfNoArm(XdrShape.Union u, XdrShape discShape) {
    if (discShape instanceof XdrShape.Primitive p && p.kind() == Kind.BOOL) {
      return 2; // invalid either way
    }
    Set<Integer> named = new HashSet<>();
    u.arms().forEach(a -> named.addAll(a.values()));
    int v = Integer.MAX_VALUE;
    while (named.contains(v)) { // ends: a union names far fewer than 2^32 values
      v--;
    }
    return v;
  }

  private static int unusedEnumValue(XdrShape.Enum e) {
    int v = Integer.MAX_VALUE;
    while (e.byValue(v) != null) {
      v--;
    }
    return v;
  }

  /** How many more levels a value of {@code shape} needs at least; recursion counts as many. */
  private int depthToEnd(XdrShape shape, Set<String> visiting) {
    if (shape instanceof XdrShape.Ref r) {
      if (!visiting.add(r.name())) {
        return 1000;
      }
      int d = depthToEnd(schema.types().get(r.name()), visiting);
      visiting.remove(r.name());
      return d;
    } else if (shape instanceof XdrShape.Array a && a.fixed() && a.size() > 0) {
      return 1 + depthToEnd(a.element(), visiting);
    } else if (shape instanceof XdrShape.Struct s) {
      int max = 0;
      for (XdrShape.Member m : s.members()) {
        max = Math.max(max, depthToEnd(m.shape(), visiting));
      }
      return 1 + max;
    } else if (shape instanceof XdrShape.Union u) {
      int min = 1000;
      for (XdrShape.Arm a : u.arms()) {
        min = Math.min(min, a.member() == null ? 0 : depthToEnd(a.member().shape(), visiting));
      }
      return 1 + min;
    }
    return 0;
  }
}
