package io.jrpcgen.server;

import static io.jrpcgen.server.RawWire.assertIntResult;
import static io.jrpcgen.server.RawWire.assertReply;
import static io.jrpcgen.server.RawWire.call;
import static io.jrpcgen.server.RawWire.concat;
import static io.jrpcgen.server.RawWire.exchange;
import static io.jrpcgen.server.RawWire.words;
import static io.jrpcgen.server.TestProgram.PROGRAM;
import static io.jrpcgen.server.TestProgram.V2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.internal.rpc.Reply;
import io.jrpcgen.internal.rpc.RpcMessages;
import io.jrpcgen.rpc.AcceptStat;
import io.jrpcgen.rpc.AuthFlavor;
import io.jrpcgen.rpc.AuthStat;
import io.jrpcgen.rpc.AuthSys;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.server.CallContext.Transport;
import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Every reply the server makes on its own, checked byte for byte over raw TCP and UDP. */
class ServerErrorRepliesTest {
  private static final TestProgram PROG = new TestProgram();
  private static RpcServer server;

  @BeforeAll
  static void start() {
    server = PROG.server().tcp(0).udp(0).start();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void nullProcIsAnsweredByTheRuntimeWithNoResults(Transport t) throws IOException {
    // Neither version defines procedure 0.
    assertReply(
        exchange(t, server, call(0x101, PROGRAM, V2, 0)),
        new Reply.Success(0x101, OpaqueAuth.NONE));
    assertReply(
        exchange(t, server, call(0x102, PROGRAM, TestProgram.V4, 0)),
        new Reply.Success(0x102, OpaqueAuth.NONE));
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void unknownProgramIsProgUnavail(Transport t) throws IOException {
    assertReply(
        exchange(t, server, call(0x201, 0x3000_0000, 1, 1)),
        new Reply.AcceptedError(0x201, OpaqueAuth.NONE, AcceptStat.PROG_UNAVAIL));
    // NULLPROC of an unknown program is no exception.
    assertReply(
        exchange(t, server, call(0x202, 0x3000_0000, 1, 0)),
        new Reply.AcceptedError(0x202, OpaqueAuth.NONE, AcceptStat.PROG_UNAVAIL));
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void versionBetweenTheServedOnesIsProgMismatchWithTheRange(Transport t) throws IOException {
    assertReply(
        exchange(t, server, call(0x301, PROGRAM, 3, TestProgram.ECHO)),
        new Reply.ProgramMismatch(0x301, OpaqueAuth.NONE, 2, 4));
    assertReply(
        exchange(t, server, call(0x302, PROGRAM, 5, 0)),
        new Reply.ProgramMismatch(0x302, OpaqueAuth.NONE, 2, 4));
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void progMismatchRangeComparesVersionsUnsigned(Transport t) throws IOException {
    XdrDecoder in =
        new XdrDecoder(exchange(t, server, call(0x303, TestProgram.WIDE_PROGRAM, 7, 0)));
    Reply reply = RpcMessages.readReply(in);
    assertThat(reply)
        .isEqualTo(
            new Reply.ProgramMismatch(
                0x303, OpaqueAuth.NONE, TestProgram.WIDE_LOW, TestProgram.WIDE_HIGH));
    Reply.ProgramMismatch m = (Reply.ProgramMismatch) reply;
    assertThat(Integer.toUnsignedLong(m.low())).isEqualTo(1L);
    assertThat(Integer.toUnsignedLong(m.high())).isEqualTo(0xffff_fffeL);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void unknownProcedureIsProcUnavail(Transport t) throws IOException {
    for (int procedure : new int[] {99, 65_536, -1}) {
      assertReply(
          exchange(t, server, call(0x401, PROGRAM, V2, procedure)),
          new Reply.AcceptedError(0x401, OpaqueAuth.NONE, AcceptStat.PROC_UNAVAIL));
    }
    // ADD exists in version 2 only.
    assertReply(
        exchange(t, server, call(0x402, PROGRAM, TestProgram.V4, TestProgram.ADD)),
        new Reply.AcceptedError(0x402, OpaqueAuth.NONE, AcceptStat.PROC_UNAVAIL));
  }

  static Stream<Arguments> garbageArguments() {
    byte[] seventeen = "abcdefghijklmnopq".getBytes(StandardCharsets.US_ASCII);
    List<Arguments> cases =
        List.of(
            Arguments.of("ADD with one int of two", TestProgram.ADD, words(1)),
            Arguments.of("ADD with no arguments", TestProgram.ADD, new byte[0]),
            Arguments.of(
                "ECHO of 17 bytes, bound 16",
                TestProgram.ECHO,
                concat(words(17), seventeen, new byte[3])),
            Arguments.of(
                "ECHO of length 0xffffffff", TestProgram.ECHO, words(0xffff_ffff, 0x6162_6364)),
            Arguments.of("ECHO with its bytes cut short", TestProgram.ECHO, words(8, 0x6162_6364)),
            Arguments.of("ECHO with non-zero padding", TestProgram.ECHO, words(1, 0x6101_0101)),
            // An unbounded array whose count no datagram could hold: refused before allocating.
            Arguments.of("SUM of 0x7fffffff ints", TestProgram.SUM, words(0x7fff_ffff, 1, 2)),
            Arguments.of("SUM of 0xffffffff ints", TestProgram.SUM, words(0xffff_ffff, 1, 2)),
            Arguments.of("DEPTH with a bool of 2", TestProgram.DEPTH, words(2)));
    return Stream.of(Transport.values())
        .flatMap(t -> cases.stream().map(c -> Arguments.of(t, c.get()[0], c.get()[1], c.get()[2])));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("garbageArguments")
  void undecodableArgumentsAreGarbageArgs(Transport t, String what, int procedure, byte[] args)
      throws IOException {
    byte[] message = concat(call(0x501, PROGRAM, V2, procedure), args);
    assertReply(
        exchange(t, server, message),
        new Reply.AcceptedError(0x501, OpaqueAuth.NONE, AcceptStat.GARBAGE_ARGS));
  }

  @Test
  void handlerExceptionIsSystemErrAndTheConnectionServesOn() throws IOException {
    try (Socket s = RawWire.connect(server)) {
      RawWire.send(s, RawWire.record(call(0x601, PROGRAM, V2, TestProgram.FAIL)));
      assertReply(
          RawWire.readRecord(s),
          new Reply.AcceptedError(0x601, OpaqueAuth.NONE, AcceptStat.SYSTEM_ERR));
      RawWire.send(s, RawWire.record(call(0x602, PROGRAM, V2, TestProgram.ADD, add(2, 3))));
      assertIntResult(RawWire.readRecord(s), 0x602, 5);
    }
  }

  @Test
  void handlerExceptionIsSystemErrAndUdpServesOn() throws IOException {
    try (DatagramSocket s = RawWire.udpSocket()) {
      RawWire.send(s, server, call(0x603, PROGRAM, V2, TestProgram.FAIL));
      assertReply(
          RawWire.receive(s),
          new Reply.AcceptedError(0x603, OpaqueAuth.NONE, AcceptStat.SYSTEM_ERR));
      RawWire.send(s, server, call(0x604, PROGRAM, V2, TestProgram.ADD, add(2, 3)));
      assertIntResult(RawWire.receive(s), 0x604, 5);
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void otherRpcVersionIsRpcMismatchTwoToTwo(Transport t) throws IOException {
    byte[] v3 = call(0x701, PROGRAM, V2, TestProgram.ECHO, out -> out.writeString("x", 16));
    v3[11] = 3;
    assertReply(exchange(t, server, v3), new Reply.RpcMismatch(0x701, 2, 2));
    // A version-3 call may look like anything after rpcvers.
    assertReply(exchange(t, server, words(0x702, 0, 3)), new Reply.RpcMismatch(0x702, 2, 2));
    assertReply(
        exchange(t, server, words(0x703, 0, 0xffff_ffff, 1)), new Reply.RpcMismatch(0x703, 2, 2));
  }

  static Stream<Arguments> malformedAuthSysBodies() {
    XdrEncoder trailing = new XdrEncoder();
    trailing.writeInt(1);
    trailing.writeString("host", 255);
    trailing.writeInt(0);
    trailing.writeInt(0);
    trailing.writeInt(0);
    trailing.writeInt(0xdead);
    return Stream.of(
        Arguments.of("stamp only", words(7)),
        Arguments.of("empty", new byte[0]),
        Arguments.of(
            "machine name of 256 bytes", concat(words(7, 256), new byte[256], words(0, 0, 0))),
        Arguments.of("17 gids", concat(words(7, 0, 0, 0, 17), new byte[17 * 4])),
        Arguments.of("machine name longer than the body", words(7, 100, 0, 0)),
        Arguments.of("trailing bytes", trailing.toByteArray()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedAuthSysBodies")
  void malformedAuthSysIsBadCred(String what, byte[] body) throws IOException {
    OpaqueAuth credential = new OpaqueAuth(1, Opaque.copyOf(body));
    byte[] message = call(0x801, PROGRAM, V2, TestProgram.WHO, credential, out -> {});
    for (Transport t : Transport.values()) {
      assertReply(exchange(t, server, message), new Reply.AuthError(0x801, AuthStat.AUTH_BADCRED));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void unknownFlavorIsRejectedCred(Transport t) throws IOException {
    PROG.seen.set(null);
    OpaqueAuth credential = new OpaqueAuth(99, Opaque.fromHex("00000001"));
    assertReply(
        exchange(t, server, call(0x802, PROGRAM, V2, TestProgram.WHO, credential, out -> {})),
        new Reply.AuthError(0x802, AuthStat.AUTH_REJECTEDCRED));
    assertThat(PROG.seen.get()).as("WHO ran").isNull();
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void handlerDenyingTheCallIsTooWeak(Transport t) throws IOException {
    assertReply(
        exchange(t, server, call(0x803, PROGRAM, V2, TestProgram.TOO_WEAK)),
        new Reply.AuthError(0x803, AuthStat.AUTH_TOOWEAK));
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void oversizedCredentialOrVerifierIsRefused(Transport t) throws IOException {
    byte[] head = words(0x804, 0, 2, PROGRAM, V2, TestProgram.WHO);
    byte[] noAuth = words(0, 0);
    byte[] big = concat(words(1, 401), new byte[404]);
    assertReply(
        exchange(t, server, concat(head, big, noAuth)),
        new Reply.AuthError(0x804, AuthStat.AUTH_BADCRED));
    assertReply(
        exchange(t, server, concat(head, words(1, 0xffff_ffff), noAuth)),
        new Reply.AuthError(0x804, AuthStat.AUTH_BADCRED));
    assertReply(
        exchange(t, server, concat(head, noAuth, big)),
        new Reply.AuthError(0x804, AuthStat.AUTH_BADVERF));
    // 400 bytes is the largest body allowed: flavor 99 is refused for its flavor, not its size.
    assertReply(
        exchange(t, server, concat(head, words(99, 400), new byte[400], noAuth)),
        new Reply.AuthError(0x804, AuthStat.AUTH_REJECTEDCRED));
  }

  @Test
  void handlerSeesAuthSysAndPeerOverTcp() throws IOException {
    AuthSys who = new AuthSys(7, "tester", 1001, 100, List.of(4, 27));
    try (Socket s = RawWire.connect(server)) {
      RawWire.send(
          s,
          RawWire.record(call(0x901, PROGRAM, V2, TestProgram.WHO, who.toOpaqueAuth(), out -> {})));
      assertReply(RawWire.readRecord(s), new Reply.Success(0x901, OpaqueAuth.NONE));
      assertContext(0x901, who, (InetSocketAddress) s.getLocalSocketAddress(), Transport.TCP);
    }
  }

  @Test
  void handlerSeesAuthSysAndPeerOverUdp() throws IOException {
    AuthSys who = new AuthSys(8, "udp-tester", 0, 0, List.of());
    try (DatagramSocket s = RawWire.udpSocket()) {
      RawWire.send(
          s, server, call(0x902, PROGRAM, V2, TestProgram.WHO, who.toOpaqueAuth(), out -> {}));
      assertReply(RawWire.receive(s), new Reply.Success(0x902, OpaqueAuth.NONE));
      assertContext(0x902, who, (InetSocketAddress) s.getLocalSocketAddress(), Transport.UDP);
    }
  }

  @Test
  void handlerSeesNoAuthSysForAuthNoneOrAuthShort() throws IOException {
    assertReply(
        RawWire.tcpExchange(server, call(0x903, PROGRAM, V2, TestProgram.WHO)),
        new Reply.Success(0x903, OpaqueAuth.NONE));
    assertThat(PROG.seen.get().authSys()).isEmpty();

    OpaqueAuth shortHand = OpaqueAuth.shortHand(Opaque.fromHex("0102030405060708"));
    assertReply(
        RawWire.tcpExchange(
            server, call(0x904, PROGRAM, V2, TestProgram.WHO, shortHand, out -> {})),
        new Reply.Success(0x904, OpaqueAuth.NONE));
    assertThat(PROG.seen.get().authSys()).isEmpty();
    assertThat(PROG.seen.get().credential()).isEqualTo(shortHand);
    // The context is the handler's only: this thread never served a call.
    assertThatThrownBy(CallContext::current).isInstanceOf(IllegalStateException.class);
  }

  private static void assertContext(
      int xid, AuthSys who, InetSocketAddress client, Transport transport) {
    CallContext seen = PROG.seen.getAndSet(null);
    assertThat(seen).isNotNull();
    assertThat(PROG.seenCurrent.get()).as("CallContext.current()").isSameAs(seen);
    assertThat(seen.xid()).isEqualTo(xid);
    assertThat(seen.program()).isEqualTo(PROGRAM);
    assertThat(seen.version()).isEqualTo(V2);
    assertThat(seen.procedure()).isEqualTo(TestProgram.WHO);
    assertThat(seen.authSys()).contains(who);
    assertThat(seen.hasFlavor(AuthFlavor.AUTH_SYS)).isTrue();
    assertThat(seen.remoteAddress()).isEqualTo(client);
    assertThat(seen.transport()).isEqualTo(transport);
  }

  private static Consumer<XdrEncoder> add(int a, int b) {
    return out -> {
      out.writeInt(a);
      out.writeInt(b);
    };
  }
}
