package io.jrpcgen.samples.square;

import io.jrpcgen.server.ProgramDefinition;
import io.jrpcgen.server.Procedure;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.transport.RpcClient;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import java.util.function.IntUnaryOperator;

/**
 * Stevens' square program (UNP vol. 2, ch. 16), written by hand on the runtime:
 *
 * <pre>
 * struct square_in  { long arg1; };
 * struct square_out { long res1; };
 * program SQUARE_PROG {
 *   version SQUARE_VERS { square_out SQUAREPROC(square_in) = 1; } = 1;
 * } = 0x31230000;
 * </pre>
 *
 * The compiler will generate this shape from {@code square.x}; until then it shows what the
 * generated types, client and binder do.
 */
public final class SquareProtocol {
  /** {@code SQUARE_PROG}. */
  public static final int SQUARE_PROG = 0x31230000;
  /** {@code SQUARE_VERS}. */
  public static final int SQUARE_VERS = 1;
  /** {@code SQUAREPROC}. */
  public static final int SQUAREPROC = 1;

  private SquareProtocol() {}

  /** {@code struct square_in}. */
  public record SquareIn(int arg1) {
    /** Its XDR codec. */
    public static final XdrCodec<SquareIn> CODEC = XdrCodec.of(
        (XdrEncoder out, SquareIn v) -> out.writeInt(v.arg1()),
        (XdrDecoder in) -> new SquareIn(in.readInt()));
  }

  /** {@code struct square_out}. */
  public record SquareOut(int res1) {
    /** Its XDR codec. */
    public static final XdrCodec<SquareOut> CODEC = XdrCodec.of(
        (XdrEncoder out, SquareOut v) -> out.writeInt(v.res1()),
        (XdrDecoder in) -> new SquareOut(in.readInt()));
  }

  /** A client of SQUARE_VERS: rpcgen's {@code squareproc_1}. */
  public static SquareOut squareproc(RpcClient client, SquareIn in) {
    return client.call(SQUAREPROC, SquareIn.CODEC, in, SquareOut.CODEC);
  }

  /** A client of SQUARE_VERS over {@code channel}, with rpcgen's 25 s default timeout. */
  public static RpcClient client(RpcChannel channel) {
    return RpcClient.create(channel, SQUARE_PROG, SQUARE_VERS);
  }

  /** The dispatch table of SQUARE_VERS, squaring with {@code square}. */
  public static ProgramDefinition program(IntUnaryOperator square) {
    return ProgramDefinition.builder(SQUARE_PROG, SQUARE_VERS)
        .procedure(Procedure.of(SQUAREPROC, "SQUAREPROC", SquareIn.CODEC, SquareOut.CODEC,
            (call, in) -> new SquareOut(square.applyAsInt(in.arg1()))))
        .build();
  }
}
