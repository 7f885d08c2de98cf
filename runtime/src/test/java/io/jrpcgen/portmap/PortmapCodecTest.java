package io.jrpcgen.portmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import io.jrpcgen.xdr.XdrException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Byte-exact fixtures for the portmapper and rpcbind structures of RFC 1833, and bad input. */
class PortmapCodecTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final Mapping PMAP_TCP = new Mapping(100_000, 2, 6, 111);
  private static final Mapping SQUARE_UDP = new Mapping(0x3123_0000, 1, 17, 40_000);
  private static final String PMAP_TCP_HEX = "000186a0 00000002 00000006 0000006f";
  private static final String SQUARE_UDP_HEX = "31230000 00000001 00000011 00009c40";
  private static final Rpcb RPCB_TCP = new Rpcb(100_000, 4, "tcp", "0.0.0.0.0.111", "superuser");
  private static final String RPCB_TCP_HEX =
      "000186a0 00000004"
          + " 00000003 74637000"
          + " 0000000d 302e302e 302e302e 302e3131 31000000"
          + " 00000009 73757065 72757365 72000000";
  private static final Rpcb RPCB_QUERY = Rpcb.query(0x3123_0000, 1, "");
  private static final String RPCB_QUERY_HEX = "31230000 00000001 00000000 00000000 00000000";

  /** One value, its codec and its exact encoding. */
  record Fixture<T>(XdrCodec<T> codec, T value, String hex) {}

  private static <T> Arguments fixture(String name, XdrCodec<T> codec, T value, String hex) {
    return Arguments.of(Named.of(name, new Fixture<>(codec, value, hex.replace(" ", ""))));
  }

  static Stream<Arguments> fixtures() {
    return Stream.of(
        fixture("mapping", Mapping.CODEC, PMAP_TCP, PMAP_TCP_HEX),
        fixture(
            "mapping, unsigned program",
            Mapping.CODEC,
            new Mapping(-1, -2, 17, 65_535),
            "ffffffff fffffffe 00000011 0000ffff"),
        fixture("pmaplist, empty", Mapping.LIST_CODEC, List.of(), "00000000"),
        fixture(
            "pmaplist, one",
            Mapping.LIST_CODEC,
            List.of(PMAP_TCP),
            "00000001 " + PMAP_TCP_HEX + " 00000000"),
        fixture(
            "pmaplist, two",
            Mapping.LIST_CODEC,
            List.of(PMAP_TCP, SQUARE_UDP),
            "00000001 " + PMAP_TCP_HEX + " 00000001 " + SQUARE_UDP_HEX + " 00000000"),
        fixture("rpcb", Rpcb.CODEC, RPCB_TCP, RPCB_TCP_HEX),
        fixture("rpcb query", Rpcb.CODEC, RPCB_QUERY, RPCB_QUERY_HEX),
        fixture(
            "rpcb, IPv6",
            Rpcb.CODEC,
            new Rpcb(7, 1, "udp6", "::1.0.111", ""),
            "00000007 00000001 00000004 75647036 00000009 3a3a312e 302e3131 31000000"
                + " 00000000"),
        fixture("rp__list, empty", Rpcb.LIST_CODEC, List.of(), "00000000"),
        fixture(
            "rp__list, two",
            Rpcb.LIST_CODEC,
            List.of(RPCB_TCP, RPCB_QUERY),
            "00000001 " + RPCB_TCP_HEX + " 00000001 " + RPCB_QUERY_HEX + " 00000000"),
        fixture(
            "call_args / rpcb_rmtcallargs",
            RemoteCallArgs.CODEC,
            new RemoteCallArgs(0x3123_0000, 1, 1, Opaque.fromHex("00000005")),
            "31230000 00000001 00000001 00000004 00000005"),
        fixture(
            "call_args, no arguments",
            RemoteCallArgs.CODEC,
            new RemoteCallArgs(100_003, 3, 0, Opaque.EMPTY),
            "000186a3 00000003 00000000 00000000"),
        fixture(
            "call_result",
            CallResult.CODEC,
            new CallResult(40_000, Opaque.fromHex("00000019")),
            "00009c40 00000004 00000019"),
        fixture(
            "rpcb_rmtcallres",
            RemoteCallResult.CODEC,
            new RemoteCallResult("127.0.0.1.156.64", Opaque.fromHex("00000019")),
            "00000010 3132372e 302e302e 312e3135 362e3634 00000004 00000019"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  <T> void encodes(Fixture<T> f) {
    XdrEncoder out = new XdrEncoder();
    f.codec().encode(out, f.value());
    assertThat(HEX.formatHex(out.toByteArray())).isEqualTo(f.hex());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  <T> void decodes(Fixture<T> f) {
    XdrDecoder in = new XdrDecoder(HEX.parseHex(f.hex()));
    assertThat(f.codec().decode(in)).isEqualTo(f.value());
    in.requireEnd();
  }

  @Test
  void longListsDecodeInALoop() {
    // Far deeper than a recursive decoder's stack would allow.
    int n = 200_000;
    XdrEncoder out = new XdrEncoder();
    for (int i = 0; i < n; i++) {
      out.writeBoolean(true);
      Mapping.CODEC.encode(out, new Mapping(i, 1, 6, 1));
    }
    out.writeBoolean(false);
    List<Mapping> list = Mapping.LIST_CODEC.decode(new XdrDecoder(out.toByteArray()));
    assertThat(list).hasSize(n);
    assertThat(list.get(n - 1).program()).isEqualTo(n - 1);
    assertThatThrownBy(() -> list.add(PMAP_TCP)).isInstanceOf(UnsupportedOperationException.class);

    List<Mapping> many = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      many.add(new Mapping(i, 1, 6, 1));
    }
    XdrEncoder again = new XdrEncoder();
    Mapping.LIST_CODEC.encode(again, many);
    assertThat(again.toByteArray()).isEqualTo(out.toByteArray());
  }

  @Test
  void listCutShortIsAnError() {
    // TRUE, then half a mapping: the list cannot claim more elements than the bytes that came.
    byte[] bytes = HEX.parseHex("00000001 000186a0 00000002".replace(" ", ""));
    assertThatThrownBy(() -> Mapping.LIST_CODEC.decode(new XdrDecoder(bytes)))
        .isInstanceOf(XdrException.class)
        .hasMessageStartingWith("truncated");
    // TRUE, a mapping, and no end marker.
    byte[] noEnd = HEX.parseHex(("00000001 " + PMAP_TCP_HEX).replace(" ", ""));
    assertThatThrownBy(() -> Mapping.LIST_CODEC.decode(new XdrDecoder(noEnd)))
        .isInstanceOf(XdrException.class)
        .hasMessageStartingWith("truncated");
  }

  @Test
  void listFlagMustBeABool() {
    byte[] bytes = HEX.parseHex("00000002");
    assertThatThrownBy(() -> Rpcb.LIST_CODEC.decode(new XdrDecoder(bytes)))
        .isInstanceOf(XdrException.class)
        .hasMessageContaining("bool must be 0 or 1, got 2");
  }

  @Test
  void stringLengthsAreCheckedAgainstTheBytesLeft() {
    byte[] bytes = HEX.parseHex("000186a0 00000004 ffffffff 74637000".replace(" ", ""));
    assertThatThrownBy(() -> Rpcb.CODEC.decode(new XdrDecoder(bytes)))
        .isInstanceOf(XdrException.class)
        .hasMessageContaining("exceeds its bound");
    byte[] long2 = HEX.parseHex("000186a0 00000004 7fffffff 74637000".replace(" ", ""));
    assertThatThrownBy(() -> Rpcb.CODEC.decode(new XdrDecoder(long2)))
        .isInstanceOf(XdrException.class)
        .hasMessageContaining("cannot fit");
    byte[] opaque = HEX.parseHex("00009c40 7ffffffc".replace(" ", ""));
    assertThatThrownBy(() -> CallResult.CODEC.decode(new XdrDecoder(opaque)))
        .isInstanceOf(XdrException.class)
        .hasMessageContaining("cannot fit");
  }

  @Test
  void nullFieldsAreRefused() {
    assertThatThrownBy(() -> new Rpcb(1, 1, null, "", ""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RemoteCallArgs(1, 1, 1, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rawBytesPassThroughAndMustBeWholeWords() {
    Opaque args = RawBytes.encode(XdrCodec.string(10), "abc");
    assertThat(args.toHex()).isEqualTo("0000000361626300");
    assertThat(RawBytes.decode(XdrCodec.string(10), args)).isEqualTo("abc");
    XdrDecoder odd = new XdrDecoder(HEX.parseHex("000000"));
    assertThatThrownBy(() -> RawBytes.CODEC.decode(odd)).isInstanceOf(XdrException.class);
  }
}
