package io.jrpcgen.server;

import io.jrpcgen.xdr.XdrCodec;
import java.util.function.BiConsumer;

/**
 * One entry of a program version's dispatch table: a procedure number with its codecs and
 * implementation.
 *
 * @param <A> the argument type
 * @param <R> the result type
 * @param number the procedure number
 * @param name the procedure's name, for logs
 * @param argsCodec decodes the arguments
 * @param resultCodec encodes the results
 * @param handler the implementation: one that returns its results, or one that returns a future
 * @param replies false for a procedure that never replies: the target of batched calls
 */
public record Procedure<A, R>(
    int number,
    String name,
    XdrCodec<A> argsCodec,
    XdrCodec<R> resultCodec,
    ProcedureImplementation<A, R> handler,
    boolean replies) {

  public Procedure {
    if (number < 0) {
      throw new IllegalArgumentException("procedure number < 0: " + number);
    }
    if (name == null || argsCodec == null || resultCodec == null || handler == null) {
      throw new IllegalArgumentException("procedure " + number + " has a null part");
    }
  }

  /** A procedure that replies with its results. */
  public static <A, R> Procedure<A, R> of(
      int number,
      String name,
      XdrCodec<A> argsCodec,
      XdrCodec<R> resultCodec,
      ProcedureHandler<A, R> handler) {
    return new Procedure<>(number, name, argsCodec, resultCodec, handler, true);
  }

  /**
   * A procedure that replies when the stage {@code handler} returns completes: the call holds no
   * server thread meanwhile. Void procedures use {@link XdrCodec#VOID} and a stage of null.
   */
  public static <A, R> Procedure<A, R> ofAsync(
      int number,
      String name,
      XdrCodec<A> argsCodec,
      XdrCodec<R> resultCodec,
      AsyncProcedureHandler<A, R> handler) {
    return new Procedure<>(number, name, argsCodec, resultCodec, handler, true);
  }

  /** A procedure that replies with no results ({@code void}). */
  public static <A> Procedure<A, Void> ofVoid(
      int number, String name, XdrCodec<A> argsCodec, BiConsumer<CallContext, A> handler) {
    return new Procedure<>(number, name, argsCodec, XdrCodec.VOID, discardResult(handler), true);
  }

  /** A procedure that never replies, for calls sent batched (RFC 5531 §8). */
  public static <A> Procedure<A, Void> oneWay(
      int number, String name, XdrCodec<A> argsCodec, BiConsumer<CallContext, A> handler) {
    return new Procedure<>(number, name, argsCodec, XdrCodec.VOID, discardResult(handler), false);
  }

  private static <A> ProcedureHandler<A, Void> discardResult(BiConsumer<CallContext, A> handler) {
    return (call, args) -> {
      handler.accept(call, args);
      return null;
    };
  }
}
