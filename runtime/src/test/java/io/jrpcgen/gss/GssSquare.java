package io.jrpcgen.gss;

import io.jrpcgen.server.NoReplyException;
import io.jrpcgen.server.Procedure;
import io.jrpcgen.server.ProgramDefinition;
import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrCodec;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Stevens' square program (the C peers' {@code square.x}) with two more procedures for the GSS
 * tests: who called, and an echo of bytes.
 */
final class GssSquare {
  static final int PROGRAM = 0x31230000;
  static final int VERSION = 1;
  static final int SQUAREPROC = 1;

  /** {@code string WHO(void)}: the caller's principal and service. */
  static final int WHO = 2;

  /** {@code opaque ECHO(opaque)}. */
  static final int ECHO = 3;

  /** {@code int FIRST_UNANSWERED(int)}: its first call gets no reply, later ones their square. */
  static final int FIRST_UNANSWERED = 4;

  /** How many calls reached a procedure. */
  final AtomicInteger calls = new AtomicInteger();

  /** The caller of the last SQUAREPROC call, or null for a caller without RPCSEC_GSS. */
  final AtomicReference<GssCaller> lastCaller = new AtomicReference<>();

  /** Whether the next FIRST_UNANSWERED call goes unanswered. */
  final AtomicBoolean unanswered = new AtomicBoolean(true);

  ProgramDefinition definition() {
    return ProgramDefinition.builder(PROGRAM, VERSION)
        .procedure(
            Procedure.of(
                SQUAREPROC,
                "SQUAREPROC",
                XdrCodec.INT,
                XdrCodec.INT,
                (call, n) -> {
                  calls.incrementAndGet();
                  lastCaller.set(call.gssCaller().orElse(null));
                  return n * n;
                }))
        .procedure(
            Procedure.of(
                WHO,
                "WHO",
                XdrCodec.VOID,
                XdrCodec.string(256),
                (call, v) -> {
                  calls.incrementAndGet();
                  return call.gssCaller()
                      .map(c -> c.principal() + " " + c.service() + " " + c.mechanism())
                      .orElse("none");
                }))
        .procedure(
            Procedure.of(
                ECHO,
                "ECHO",
                XdrCodec.opaque(Integer.MAX_VALUE),
                XdrCodec.opaque(Integer.MAX_VALUE),
                (call, bytes) -> {
                  calls.incrementAndGet();
                  return bytes;
                }))
        .procedure(
            Procedure.of(
                FIRST_UNANSWERED,
                "FIRST_UNANSWERED",
                XdrCodec.INT,
                XdrCodec.INT,
                (call, n) -> {
                  calls.incrementAndGet();
                  if (unanswered.getAndSet(false)) {
                    throw new NoReplyException("the test's lost reply");
                  }
                  return n * n;
                }))
        .build();
  }

  static Opaque bytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + 7);
    }
    return Opaque.copyOf(b);
  }
}
