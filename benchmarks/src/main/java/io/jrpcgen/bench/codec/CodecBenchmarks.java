package io.jrpcgen.bench.codec;

import io.jrpcgen.bench.gen.BenchDirlistplus;
import io.jrpcgen.bench.gen.BenchEntryplus;
import io.jrpcgen.bench.gen.BenchFattr;
import io.jrpcgen.bench.gen.BenchFh;
import io.jrpcgen.bench.gen.BenchFtype;
import io.jrpcgen.bench.gen.BenchPostOpAttr;
import io.jrpcgen.bench.gen.BenchPostOpFh;
import io.jrpcgen.bench.gen.BenchReaddirplusOk;
import io.jrpcgen.bench.gen.BenchTime;
import io.jrpcgen.bench.gen.BenchTypedefs;
import io.jrpcgen.bench.gen.SquareIn;
import io.jrpcgen.bench.gen.SquareOut;
import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Encoding and decoding with jrpcgen's generated codecs: the square types, an NFS-like READDIRPLUS
 * reply of 1,000 entries, and 1 MiB of opaque. Encoders are reused, as the runtime reuses them;
 * decoders read arrays encoded once in the set-up.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBenchmarks {
  /** The number of entries in the READDIRPLUS reply. */
  public static final int ENTRIES = 1_000;

  /** The size of the opaque. */
  public static final int OPAQUE_SIZE = 1 << 20;

  /** Stevens' square types. */
  @State(Scope.Thread)
  public static class Square {
    final XdrEncoder out = new XdrEncoder(64);
    final SquareIn in = new SquareIn(12_345);
    final SquareOut result = new SquareOut(12_345 * 12_345);
    byte[] encodedIn;
    byte[] encodedOut;

    @Setup
    public void setUp() {
      encodedIn = encode(SquareIn.CODEC, in);
      encodedOut = encode(SquareOut.CODEC, result);
    }
  }

  /** A READDIRPLUS-style reply: a linked list of entries with names, handles, attributes. */
  @State(Scope.Thread)
  public static class Readdirplus {
    final XdrEncoder out = new XdrEncoder(256 << 10);
    BenchReaddirplusOk reply;
    byte[] encoded;

    @Setup
    public void setUp() {
      reply = readdirplus(ENTRIES);
      encoded = encode(BenchReaddirplusOk.CODEC, reply);
    }
  }

  /** {@code opaque<>} of 1 MiB. */
  @State(Scope.Thread)
  public static class Bulk {
    final XdrEncoder out = new XdrEncoder(OPAQUE_SIZE + 64);
    Opaque value;
    byte[] encoded;

    @Setup
    public void setUp() {
      byte[] bytes = new byte[OPAQUE_SIZE];
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] = (byte) (i * 31 + 7);
      }
      value = Opaque.copyOf(bytes);
      encoded = encode(BenchTypedefs.ECHO_DATA, value);
    }
  }

  @Benchmark
  public int squareEncode(Square s) {
    s.out.reset();
    SquareIn.CODEC.encode(s.out, s.in);
    SquareOut.CODEC.encode(s.out, s.result);
    return s.out.position();
  }

  @Benchmark
  public int squareDecode(Square s) {
    return SquareIn.CODEC.decode(new XdrDecoder(s.encodedIn)).arg1()
        + SquareOut.CODEC.decode(new XdrDecoder(s.encodedOut)).res1();
  }

  @Benchmark
  public int readdirplusEncode(Readdirplus s) {
    s.out.reset();
    BenchReaddirplusOk.CODEC.encode(s.out, s.reply);
    return s.out.position();
  }

  @Benchmark
  public BenchReaddirplusOk readdirplusDecode(Readdirplus s) {
    return BenchReaddirplusOk.CODEC.decode(new XdrDecoder(s.encoded));
  }

  @Benchmark
  public int opaqueEncode(Bulk s) {
    s.out.reset();
    BenchTypedefs.ECHO_DATA.encode(s.out, s.value);
    return s.out.position();
  }

  @Benchmark
  public Opaque opaqueDecode(Bulk s) {
    return BenchTypedefs.ECHO_DATA.decode(new XdrDecoder(s.encoded));
  }

  static <T> byte[] encode(XdrCodec<T> codec, T value) {
    XdrEncoder out = new XdrEncoder();
    codec.encode(out, value);
    return out.toByteArray();
  }

  /** A reply listing {@code count} files, each with attributes and a 32-byte handle. */
  static BenchReaddirplusOk readdirplus(int count) {
    BenchEntryplus list = null;
    for (int i = count - 1; i >= 0; i--) {
      byte[] handle = new byte[32];
      for (int b = 0; b < handle.length; b++) {
        handle[b] = (byte) (i + b);
      }
      list =
          new BenchEntryplus(
              1_000_000L + i,
              String.format("file-%06d.dat", i),
              i + 1L,
              new BenchPostOpAttr.True(attributes(1_000_000L + i)),
              new BenchPostOpFh.True(new BenchFh(Opaque.copyOf(handle))),
              list);
    }
    return new BenchReaddirplusOk(
        new BenchPostOpAttr.True(attributes(2)),
        Opaque.copyOf(new byte[8]),
        new BenchDirlistplus(list, true));
  }

  private static BenchFattr attributes(long fileid) {
    BenchTime time = new BenchTime(1_700_000_000, 123_456_789);
    return new BenchFattr(
        BenchFtype.BENCH_REG,
        0644,
        1,
        1000,
        1000,
        4096 + fileid,
        8192,
        0,
        0,
        42,
        fileid,
        time,
        time,
        time);
  }
}
