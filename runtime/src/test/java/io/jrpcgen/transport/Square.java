package io.jrpcgen.transport;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.server.Procedure;
import io.jrpcgen.server.ProcedureHandler;
import io.jrpcgen.server.ProgramDefinition;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Stevens' square program, with codecs written by hand as the compiler would generate them. */
final class Square {
  static final int PROGRAM = 0x31230000;
  static final int VERSION = 1;
  static final int SQUAREPROC = 1;

  /** 127.0.0.1 without a host name, so that messages name the address as C clients do. */
  static final InetAddress LOOPBACK = loopback();

  record In(int arg1) {
    static final XdrCodec<In> CODEC =
        XdrCodec.of(
            (XdrEncoder out, In v) -> out.writeInt(v.arg1()),
            (XdrDecoder in) -> new In(in.readInt()));
  }

  record Out(int res1) {
    static final XdrCodec<Out> CODEC =
        XdrCodec.of(
            (XdrEncoder out, Out v) -> out.writeInt(v.res1()),
            (XdrDecoder in) -> new Out(in.readInt()));
  }

  private Square() {}

  private static InetAddress loopback() {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  /** The program with SQUAREPROC served by {@code handler}. */
  static ProgramDefinition program(ProcedureHandler<In, Out> handler) {
    return ProgramDefinition.builder(PROGRAM, VERSION)
        .procedure(Procedure.of(SQUAREPROC, "SQUAREPROC", In.CODEC, Out.CODEC, handler))
        .build();
  }

  /** The program squaring its argument. */
  static ProgramDefinition program() {
    return program((call, in) -> new Out(in.arg1() * in.arg1()));
  }

  static int square(RpcClient client, int n) {
    return client.call(SQUAREPROC, In.CODEC, new In(n), Out.CODEC).res1();
  }

  /**
   * Squares {@code perThread} numbers (at most 1000) on each of {@code threads} threads sharing
   * {@code client}, no number twice, and returns how many replies were wrong; each thread is waited
   * for up to 20 s.
   */
  static int wrongSquaresFromThreads(RpcClient client, int threads, int perThread)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        results.add(
            pool.submit(
                () -> {
                  int wrong = 0;
                  for (int i = 0; i < perThread; i++) {
                    int n = thread * 1000 + i;
                    if (square(client, n) != n * n) {
                      wrong++;
                    }
                  }
                  return wrong;
                }));
      }
      int wrong = 0;
      for (Future<Integer> r : results) {
        wrong += r.get(20, TimeUnit.SECONDS);
      }
      return wrong;
    } finally {
      pool.shutdownNow();
    }
  }
}
