package io.jrpcgen.xdr.schema;

import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import io.jrpcgen.xdr.XdrException;
import io.jrpcgen.xdr.schema.XdrShape.Primitive.Kind;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts XDR bytes to their canonical JSON form and back, driven by an {@link XdrSchema}. The
 * form is defined over the wire, so it round-trips exactly: {@code toXdr(toJson(b))} equals {@code
 * b} for every valid encoding {@code b}.
 *
 * <table>
 *   <caption>The JSON form of each XDR type</caption>
 *   <tr><th>XDR</th><th>JSON</th></tr>
 *   <tr><td>{@code int}, {@code unsigned int}</td><td>a number; unsigned from 0 to
 *     4294967295</td></tr>
 *   <tr><td>{@code hyper}, {@code unsigned hyper}</td><td>a string of decimal digits (exact
 *     beyond 2<sup>53</sup>); a number is also read</td></tr>
 *   <tr><td>{@code float}, {@code double}</td><td>a number (Java's text for it, which reads back
 *     to the same bits, {@code -0.0} included); {@code "Infinity"}, {@code "-Infinity"},
 *     {@code "NaN"} for the quiet NaN with no payload, else {@code "NaN:0x7fa00001"}, the
 *     bits in hex</td></tr>
 *   <tr><td>{@code quadruple}</td><td>its 16 bytes as 32 hex digits</td></tr>
 *   <tr><td>{@code bool}</td><td>{@code true}, {@code false}</td></tr>
 *   <tr><td>{@code enum}</td><td>the enumerator's name</td></tr>
 *   <tr><td>{@code opaque}</td><td>lowercase hex</td></tr>
 *   <tr><td>{@code string}</td><td>a string; each byte that is not part of valid UTF-8 is the
 *     escape {@code \udc80}..{@code \udcff} (PEP 383, as {@link io.jrpcgen.xdr.XdrStrings})</td>
 *     </tr>
 *   <tr><td>{@code T[n]}, {@code T<n>}</td><td>an array</td></tr>
 *   <tr><td>{@code T *}</td><td>{@code null} or the value</td></tr>
 *   <tr><td>{@code struct}</td><td>an object with every member by its {@code .x} name, in
 *     order; a linked list (a struct whose last member points to its own type) is an array of
 *     its nodes without that member</td></tr>
 *   <tr><td>{@code union}</td><td>an object: the discriminant by its name, then the arm's
 *     member by its name, with a {@code _} after it if the discriminant has that name too (none
 *     for a void arm)</td></tr>
 *   <tr><td>{@code void}</td><td>{@code null}</td></tr>
 * </table>
 *
 * <p>Reading JSON is strict: a member missing or unknown, a number out of range or with a fraction,
 * a length over its bound are errors ({@link JsonException}, with the path to the value, such as
 * {@code $.items[2].name}). Reading XDR is as strict as the generated decoders ({@link
 * XdrException}). Members may come in any order. Thread-safe.
 */
public final class XdrJson {
  /** How deep values may nest (recursive types other than linked lists), in XDR or JSON. */
  public static final int MAX_DEPTH = 500;

  private static final HexFormat HEX = HexFormat.of();
  private static final int FLOAT_QUIET_NAN = 0x7fc00000;
  private static final long DOUBLE_QUIET_NAN = 0x7ff8000000000000L;

  private final XdrSchema schema;

  private XdrJson(XdrSchema schema) {
    this.schema = schema;
  }

  /** The converter for the types of {@code schema}. */
  public static XdrJson of(XdrSchema schema) {
    return new XdrJson(schema);
  }

  /** The schema whose types this converts. */
  public XdrSchema schema() {
    return schema;
  }

  /**
   * The canonical JSON text of {@code xdr}, an encoding of the type {@code type}.
   *
   * @throws XdrException if the bytes are not a valid encoding, or have bytes left over
   */
  public String toJson(String type, byte[] xdr) {
    XdrDecoder in = new XdrDecoder(xdr);
    Json value = read(new XdrShape.Ref(type), in);
    in.requireEnd();
    return Json.write(value);
  }

  /**
   * The XDR encoding of {@code json}, a value of the type {@code type} in the JSON form.
   *
   * @throws JsonException if the text is not JSON or not a value of the type
   */
  public byte[] toXdr(String type, String json) {
    XdrEncoder out = new XdrEncoder();
    write(new XdrShape.Ref(type), Json.parse(json), out);
    return out.toByteArray();
  }

  /** Reads one value of {@code shape} from {@code in}. */
  public Json read(XdrShape shape, XdrDecoder in) {
    return read(shape, in, 0);
  }

  /** Writes {@code value}, a value of {@code shape}, to {@code out}. */
  public void write(XdrShape shape, Json value, XdrEncoder out) {
    // Encode aside: a value found wrong half-way leaves nothing in out.
    XdrEncoder aside = new XdrEncoder();
    write(shape, value, aside, "$", 0);
    byte[] bytes = aside.toByteArray();
    out.writeRaw(bytes, 0, bytes.length);
  }

  private Json read(XdrShape shape, XdrDecoder in, int depth) {
    if (depth > MAX_DEPTH) {
      throw new XdrException("value nested deeper than " + MAX_DEPTH + " levels");
    }
    if (shape instanceof XdrShape.Ref ref) {
      XdrShape target = schema.resolve(ref);
      if (target instanceof XdrShape.Struct s && s.isListOf(listName(ref))) {
        return readList(s, in, depth);
      }
      return read(target, in, depth);
    } else if (shape instanceof XdrShape.Primitive p) {
      return readPrimitive(p.kind(), in);
    } else if (shape instanceof XdrShape.Enum e) {
      return new Json.Str(enumerator(e, in.readInt()).name());
    } else if (shape instanceof XdrShape.Opaque o) {
      Opaque value = o.fixed() ? in.readFixedOpaque(o.size()) : in.readVariableOpaque(o.size());
      return new Json.Str(value.toHex());
    } else if (shape instanceof XdrShape.Text t) {
      return new Json.Str(in.readString(t.bound()));
    } else if (shape instanceof XdrShape.Array a) {
      int count =
          a.fixed()
              ? a.size()
              : in.readLength("array", a.size(), Math.max(1, Shapes.minSize(schema, a.element())));
      List<Json> items = new ArrayList<>(Math.min(count, in.remaining() + 1));
      for (int i = 0; i < count; i++) {
        items.add(read(a.element(), in, depth + 1));
      }
      return new Json.Array(items);
    } else if (shape instanceof XdrShape.Optional o) {
      return in.readBoolean() ? read(o.element(), in, depth + 1) : Json.NULL;
    } else if (shape instanceof XdrShape.Struct s) {
      return readMembers(s.members(), in, depth);
    } else if (shape instanceof XdrShape.Union u) {
      return readUnion(u, in, depth);
    }
    return Json.NULL; // void
  }

  /** The name a list struct's tail refers to: the name of the typedef chain's last link. */
  private String listName(XdrShape.Ref ref) {
    XdrShape.Ref last = ref;
    XdrShape s = schema.types().get(ref.name());
    while (s instanceof XdrShape.Ref r) {
      last = r;
      s = schema.types().get(r.name());
    }
    return last.name();
  }

  private Json readList(XdrShape.Struct s, XdrDecoder in, int depth) {
    List<XdrShape.Member> node = s.members().subList(0, s.members().size() - 1);
    List<Json> nodes = new ArrayList<>();
    do {
      nodes.add(readMembers(node, in, depth));
    } while (in.readBoolean());
    return new Json.Array(nodes);
  }

  private Json readMembers(List<XdrShape.Member> members, XdrDecoder in, int depth) {
    Map<String, Json> out = new LinkedHashMap<>();
    for (XdrShape.Member m : members) {
      out.put(m.name(), read(m.shape(), in, depth + 1));
    }
    return new Json.Obj(out);
  }

  private Json readUnion(XdrShape.Union u, XdrDecoder in, int depth) {
    XdrShape discShape = schema.resolve(u.discriminant().shape());
    int at = in.position();
    int value = in.readInt();
    Json disc = discriminantJson(discShape, value);
    XdrShape.Arm arm = u.armFor(value);
    if (arm == null) {
      throw new XdrException(
          "no union arm for discriminant " + Json.write(disc) + " at offset " + at);
    }
    Map<String, Json> out = new LinkedHashMap<>();
    out.put(u.discriminant().name(), disc);
    if (arm.member() != null) {
      out.put(armKey(u, arm), read(arm.member().shape(), in, depth + 1));
    }
    return new Json.Obj(out);
  }

  /**
   * The key of an arm's value: its member's name, with a {@code _} after it when that is the
   * discriminant's name too (C keeps the two apart, one object cannot).
   */
  private static String armKey(XdrShape.Union u, XdrShape.Arm arm) {
    String name = arm.member().name();
    return name.equals(u.discriminant().name()) ? name + "_" : name;
  }

  private static Json discriminantJson(XdrShape shape, int value) {
    if (shape instanceof XdrShape.Enum e) {
      return new Json.Str(enumerator(e, value).name());
    }
    Kind kind = ((XdrShape.Primitive) shape).kind();
    if (kind == Kind.BOOL) {
      if (value != 0 && value != 1) {
        throw new XdrException("bool discriminant must be 0 or 1, not " + value);
      }
      return new Json.Bool(value == 1);
    }
    return new Json.Number(
        kind == Kind.UNSIGNED_INT ? Integer.toUnsignedString(value) : Integer.toString(value));
  }

  private static XdrShape.Enumerator enumerator(XdrShape.Enum e, int value) {
    XdrShape.Enumerator found = e.byValue(value);
    if (found == null) {
      throw new XdrException("enum value " + value + " is none of " + names(e));
    }
    return found;
  }

  private static Json readPrimitive(Kind kind, XdrDecoder in) {
    switch (kind) {
      case INT:
        return new Json.Number(Integer.toString(in.readInt()));
      case UNSIGNED_INT:
        return new Json.Number(Integer.toUnsignedString(in.readInt()));
      case HYPER:
        return new Json.Str(Long.toString(in.readHyper()));
      case UNSIGNED_HYPER:
        return new Json.Str(Long.toUnsignedString(in.readHyper()));
      case FLOAT:
        // Bits, not readFloat: a float conversion may quieten a signalling NaN.
        return floatJson(in.readInt());
      case DOUBLE:
        return doubleJson(in.readHyper());
      case QUADRUPLE:
        return new Json.Str(HEX.formatHex(in.readQuadruple().toBytes()));
      default:
        return new Json.Bool(in.readBoolean());
    }
  }

  static Json floatJson(int bits) {
    float f = Float.intBitsToFloat(bits);
    if (Float.isNaN(f)) {
      return new Json.Str(bits == FLOAT_QUIET_NAN ? "NaN" : String.format("NaN:0x%08x", bits));
    } else if (Float.isInfinite(f)) {
      return new Json.Str(f > 0 ? "Infinity" : "-Infinity");
    }
    return new Json.Number(Float.toString(f));
  }

  static Json doubleJson(long bits) {
    double d = Double.longBitsToDouble(bits);
    if (Double.isNaN(d)) {
      return new Json.Str(bits == DOUBLE_QUIET_NAN ? "NaN" : String.format("NaN:0x%016x", bits));
    } else if (Double.isInfinite(d)) {
      return new Json.Str(d > 0 ? "Infinity" : "-Infinity");
    }
    return new Json.Number(Double.toString(d));
  }

  private void write(XdrShape shape, Json value, XdrEncoder out, String path, int depth) {
    if (depth > MAX_DEPTH) {
      throw new JsonException(path + ": value nested deeper than " + MAX_DEPTH + " levels");
    }
    if (shape instanceof XdrShape.Ref ref) {
      XdrShape target = schema.resolve(ref);
      if (target instanceof XdrShape.Struct s && s.isListOf(listName(ref))) {
        writeList(s, value, out, path, depth);
      } else {
        write(target, value, out, path, depth);
      }
    } else if (shape instanceof XdrShape.Primitive p) {
      writePrimitive(p.kind(), value, out, path);
    } else if (shape instanceof XdrShape.Enum e) {
      out.writeInt(enumValue(e, value, path));
    } else if (shape instanceof XdrShape.Opaque o) {
      writeOpaque(o, value, out, path);
    } else if (shape instanceof XdrShape.Text t) {
      String s = string(value, path, "a string");
      try {
        out.writeString(s, t.bound());
      } catch (XdrException e) {
        throw new JsonException(path + ": " + e.getMessage());
      }
    } else if (shape instanceof XdrShape.Array a) {
      List<Json> items = array(value, path).items();
      if (a.fixed() ? items.size() != a.size() : items.size() > a.size()) {
        throw new JsonException(
            path
                + ": "
                + items.size()
                + " items, but the array takes "
                + (a.fixed() ? "exactly " : "at most ")
                + a.size());
      }
      if (!a.fixed()) {
        out.writeInt(items.size());
      }
      for (int i = 0; i < items.size(); i++) {
        write(a.element(), items.get(i), out, path + "[" + i + "]", depth + 1);
      }
    } else if (shape instanceof XdrShape.Optional o) {
      out.writeBoolean(!(value instanceof Json.Null));
      if (!(value instanceof Json.Null)) {
        write(o.element(), value, out, path, depth + 1);
      }
    } else if (shape instanceof XdrShape.Struct s) {
      writeMembers(s.members(), value, out, path, depth);
    } else if (shape instanceof XdrShape.Union u) {
      writeUnion(u, value, out, path, depth);
    } else if (!(value instanceof Json.Null)) {
      throw new JsonException(path + ": void takes null, not " + Json.write(value));
    }
  }

  private void writeList(XdrShape.Struct s, Json value, XdrEncoder out, String path, int depth) {
    List<Json> nodes = array(value, path).items();
    if (nodes.isEmpty()) {
      throw new JsonException(
          path
              + ": a list has at least one node (an empty list is the null"
              + " of a pointer to it)");
    }
    List<XdrShape.Member> node = s.members().subList(0, s.members().size() - 1);
    for (int i = 0; i < nodes.size(); i++) {
      if (i > 0) {
        out.writeBoolean(true);
      }
      writeMembers(node, nodes.get(i), out, path + "[" + i + "]", depth);
    }
    out.writeBoolean(false);
  }

  private void writeMembers(
      List<XdrShape.Member> members, Json value, XdrEncoder out, String path, int depth) {
    Map<String, Json> given = object(value, path).members();
    for (String key : given.keySet()) {
      if (members.stream().noneMatch(m -> m.name().equals(key))) {
        throw new JsonException(
            path
                + ": unknown member \""
                + key
                + "\" (the members are "
                + members.stream().map(XdrShape.Member::name).toList()
                + ")");
      }
    }
    for (XdrShape.Member m : members) {
      Json v = given.get(m.name());
      if (v == null) {
        throw new JsonException(path + ": member \"" + m.name() + "\" is missing");
      }
      write(m.shape(), v, out, path + "." + m.name(), depth + 1);
    }
  }

  private void writeUnion(XdrShape.Union u, Json value, XdrEncoder out, String path, int depth) {
    Map<String, Json> given = object(value, path).members();
    String discName = u.discriminant().name();
    Json disc = given.get(discName);
    if (disc == null) {
      throw new JsonException(path + ": the discriminant \"" + discName + "\" is missing");
    }
    XdrShape discShape = schema.resolve(u.discriminant().shape());
    String discPath = path + "." + discName;
    int v =
        discShape instanceof XdrShape.Enum e
            ? enumValue(e, disc, discPath)
            : discriminantValue(((XdrShape.Primitive) discShape).kind(), disc, discPath);
    XdrShape.Arm arm = u.armFor(v);
    if (arm == null) {
      throw new JsonException(discPath + ": no arm of the union takes " + Json.write(disc));
    }
    String armName = arm.member() == null ? null : armKey(u, arm);
    for (String key : given.keySet()) {
      if (!key.equals(discName) && !key.equals(armName)) {
        throw new JsonException(
            path
                + ": unknown member \""
                + key
                + "\" for "
                + Json.write(disc)
                + (armName == null ? " (a void arm)" : " (its arm is \"" + armName + "\")"));
      }
    }
    out.writeInt(v);
    if (arm.member() != null) {
      Json armValue = given.get(armName);
      if (armValue == null) {
        throw new JsonException(path + ": member \"" + armName + "\" is missing");
      }
      write(arm.member().shape(), armValue, out, path + "." + armName, depth + 1);
    }
  }

  private static int discriminantValue(Kind kind, Json value, String path) {
    if (kind == Kind.BOOL) {
      return bool(value, path) ? 1 : 0;
    }
    return (int)
        integer(
            value,
            path,
            kind == Kind.UNSIGNED_INT ? BigInteger.ZERO : INT_MIN,
            kind == Kind.UNSIGNED_INT ? UINT_MAX : INT_MAX);
  }

  private static int enumValue(XdrShape.Enum e, Json value, String path) {
    String name = string(value, path, "an enumerator's name");
    XdrShape.Enumerator found = e.byName(name);
    if (found == null) {
      throw new JsonException(path + ": \"" + name + "\" is none of " + names(e));
    }
    return found.value();
  }

  private static String names(XdrShape.Enum e) {
    return e.enumerators().stream().map(XdrShape.Enumerator::name).toList().toString();
  }

  private static void writeOpaque(XdrShape.Opaque o, Json value, XdrEncoder out, String path) {
    String hex = string(value, path, "a hex string");
    byte[] bytes;
    try {
      bytes = HEX.parseHex(hex);
    } catch (IllegalArgumentException e) {
      throw new JsonException(path + ": not hex: " + e.getMessage());
    }
    if (o.fixed() ? bytes.length != o.size() : bytes.length > o.size()) {
      throw new JsonException(
          path
              + ": "
              + bytes.length
              + " bytes, but the opaque takes "
              + (o.fixed() ? "exactly " : "at most ")
              + o.size());
    }
    if (o.fixed()) {
      out.writeFixedOpaque(Opaque.copyOf(bytes), o.size());
    } else {
      out.writeVariableOpaque(Opaque.copyOf(bytes), o.size());
    }
  }

  private static final BigInteger INT_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
  private static final BigInteger INT_MAX = BigInteger.valueOf(Integer.MAX_VALUE);
  private static final BigInteger UINT_MAX = BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE);
  private static final BigInteger HYPER_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger HYPER_MAX = BigInteger.valueOf(Long.MAX_VALUE);
  private static final BigInteger UHYPER_MAX =
      BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  private static void writePrimitive(Kind kind, Json value, XdrEncoder out, String path) {
    switch (kind) {
      case INT -> out.writeInt((int) integer(value, path, INT_MIN, INT_MAX));
      case UNSIGNED_INT -> out.writeInt((int) integer(value, path, BigInteger.ZERO, UINT_MAX));
      case HYPER -> out.writeHyper(integer(value, path, HYPER_MIN, HYPER_MAX));
      case UNSIGNED_HYPER -> out.writeHyper(integer(value, path, BigInteger.ZERO, UHYPER_MAX));
      case FLOAT -> out.writeInt(floatBits(value, path));
      case DOUBLE -> out.writeHyper(doubleBits(value, path));
      case QUADRUPLE -> {
        String hex = string(value, path, "32 hex digits");
        if (hex.length() != 32) {
          throw new JsonException(path + ": a quadruple is 32 hex digits, not " + hex.length());
        }
        try {
          out.writeRaw(HEX.parseHex(hex), 0, 16);
        } catch (IllegalArgumentException e) {
          throw new JsonException(path + ": not hex: " + e.getMessage());
        }
      }
      default -> out.writeBoolean(bool(value, path));
    }
  }

  /** An integer from a number or a decimal string, in range; returned as its bit pattern. */
  private static long integer(Json value, String path, BigInteger min, BigInteger max) {
    String text;
    if (value instanceof Json.Number n) {
      text = n.text();
    } else if (value instanceof Json.Str s) {
      text = s.value();
    } else {
      throw new JsonException(path + ": expected an integer, not " + Json.write(value));
    }
    // Longer text cannot be in range; BigInteger's parse is quadratic in it.
    if (text.length() > 21 || !text.matches("-?(0|[1-9][0-9]*)")) {
      throw new JsonException(path + ": not an integer: " + shorten(text));
    }
    BigInteger v = new BigInteger(text);
    if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
      throw new JsonException(path + ": " + text + " is out of range [" + min + ", " + max + "]");
    }
    return v.longValue();
  }

  private static int floatBits(Json value, String path) {
    if (value instanceof Json.Number n) {
      float f = Float.parseFloat(n.text());
      if (Float.isInfinite(f)) {
        throw new JsonException(path + ": " + shorten(n.text()) + " is too large for a float");
      }
      return Float.floatToRawIntBits(f);
    }
    String s = string(value, path, "a number");
    switch (s) {
      case "NaN" -> {
        return FLOAT_QUIET_NAN;
      }
      case "Infinity" -> {
        return Float.floatToRawIntBits(Float.POSITIVE_INFINITY);
      }
      case "-Infinity" -> {
        return Float.floatToRawIntBits(Float.NEGATIVE_INFINITY);
      }
      default -> {
        long bits = nanBits(s, 8, path);
        if (!Float.isNaN(Float.intBitsToFloat((int) bits))) {
          throw new JsonException(path + ": " + s + " are not the bits of a NaN");
        }
        return (int) bits;
      }
    }
  }

  private static long doubleBits(Json value, String path) {
    if (value instanceof Json.Number n) {
      double d = Double.parseDouble(n.text());
      if (Double.isInfinite(d)) {
        throw new JsonException(path + ": " + shorten(n.text()) + " is too large for a double");
      }
      return Double.doubleToRawLongBits(d);
    }
    String s = string(value, path, "a number");
    switch (s) {
      case "NaN" -> {
        return DOUBLE_QUIET_NAN;
      }
      case "Infinity" -> {
        return Double.doubleToRawLongBits(Double.POSITIVE_INFINITY);
      }
      case "-Infinity" -> {
        return Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY);
      }
      default -> {
        long bits = nanBits(s, 16, path);
        if (!Double.isNaN(Double.longBitsToDouble(bits))) {
          throw new JsonException(path + ": " + s + " are not the bits of a NaN");
        }
        return bits;
      }
    }
  }

  private static long nanBits(String s, int digits, String path) {
    if (s.length() != 6 + digits || !s.startsWith("NaN:0x")) {
      throw new JsonException(
          path
              + ": expected a number, \"NaN\", \"Infinity\", \"-Infinity\""
              + " or \"NaN:0x\" and "
              + digits
              + " hex digits, not \""
              + shorten(s)
              + "\"");
    }
    try {
      return HexFormat.fromHexDigitsToLong(s, 6, s.length());
    } catch (IllegalArgumentException e) {
      throw new JsonException(path + ": not hex: " + shorten(s));
    }
  }

  private static boolean bool(Json value, String path) {
    if (value instanceof Json.Bool b) {
      return b.value();
    }
    throw new JsonException(path + ": expected true or false, not " + shorten(Json.write(value)));
  }

  private static String string(Json value, String path, String what) {
    if (value instanceof Json.Str s) {
      return s.value();
    }
    throw new JsonException(path + ": expected " + what + ", not " + shorten(Json.write(value)));
  }

  private static Json.Array array(Json value, String path) {
    if (value instanceof Json.Array a) {
      return a;
    }
    throw new JsonException(path + ": expected an array, not " + shorten(Json.write(value)));
  }

  private static Json.Obj object(Json value, String path) {
    if (value instanceof Json.Obj o) {
      return o;
    }
    throw new JsonException(path + ": expected an object, not " + shorten(Json.write(value)));
  }

  private static String shorten(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }
}
