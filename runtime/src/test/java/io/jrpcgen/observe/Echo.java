package io.jrpcgen.observe;

import io.jrpcgen.rpc.AuthStat;
import io.jrpcgen.rpc.RpcAuthException;
import io.jrpcgen.server.Procedure;
import io.jrpcgen.server.ProgramDefinition;
import io.jrpcgen.xdr.XdrCodec;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CountDownLatch;

/** A program for listener tests whose procedures succeed, sleep, deny, fail and stay silent. */
final class Echo {
  static final int PROGRAM = 0x2000_4242;
  static final int VERSION = 3;
  static final String PROGRAM_NAME = "ECHO_PROG";

  /** {@code int SQUARE(int)}. */
  static final int SQUARE = 1;

  /** {@code int SLEEP(int millis)}. */
  static final int SLEEP = 2;

  /** {@code void TOO_WEAK(void)}: AUTH_TOOWEAK. */
  static final int TOO_WEAK = 3;

  /** {@code void FAIL(void)}: throws, so SYSTEM_ERR. */
  static final int FAIL = 4;

  /** One-way {@code NOTE(int)}: counts {@link #notes} down. */
  static final int NOTE = 5;

  /** {@code string<4> SHORT(string<4>)}. */
  static final int SHORT = 6;

  /** {@code void CRASH(void)}: throws an error that the server does not turn into a reply. */
  static final int CRASH = 7;

  static final XdrCodec<String> SHORT_STRING = XdrCodec.string(4);

  /** 127.0.0.1 without a host name. */
  static final InetAddress LOOPBACK = loopback();

  final CountDownLatch notes = new CountDownLatch(1);

  /** The program's names as a generated client carries them. */
  static final ProgramNames NAMES =
      ProgramNames.builder(PROGRAM_NAME)
          .procedure(SQUARE, "SQUARE")
          .procedure(SLEEP, "SLEEP")
          .procedure(TOO_WEAK, "TOO_WEAK")
          .procedure(FAIL, "FAIL")
          .procedure(NOTE, "NOTE")
          .procedure(SHORT, "SHORT")
          .build();

  ProgramDefinition definition() {
    return ProgramDefinition.builder(PROGRAM, VERSION)
        .programName(PROGRAM_NAME)
        .procedure(Procedure.of(SQUARE, "SQUARE", XdrCodec.INT, XdrCodec.INT, (c, n) -> n * n))
        .procedure(
            Procedure.of(
                SLEEP,
                "SLEEP",
                XdrCodec.INT,
                XdrCodec.INT,
                (c, millis) -> {
                  try {
                    Thread.sleep(millis);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return millis;
                }))
        .procedure(
            Procedure.ofVoid(
                TOO_WEAK,
                "TOO_WEAK",
                XdrCodec.VOID,
                (c, v) -> {
                  throw new RpcAuthException(null, AuthStat.AUTH_TOOWEAK);
                }))
        .procedure(
            Procedure.ofVoid(
                FAIL,
                "FAIL",
                XdrCodec.VOID,
                (c, v) -> {
                  throw new IllegalStateException("FAIL fails");
                }))
        .procedure(Procedure.oneWay(NOTE, "NOTE", XdrCodec.INT, (c, n) -> notes.countDown()))
        .procedure(Procedure.of(SHORT, "SHORT", SHORT_STRING, SHORT_STRING, (c, s) -> s))
        .procedure(
            Procedure.ofVoid(
                CRASH,
                "CRASH",
                XdrCodec.VOID,
                (c, v) -> {
                  throw new AssertionError("CRASH crashes");
                }))
        .build();
  }

  private static InetAddress loopback() {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
