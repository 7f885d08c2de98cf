package io.jrpcgen.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.rpc.AcceptStat;
import io.jrpcgen.rpc.AuthStat;
import io.jrpcgen.rpc.AuthSys;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import io.jrpcgen.xdr.XdrException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Call and reply headers match RFC 5531 §9 byte for byte and read back into the right records. */
class RpcMessagesTest {
  private static final HexFormat HEX = HexFormat.of();

  private static String hex(Consumer<XdrEncoder> writer) {
    XdrEncoder out = new XdrEncoder();
    writer.accept(out);
    return HEX.formatHex(out.toByteArray());
  }

  private static XdrDecoder decoder(String hex) {
    return new XdrDecoder(HEX.parseHex(hex.replace(" ", "")));
  }

  private static CallHeader readCall(XdrDecoder in) {
    int xid = in.readInt();
    assertThat(in.readInt()).as("msg_type").isEqualTo(RpcMessages.CALL);
    assertThat(in.readInt()).as("rpcvers").isEqualTo(RpcMessages.RPC_VERSION);
    return RpcMessages.readCallBody(xid, in);
  }

  @Test
  void callWithAuthNone() {
    CallHeader call = new CallHeader(0x01020304, 100000, 2, 0, OpaqueAuth.NONE, OpaqueAuth.NONE);
    String expected =
        String.join(
            "",
            "01020304", // xid
            "00000000", // msg_type CALL
            "00000002", // rpcvers
            "000186a0", // prog 100000 (portmapper)
            "00000002", // vers
            "00000000", // proc NULL
            "00000000",
            "00000000", // cred: AUTH_NONE, empty body
            "00000000",
            "00000000"); // verf: AUTH_NONE, empty body

    assertThat(hex(out -> RpcMessages.writeCall(out, call))).isEqualTo(expected);
    XdrDecoder in = decoder(expected);
    assertThat(readCall(in)).isEqualTo(call);
    in.requireEnd();
  }

  @Test
  void callWithAuthSys() {
    AuthSys sys = new AuthSys(0x12345678, "node1", 1000, 100, List.of(100, 4, 24));
    CallHeader call = new CallHeader(0xdeadbeef, 100003, 3, 1, sys.toOpaqueAuth(), OpaqueAuth.NONE);
    // authsys_parms (RFC 5531 Appendix A), worked out by hand.
    String body =
        String.join(
            "",
            "12345678", // stamp
            "00000005",
            "6e6f6465",
            "31000000", // machinename<255> "node1", 3 bytes padding
            "000003e8", // uid 1000
            "00000064", // gid 100
            "00000003",
            "00000064",
            "00000004",
            "00000018"); // gids<16> {100, 4, 24}
    String expected =
        String.join(
            "",
            "deadbeef",
            "00000000",
            "00000002",
            "000186a3",
            "00000003",
            "00000001", // NFS v3 GETATTR
            "00000001",
            "00000028",
            body, // cred: AUTH_SYS, 40 bytes
            "00000000",
            "00000000");

    assertThat(hex(out -> RpcMessages.writeCall(out, call))).isEqualTo(expected);
    CallHeader read = readCall(decoder(expected));
    assertThat(read).isEqualTo(call);
    assertThat(AuthSys.fromOpaqueAuth(read.credential())).isEqualTo(sys);
  }

  @Test
  void callArgumentsFollowTheHeader() {
    CallHeader call = new CallHeader(7, 1, 1, 1, OpaqueAuth.NONE, OpaqueAuth.NONE);
    XdrEncoder out = new XdrEncoder();
    RpcMessages.writeCall(out, call);
    out.writeInt(0xa5a5a5a5);
    XdrDecoder in = new XdrDecoder(out.toByteArray());
    readCall(in);
    assertThat(in.readInt()).isEqualTo(0xa5a5a5a5);
    in.requireEnd();
  }

  /** A reply header as written by RpcMessages, its exact bytes and the record it reads into. */
  record ReplyCase(Consumer<XdrEncoder> writer, String hex, Reply reply) {}

  private static Arguments reply(
      String name, Consumer<XdrEncoder> writer, String hex, Reply reply) {
    return Arguments.of(Named.of(name, new ReplyCase(writer, hex.replace(" ", ""), reply)));
  }

  private static final OpaqueAuth NONE = OpaqueAuth.NONE;
  // xid 42 | REPLY | MSG_ACCEPTED | verf AUTH_NONE
  private static final String ACCEPTED = "0000002a 00000001 00000000 00000000 00000000 ";
  // xid 42 | REPLY | MSG_DENIED
  private static final String DENIED = "0000002a 00000001 00000001 ";

  static Stream<Arguments> replies() {
    OpaqueAuth shortVerf = OpaqueAuth.shortHand(Opaque.fromHex("cafe01"));
    return Stream.of(
        reply(
            "SUCCESS",
            out -> RpcMessages.writeAccepted(out, 42, NONE, AcceptStat.SUCCESS),
            ACCEPTED + "00000000",
            new Reply.Success(42, NONE)),
        reply(
            "SUCCESS with an AUTH_SHORT verifier",
            out -> RpcMessages.writeAccepted(out, 42, shortVerf, AcceptStat.SUCCESS),
            "0000002a 00000001 00000000 00000002 00000003 cafe0100 00000000",
            new Reply.Success(42, shortVerf)),
        reply(
            "PROG_UNAVAIL",
            out -> RpcMessages.writeAccepted(out, 42, NONE, AcceptStat.PROG_UNAVAIL),
            ACCEPTED + "00000001",
            new Reply.AcceptedError(42, NONE, AcceptStat.PROG_UNAVAIL)),
        reply(
            "PROG_MISMATCH",
            out -> RpcMessages.writeProgramMismatch(out, 42, NONE, 1, 3),
            ACCEPTED + "00000002 00000001 00000003",
            new Reply.ProgramMismatch(42, NONE, 1, 3)),
        reply(
            "PROC_UNAVAIL",
            out -> RpcMessages.writeAccepted(out, 42, NONE, AcceptStat.PROC_UNAVAIL),
            ACCEPTED + "00000003",
            new Reply.AcceptedError(42, NONE, AcceptStat.PROC_UNAVAIL)),
        reply(
            "GARBAGE_ARGS",
            out -> RpcMessages.writeAccepted(out, 42, NONE, AcceptStat.GARBAGE_ARGS),
            ACCEPTED + "00000004",
            new Reply.AcceptedError(42, NONE, AcceptStat.GARBAGE_ARGS)),
        reply(
            "SYSTEM_ERR",
            out -> RpcMessages.writeAccepted(out, 42, NONE, AcceptStat.SYSTEM_ERR),
            ACCEPTED + "00000005",
            new Reply.AcceptedError(42, NONE, AcceptStat.SYSTEM_ERR)),
        reply(
            "RPC_MISMATCH",
            out -> RpcMessages.writeRpcMismatch(out, 42),
            DENIED + "00000000 00000002 00000002",
            new Reply.RpcMismatch(42, 2, 2)),
        reply(
            "AUTH_ERROR",
            out -> RpcMessages.writeAuthError(out, 42, AuthStat.AUTH_TOOWEAK),
            DENIED + "00000001 00000005",
            new Reply.AuthError(42, AuthStat.AUTH_TOOWEAK)),
        reply(
            "AUTH_ERROR with a GSS status",
            out -> RpcMessages.writeAuthError(out, 42, AuthStat.RPCSEC_GSS_CTXPROBLEM),
            DENIED + "00000001 0000000e",
            new Reply.AuthError(42, AuthStat.RPCSEC_GSS_CTXPROBLEM)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("replies")
  void replyIsWrittenToExactBytes(ReplyCase c) {
    assertThat(hex(c.writer())).isEqualTo(c.hex());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("replies")
  void replyReadsBackIntoTheRightRecord(ReplyCase c) {
    XdrDecoder in = decoder(c.hex());
    assertThat(RpcMessages.readReply(in)).isEqualTo(c.reply());
    in.requireEnd();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("replies")
  void truncatedReplyIsAnXdrException(ReplyCase c) {
    byte[] full = HEX.parseHex(c.hex());
    IntStream.range(0, full.length)
        .forEach(
            cut ->
                assertThatThrownBy(() -> RpcMessages.readReply(new XdrDecoder(full, 0, cut)))
                    .as("cut after %d bytes", cut)
                    .isInstanceOf(XdrException.class));
  }

  @Test
  void successLeavesTheDecoderAtTheResults() {
    XdrDecoder in = decoder(ACCEPTED + "00000000 00000019");
    assertThat(RpcMessages.readReply(in)).isInstanceOf(Reply.Success.class);
    assertThat(in.readInt()).isEqualTo(25);
  }

  @Test
  void progMismatchMustUseItsOwnWriter() {
    XdrEncoder out = new XdrEncoder();
    assertThatThrownBy(() -> RpcMessages.writeAccepted(out, 1, NONE, AcceptStat.PROG_MISMATCH))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("PROG_MISMATCH needs writeProgramMismatch");
    assertThat(out.position()).isZero();
  }

  @ParameterizedTest
  @ValueSource(ints = {6, 7, -1, Integer.MAX_VALUE})
  void unknownAcceptStatIsAnXdrException(int value) {
    String stat = String.format("%08x", value);
    assertThatThrownBy(() -> RpcMessages.readReply(decoder(ACCEPTED + stat)))
        .isInstanceOf(XdrException.class)
        .hasMessage("unknown accept_stat " + value);
    assertThatThrownBy(() -> AcceptStat.fromValue(value))
        .isInstanceOf(XdrException.class)
        .hasMessage("unknown accept_stat " + value);
  }

  @ParameterizedTest
  @ValueSource(ints = {8, 12, 15, -1})
  void unknownAuthStatIsAnXdrException(int value) {
    String stat = String.format("%08x", value);
    assertThatThrownBy(() -> RpcMessages.readReply(decoder(DENIED + "00000001" + stat)))
        .isInstanceOf(XdrException.class)
        .hasMessage("unknown auth_stat " + value);
  }

  @Test
  void unknownRejectStatIsAnXdrException() {
    assertThatThrownBy(() -> RpcMessages.readReply(decoder(DENIED + "00000002")))
        .isInstanceOf(XdrException.class)
        .hasMessage("unknown reject_stat 2");
  }

  @Test
  void unknownReplyStatIsAnXdrException() {
    assertThatThrownBy(() -> RpcMessages.readReply(decoder("0000002a 00000001 00000002")))
        .isInstanceOf(XdrException.class)
        .hasMessage("unknown reply_stat 2");
  }

  @Test
  void callIsNotAReply() {
    String call =
        "0000002a 00000000 00000002 00000001 00000001 00000000 "
            + "00000000 00000000 00000000 00000000";
    assertThatThrownBy(() -> RpcMessages.readReply(decoder(call)))
        .isInstanceOf(XdrException.class)
        .hasMessage("expected a reply (msg_type 1), got msg_type 0");
  }

  @Test
  void replyVerifierOver400BytesIsRefused() {
    String verifier = "00000001 00000191" + "00".repeat(404); // 401 bytes, padded
    assertThatThrownBy(
            () ->
                RpcMessages.readReply(
                    decoder("0000002a 00000001 00000000 " + verifier + " 00000000")))
        .isInstanceOf(XdrException.class)
        .hasMessage("opaque length 401 at offset 16 exceeds its bound of 400");
  }

  @Test
  void authStatValuesMatchRfc5531() {
    assertThat(AuthStat.values())
        .extracting(AuthStat::value)
        .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 13, 14);
    assertThat(AuthStat.fromValue(13)).isEqualTo(AuthStat.RPCSEC_GSS_CREDPROBLEM);
  }
}
