package io.jrpcgen.server;

import io.jrpcgen.rpc.AuthStat;
import io.jrpcgen.rpc.RpcAuthException;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** A program for server tests whose procedures echo, fail, sleep, count and record their calls. */
final class TestProgram {
  static final int PROGRAM = 0x2000_1234;
  static final int V2 = 2;
  static final int V4 = 4;

  /** A second program whose versions only compare right as unsigned numbers. */
  static final int WIDE_PROGRAM = 0x2000_1235;

  static final int WIDE_LOW = 1;
  static final int WIDE_HIGH = 0xffff_fffe;

  /** {@code string<16> ECHO(string<16>)}. */
  static final int ECHO = 1;

  /** {@code int ADD(int, int)}. */
  static final int ADD = 2;

  /** {@code void FAIL(void)}: throws. */
  static final int FAIL = 3;

  /** {@code void TOO_WEAK(void)}: denies the call with AUTH_TOOWEAK. */
  static final int TOO_WEAK = 4;

  /** {@code void WHO(void)}: records its {@link CallContext}. */
  static final int WHO = 5;

  /** {@code int COUNT(void)}: increments {@link #count}. */
  static final int COUNT = 6;

  /** {@code int SLEEP(int millis)}: signals {@link #sleeping}, then sleeps. */
  static final int SLEEP = 7;

  /** One-way {@code NOTE(int)}: adds its argument to {@link #notes}. */
  static final int NOTE = 8;

  /** One-way {@code NOTE_FAIL(void)}: throws. */
  static final int NOTE_FAIL = 9;

  /** {@code int SUM(int<>)}. */
  static final int SUM = 10;

  /** {@code int DEPTH(link *)}: the length of a linked list decoded recursively. */
  static final int DEPTH = 11;

  static final int ECHO_BOUND = 16;

  /** A node of {@code struct link { link *next; }}, the shape of an XDR linked list. */
  record Link(Link next) {}

  /** Decodes a list by recursion, as a codec for a self-referencing XDR type does. */
  static final XdrCodec<Link> LINK =
      new XdrCodec<>() {
        @Override
        public void encode(XdrEncoder out, Link value) {
          out.writeOptional(value.next(), this);
        }

        @Override
        public Link decode(XdrDecoder in) {
          return new Link(in.readOptional(this));
        }
      };

  private record Pair(int a, int b) {}

  private static final XdrCodec<Pair> PAIR =
      XdrCodec.of(
          (out, p) -> {
            out.writeInt(p.a());
            out.writeInt(p.b());
          },
          in -> new Pair(in.readInt(), in.readInt()),
          8);

  private static final XdrCodec<List<Integer>> INTS =
      XdrCodec.of(
          (out, v) -> out.writeVariableArray(v, XdrCodec.UNBOUNDED, XdrCodec.INT),
          in -> in.readVariableArray(XdrCodec.UNBOUNDED, XdrCodec.INT));

  final AtomicInteger count = new AtomicInteger();
  final AtomicReference<CallContext> seen = new AtomicReference<>();
  final AtomicReference<CallContext> seenCurrent = new AtomicReference<>();
  final BlockingQueue<Integer> notes = new LinkedBlockingQueue<>();
  final CountDownLatch sleeping = new CountDownLatch(1);

  /** Version 2 with every procedure above; no procedure 0. */
  ProgramDefinition v2() {
    return ProgramDefinition.builder(PROGRAM, V2)
        .procedure(
            Procedure.of(
                ECHO,
                "ECHO",
                XdrCodec.string(ECHO_BOUND),
                XdrCodec.string(ECHO_BOUND),
                (call, s) -> s))
        .procedure(Procedure.of(ADD, "ADD", PAIR, XdrCodec.INT, (call, p) -> p.a() + p.b()))
        .procedure(
            Procedure.of(
                FAIL,
                "FAIL",
                XdrCodec.VOID,
                XdrCodec.VOID,
                (call, v) -> {
                  throw new IllegalStateException("FAIL always fails (expected by the test)");
                }))
        .procedure(
            Procedure.of(
                TOO_WEAK,
                "TOO_WEAK",
                XdrCodec.VOID,
                XdrCodec.VOID,
                (call, v) -> {
                  throw new RpcAuthException(null, AuthStat.AUTH_TOOWEAK);
                }))
        .procedure(
            Procedure.of(
                WHO,
                "WHO",
                XdrCodec.VOID,
                XdrCodec.VOID,
                (call, v) -> {
                  seenCurrent.set(CallContext.current());
                  seen.set(call);
                  return null;
                }))
        .procedure(
            Procedure.of(
                COUNT, "COUNT", XdrCodec.VOID, XdrCodec.INT, (call, v) -> count.incrementAndGet()))
        .procedure(
            Procedure.of(
                SLEEP,
                "SLEEP",
                XdrCodec.INT,
                XdrCodec.INT,
                (call, ms) -> {
                  sleeping.countDown();
                  try {
                    Thread.sleep(ms);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return ms;
                }))
        .procedure(Procedure.oneWay(NOTE, "NOTE", XdrCodec.INT, (call, n) -> notes.add(n)))
        .procedure(
            Procedure.oneWay(
                NOTE_FAIL,
                "NOTE_FAIL",
                XdrCodec.VOID,
                (call, v) -> {
                  throw new IllegalStateException("NOTE_FAIL always fails (expected by the test)");
                }))
        .procedure(
            Procedure.of(
                SUM,
                "SUM",
                INTS,
                XdrCodec.INT,
                (call, v) -> v.stream().mapToInt(Integer::intValue).sum()))
        .procedure(
            Procedure.of(
                DEPTH,
                "DEPTH",
                LINK,
                XdrCodec.INT,
                (call, link) -> {
                  int n = 0;
                  for (Link l = link.next(); l != null; l = l.next()) {
                    n++;
                  }
                  return n;
                }))
        .build();
  }

  /** Version 4: ECHO only. */
  ProgramDefinition v4() {
    return ProgramDefinition.builder(PROGRAM, V4)
        .procedure(
            Procedure.of(
                ECHO,
                "ECHO",
                XdrCodec.string(ECHO_BOUND),
                XdrCodec.string(ECHO_BOUND),
                (call, s) -> s))
        .build();
  }

  /** A server on the loopback serving versions 2 and 4 and the wide program; ports unset. */
  RpcServer.Builder server() {
    return RpcServer.builder()
        .bindAddress(RawWire.LOOPBACK)
        .program(v2())
        .program(v4())
        .program(ProgramDefinition.builder(WIDE_PROGRAM, WIDE_HIGH).build())
        .program(ProgramDefinition.builder(WIDE_PROGRAM, WIDE_LOW).build());
  }
}
