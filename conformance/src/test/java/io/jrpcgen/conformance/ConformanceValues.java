package io.jrpcgen.conformance;

import io.jrpcgen.conformance.gen.Arrays;
import io.jrpcgen.conformance.gen.Choice;
import io.jrpcgen.conformance.gen.Color;
import io.jrpcgen.conformance.gen.ConformanceProg.AddArgs;
import io.jrpcgen.conformance.gen.ConformanceProg.ConformanceV1;
import io.jrpcgen.conformance.gen.ConformanceProg.ConformanceV2;
import io.jrpcgen.conformance.gen.ConformanceProg.EchoTripleArgs;
import io.jrpcgen.conformance.gen.ConformanceTypedefs;
import io.jrpcgen.conformance.gen.Entry;
import io.jrpcgen.conformance.gen.Inner;
import io.jrpcgen.conformance.gen.Maybe;
import io.jrpcgen.conformance.gen.Opaques;
import io.jrpcgen.conformance.gen.Optionals;
import io.jrpcgen.conformance.gen.Outer;
import io.jrpcgen.conformance.gen.Point;
import io.jrpcgen.conformance.gen.Prims;
import io.jrpcgen.conformance.gen.Status;
import io.jrpcgen.conformance.gen.Strings;
import io.jrpcgen.conformance.gen.Triple;
import io.jrpcgen.conformance.gen.Volume;
import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import java.util.ArrayList;
import java.util.List;

/**
 * The conformance values as Java: one {@link Case} per value of values.c, with the same name and
 * the same content. Change both files together.
 */
final class ConformanceValues {
  static final int MIN = Integer.MIN_VALUE;
  static final int MAX = Integer.MAX_VALUE;

  /** The length of the list that only goes over TCP (about 160 KB encoded). */
  static final int LONG_LIST = 10_000;

  static final Prims PRIMS_ZERO = new Prims(0, 0, 0L, 0L, 0f, 0d, false, Color.RED, 0, 0, 0, 0, 0);
  static final Prims PRIMS_MIN =
      new Prims(
          MIN,
          0,
          Long.MIN_VALUE,
          0L,
          Float.NEGATIVE_INFINITY,
          Double.NEGATIVE_INFINITY,
          false,
          Color.BLACK,
          Short.MIN_VALUE,
          Byte.MIN_VALUE,
          MIN,
          0,
          MIN);
  // Unsigned maxima as their bit patterns: 0xffffffff is -1.
  static final Prims PRIMS_MAX =
      new Prims(
          MAX,
          0xffff_ffff,
          Long.MAX_VALUE,
          -1L,
          Float.POSITIVE_INFINITY,
          Double.POSITIVE_INFINITY,
          true,
          Color.WHITE,
          Short.MAX_VALUE,
          Byte.MAX_VALUE,
          MAX,
          0xffff_ffff,
          MAX);
  static final Prims PRIMS_NAN =
      new Prims(
          -1,
          0x8000_0000,
          -1L,
          Long.MIN_VALUE,
          Float.intBitsToFloat(0x7fc0_0000),
          Double.longBitsToDouble(0x7ff8_0000_0000_0000L),
          true,
          Color.GREEN,
          -1,
          -1,
          -1,
          0x8000_0000,
          -1);
  static final Prims PRIMS_TINY =
      new Prims(1, 1, 1L, 1L, Float.MIN_VALUE, -0.0d, false, Color.BLUE, 1, 1, 1, 1, 1);

  static final Opaques OPAQUES_A =
      new Opaques(
          hex("ff"),
          hex("0102"),
          hex("a1b2c3"),
          hex("deadbeef"),
          hex("0102030405"),
          Opaque.EMPTY,
          hex("7f"),
          hex("0001"));
  static final Opaques OPAQUES_B =
      new Opaques(
          hex("00"),
          hex("ffff"),
          hex("000000"),
          hex("00000000"),
          hex("ffffffffff"),
          hex("0a0b0c"),
          hex("01020304050607"),
          Opaque.EMPTY);

  static final Strings STRINGS_EMPTY = new Strings("", "", "");
  // Six two-byte characters are 12 bytes: at the bound, which counts bytes.
  static final Strings STRINGS_FULL = new Strings("abcdefghijkl", "éééééé", "x");
  static final Strings STRINGS_ODD =
      new Strings(
          "ab",
          "abc",
          "The quick brown fox jumps over the lazy dog, twice: "
              + "the quick brown fox jumps over the lazy dog.");

  /**
   * "caf\xe9", ISO-8859-1 as a C file server may list a name (server_impl.c's FILE_NAME): the byte
   * 0xe9 is not UTF-8 and decodes to U+DCE9.
   */
  static final String LATIN1_NAME = "caf\uDCE9";

  /**
   * values.c's strings_bytes: bytes that are not UTF-8, which decode to U+DC80..U+DCFF (one per
   * byte) and encode back to themselves; twelve 0xe9 fill the bound.
   */
  static final Strings STRINGS_BYTES =
      new Strings(LATIN1_NAME, "\uDCE9".repeat(12), everyByteAndSomeUtf8());

  static final Arrays ARRAYS_FULL =
      new Arrays(
          List.of(new Point(1, 2), new Point(-3, MIN)),
          List.of(new Point(10, -10), new Point(0, 0), new Point(MAX, MIN)),
          List.of(0, -1, MAX, MIN),
          List.of(Color.RED, Color.BLACK, Color.WHITE),
          List.of(Long.MIN_VALUE, 0L, Long.MAX_VALUE),
          List.of("", "a", "abcdefghijkl"));
  static final Arrays ARRAYS_EMPTY =
      new Arrays(
          List.of(new Point(0, 0), new Point(0, 0)),
          List.of(),
          List.of(),
          List.of(),
          List.of(0L, 0L, 0L),
          List.of());

  static final Outer OUTER =
      new Outer(
          new Inner(new Point(1, 2), Color.GREEN, "first"),
          List.of(
              new Inner(new Point(3, 4), Color.BLUE, "second"),
              new Inner(new Point(-5, -6), Color.BLACK, "third")),
          hex("00ff00"),
          new Inner(new Point(MAX, MIN), Color.WHITE, ""));

  static final Optionals OPTIONALS_PRESENT =
      new Optionals(new Point(5, 6), Color.BLUE, new Maybe.True(Long.MIN_VALUE), 7);
  static final Optionals OPTIONALS_ABSENT = new Optionals(null, null, null, -7);
  static final Optionals OPTIONALS_MIXED = new Optionals(null, Color.WHITE, new Maybe.False(), 0);

  private ConformanceValues() {}

  /** Every case, in the order of values.c. */
  static List<Case<?>> cases() {
    List<Case<?>> cases = new ArrayList<>();
    cases.add(
        new Case<>(
            "ping",
            1,
            ConformanceV1.PING,
            XdrCodec.VOID,
            null,
            null,
            true,
            (v1, v2) -> {
              v1.ping_();
              return null;
            }));
    echo1(
        cases,
        "prims_zero",
        ConformanceV1.ECHO_PRIMS,
        Prims.CODEC,
        PRIMS_ZERO,
        ConformanceV1::echoPrims);
    echo1(
        cases,
        "prims_min",
        ConformanceV1.ECHO_PRIMS,
        Prims.CODEC,
        PRIMS_MIN,
        ConformanceV1::echoPrims);
    echo1(
        cases,
        "prims_max",
        ConformanceV1.ECHO_PRIMS,
        Prims.CODEC,
        PRIMS_MAX,
        ConformanceV1::echoPrims);
    echo1(
        cases,
        "prims_nan",
        ConformanceV1.ECHO_PRIMS,
        Prims.CODEC,
        PRIMS_NAN,
        ConformanceV1::echoPrims);
    echo1(
        cases,
        "prims_tiny",
        ConformanceV1.ECHO_PRIMS,
        Prims.CODEC,
        PRIMS_TINY,
        ConformanceV1::echoPrims);
    echo1(
        cases,
        "opaques_a",
        ConformanceV1.ECHO_OPAQUES,
        Opaques.CODEC,
        OPAQUES_A,
        ConformanceV1::echoOpaques);
    echo1(
        cases,
        "opaques_b",
        ConformanceV1.ECHO_OPAQUES,
        Opaques.CODEC,
        OPAQUES_B,
        ConformanceV1::echoOpaques);
    echo1(
        cases,
        "strings_empty",
        ConformanceV1.ECHO_STRINGS,
        Strings.CODEC,
        STRINGS_EMPTY,
        ConformanceV1::echoStrings);
    echo1(
        cases,
        "strings_full",
        ConformanceV1.ECHO_STRINGS,
        Strings.CODEC,
        STRINGS_FULL,
        ConformanceV1::echoStrings);
    echo1(
        cases,
        "strings_odd",
        ConformanceV1.ECHO_STRINGS,
        Strings.CODEC,
        STRINGS_ODD,
        ConformanceV1::echoStrings);
    echo1(
        cases,
        "strings_bytes",
        ConformanceV1.ECHO_STRINGS,
        Strings.CODEC,
        STRINGS_BYTES,
        ConformanceV1::echoStrings);
    echo1(
        cases,
        "arrays_full",
        ConformanceV1.ECHO_ARRAYS,
        Arrays.CODEC,
        ARRAYS_FULL,
        ConformanceV1::echoArrays);
    echo1(
        cases,
        "arrays_empty",
        ConformanceV1.ECHO_ARRAYS,
        Arrays.CODEC,
        ARRAYS_EMPTY,
        ConformanceV1::echoArrays);
    echo1(cases, "outer", ConformanceV1.ECHO_OUTER, Outer.CODEC, OUTER, ConformanceV1::echoOuter);
    echo1(
        cases,
        "optionals_present",
        ConformanceV1.ECHO_OPTIONALS,
        Optionals.CODEC,
        OPTIONALS_PRESENT,
        ConformanceV1::echoOptionals);
    echo1(
        cases,
        "optionals_absent",
        ConformanceV1.ECHO_OPTIONALS,
        Optionals.CODEC,
        OPTIONALS_ABSENT,
        ConformanceV1::echoOptionals);
    echo1(
        cases,
        "optionals_mixed",
        ConformanceV1.ECHO_OPTIONALS,
        Optionals.CODEC,
        OPTIONALS_MIXED,
        ConformanceV1::echoOptionals);
    for (String name : List.of("list_null", "list_one", "list_ten", "list_long")) {
      int n =
          switch (name) {
            case "list_null" -> 0;
            case "list_one" -> 1;
            case "list_ten" -> 10;
            default -> LONG_LIST;
          };
      Entry list = list(n);
      cases.add(
          new Case<>(
              name,
              1,
              ConformanceV1.ECHO_LIST,
              ConformanceTypedefs.CF_LIST,
              list,
              list,
              n < LONG_LIST,
              (v1, v2) -> v1.echoList(list)));
    }
    EchoTripleArgs triple = new EchoTripleArgs(MIN, "héllo", new Point(MAX, -1));
    cases.add(
        new Case<>(
            "triple",
            1,
            ConformanceV1.ECHO_TRIPLE,
            EchoTripleArgs.CODEC,
            triple,
            new Triple(triple.arg1(), triple.arg2(), triple.arg3()),
            true,
            (v1, v2) -> v1.echoTriple(triple.arg1(), triple.arg2(), triple.arg3())));
    echo1(
        cases,
        "name_full",
        ConformanceV1.ECHO_NAME,
        ConformanceTypedefs.CF_NAME,
        "abcdefghijkl",
        ConformanceV1::echoName);
    echo1(
        cases,
        "name_empty",
        ConformanceV1.ECHO_NAME,
        ConformanceTypedefs.CF_NAME,
        "",
        ConformanceV1::echoName);
    echo1(
        cases,
        "name_bytes",
        ConformanceV1.ECHO_NAME,
        ConformanceTypedefs.CF_NAME,
        "\uDCE9".repeat(12),
        ConformanceV1::echoName);

    echo2(
        cases,
        "choice_red",
        ConformanceV2.ECHO_CHOICE,
        Choice.CODEC,
        new Choice.Red(MIN),
        ConformanceV2::echoChoice);
    echo2(
        cases,
        "choice_green",
        ConformanceV2.ECHO_CHOICE,
        Choice.CODEC,
        new Choice.Green("verde"),
        ConformanceV2::echoChoice);
    echo2(
        cases,
        "choice_blue",
        ConformanceV2.ECHO_CHOICE,
        Choice.CODEC,
        new Choice.Blue(),
        ConformanceV2::echoChoice);
    echo2(
        cases,
        "choice_black",
        ConformanceV2.ECHO_CHOICE,
        Choice.CODEC,
        new Choice.Default(Color.BLACK, new Point(-1, 1)),
        ConformanceV2::echoChoice);
    echo2(
        cases,
        "choice_white",
        ConformanceV2.ECHO_CHOICE,
        Choice.CODEC,
        new Choice.Default(Color.WHITE, new Point(MAX, MIN)),
        ConformanceV2::echoChoice);
    echo2(
        cases,
        "maybe_true",
        ConformanceV2.ECHO_MAYBE,
        Maybe.CODEC,
        new Maybe.True(Long.MAX_VALUE),
        ConformanceV2::echoMaybe);
    echo2(
        cases,
        "maybe_false",
        ConformanceV2.ECHO_MAYBE,
        Maybe.CODEC,
        new Maybe.False(),
        ConformanceV2::echoMaybe);
    echo2(
        cases,
        "status_ok",
        ConformanceV2.ECHO_STATUS,
        Status.CODEC,
        new Status.Case0(OPAQUES_A),
        ConformanceV2::echoStatus);
    echo2(
        cases,
        "status_one",
        ConformanceV2.ECHO_STATUS,
        Status.CODEC,
        new Status.Case1Or2(1, hex("01")),
        ConformanceV2::echoStatus);
    echo2(
        cases,
        "status_two",
        ConformanceV2.ECHO_STATUS,
        Status.CODEC,
        new Status.Case1Or2(2, hex("fffefdfcfbfaf9")),
        ConformanceV2::echoStatus);
    echo2(
        cases,
        "status_top",
        ConformanceV2.ECHO_STATUS,
        Status.CODEC,
        new Status.Case4294967295("why"),
        ConformanceV2::echoStatus);
    echo2(
        cases,
        "status_default",
        ConformanceV2.ECHO_STATUS,
        Status.CODEC,
        new Status.Default(7),
        ConformanceV2::echoStatus);
    echo2(
        cases,
        "status_high",
        ConformanceV2.ECHO_STATUS,
        Status.CODEC,
        new Status.Default(0x8000_0000),
        ConformanceV2::echoStatus);
    echo2(
        cases,
        "volume_silent",
        ConformanceV2.ECHO_VOLUME,
        Volume.CODEC,
        new Volume.CaseMinus1(),
        ConformanceV2::echoVolume);
    echo2(
        cases,
        "volume_quiet",
        ConformanceV2.ECHO_VOLUME,
        Volume.CODEC,
        new Volume.Case0(STRINGS_ODD),
        ConformanceV2::echoVolume);
    echo2(
        cases,
        "volume_loud",
        ConformanceV2.ECHO_VOLUME,
        Volume.CODEC,
        new Volume.Default(5, 1.5),
        ConformanceV2::echoVolume);
    echo2(
        cases,
        "volume_min",
        ConformanceV2.ECHO_VOLUME,
        Volume.CODEC,
        new Volume.Default(MIN, Double.NEGATIVE_INFINITY),
        ConformanceV2::echoVolume);
    add(cases, "add_wrap", Long.MAX_VALUE, 1L);
    add(cases, "add_small", -5L, 3L);
    return cases;
  }

  /** A list of {@code n} entries, as values.c's fill_list makes it: value i - n/2, name "e<i>". */
  static Entry list(int n) {
    Entry list = null;
    for (int i = n - 1; i >= 0; i--) {
      list = new Entry(i - n / 2, "e" + i, list);
    }
    return list;
  }

  /** values.c's every_byte: 0x01 to 0xff, then UTF-8 and what looks like it but is not. */
  private static String everyByteAndSomeUtf8() {
    StringBuilder s = new StringBuilder();
    for (int b = 0x01; b < 0x80; b++) {
      s.append((char) b);
    }
    // In this order no byte from 0x80 up starts a valid sequence: each stands for itself.
    for (int b = 0x80; b <= 0xff; b++) {
      s.append((char) (0xdc00 | b));
    }
    return s.append("\u00e9\u20ac\uD83D\uDE00")
        .append("\uDCC0\uDCAF") // an overlong '/'
        .append("\uDCED\uDCA0\uDC80") // a surrogate, which UTF-8 cannot hold
        .append("\uDCF4\uDC90\uDC80\uDC80") // above U+10FFFF
        .append("\uDCE2\uDC82") // a three-byte form cut short
        .toString();
  }

  private static Opaque hex(String hex) {
    return Opaque.fromHex(hex);
  }

  private static <A> void echo1(
      List<Case<?>> cases,
      String name,
      int procedure,
      XdrCodec<A> codec,
      A value,
      Echo<ConformanceV1, A> echo) {
    cases.add(
        new Case<>(
            name, 1, procedure, codec, value, value, true, (v1, v2) -> echo.call(v1, value)));
  }

  private static <A> void echo2(
      List<Case<?>> cases,
      String name,
      int procedure,
      XdrCodec<A> codec,
      A value,
      Echo<ConformanceV2, A> echo) {
    cases.add(
        new Case<>(
            name, 2, procedure, codec, value, value, true, (v1, v2) -> echo.call(v2, value)));
  }

  private static void add(List<Case<?>> cases, String name, long a, long b) {
    cases.add(
        new Case<>(
            name,
            2,
            ConformanceV2.ADD,
            AddArgs.CODEC,
            new AddArgs(a, b),
            a + b,
            true,
            (v1, v2) -> v2.add(a, b)));
  }

  /** A procedure of one version that takes and returns an {@code A}. */
  @FunctionalInterface
  interface Echo<V, A> {
    A call(V version, A arg);
  }

  /** A call of a case's procedure through a version's interface (a client, or the recorder). */
  @FunctionalInterface
  interface Call {
    Object call(ConformanceV1 v1, ConformanceV2 v2);
  }

  /**
   * One value: the procedure that echoes it, the argument sent and the result expected.
   *
   * @param udp whether the call fits libtirpc's UDP buffers (UDPMSGSIZE, 8,800 bytes)
   */
  record Case<A>(
      String name,
      int version,
      int procedure,
      XdrCodec<A> argsCodec,
      A args,
      Object result,
      boolean udp,
      Call call) {
    /** The argument as Java's generated codec encodes it. */
    byte[] encodedArgs() {
      XdrEncoder out = new XdrEncoder();
      argsCodec.encode(out, args);
      return out.toByteArray();
    }

    /** {@code bytes} decoded as the argument type; all of them must be used. */
    A decodeArgs(byte[] bytes) {
      XdrDecoder in = new XdrDecoder(bytes);
      A value = argsCodec.decode(in);
      in.requireEnd();
      return value;
    }

    /** Whether the procedure returns nothing. */
    boolean voidResult() {
      return argsCodec == XdrCodec.VOID;
    }

    /** The lines a peer prints for the result; none for a void procedure. */
    List<String> resultLines() {
      return voidResult() ? List.of() : Fields.lines(result);
    }

    /** The procedure, for matching what a server received: version/procedure. */
    String procedureId() {
      return version + "/" + procedure;
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
