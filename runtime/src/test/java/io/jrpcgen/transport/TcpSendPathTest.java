package io.jrpcgen.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.internal.rpc.CallHeader;
import io.jrpcgen.internal.rpc.RpcMessages;
import io.jrpcgen.internal.transport.RecordMarking;
import io.jrpcgen.internal.xdr.Bytes;
import io.jrpcgen.rpc.AcceptStat;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.server.Procedure;
import io.jrpcgen.server.ProgramDefinition;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The TCP client's send path for calls holding large opaques, which are written from the opaque's
 * own array: the bytes on the wire are those of one contiguous record, also when the peer takes
 * them a little at a time, and records of concurrent callers never interleave.
 */
@Timeout(60)
class TcpSendPathTest {
  private static final int ECHO = 4;
  private static final XdrCodec<Opaque> BLOB = XdrCodec.opaque(XdrCodec.UNBOUNDED);
  private static final LongSupplier ALLOCATED = RecordReaderMemoryTest.ALLOCATED;

  private static byte[] payload(int length, int seed) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (i * 17 + seed);
    }
    return b;
  }

  /** The call record as one contiguous encoding, header included. */
  private static byte[] expectedRecord(int xid, byte[] data) {
    XdrEncoder out = new XdrEncoder();
    out.writeInt(0);
    RpcMessages.writeCall(
        out,
        new CallHeader(
            xid, Square.PROGRAM, Square.VERSION, ECHO, OpaqueAuth.NONE, OpaqueAuth.NONE));
    out.writeInt(data.length);
    out.writeRaw(data, 0, data.length);
    out.putInt(0, 0x8000_0000 | (out.position() - 4));
    return out.toByteArray();
  }

  /**
   * Receives one call record into a small receive buffer, a few hundred bytes per read so that the
   * client's writes block and resume many times, answers it with a void result and returns the
   * record's bytes as they came, header included.
   */
  private static byte[] receiveSlowly(ServerSocket listener) throws IOException {
    try (Socket s = listener.accept()) {
      s.setSoTimeout(20_000);
      InputStream in = s.getInputStream();
      DataInputStream data = new DataInputStream(in);
      int header = data.readInt();
      byte[] record = new byte[4 + (header & 0x7fff_ffff)];
      Bytes.putInt(record, 0, header);
      for (int at = 4; at < record.length; ) {
        int n = in.read(record, at, Math.min(701, record.length - at));
        if (n < 0) {
          throw new IOException("stream ended at " + at + " of " + record.length);
        }
        at += n;
      }
      XdrEncoder reply = new XdrEncoder();
      RecordMarking.begin(reply);
      RpcMessages.writeAccepted(
          reply,
          new XdrDecoder(record, 4, record.length - 4).readInt(),
          OpaqueAuth.NONE,
          AcceptStat.SUCCESS);
      RecordMarking.write(s.getOutputStream(), reply, RecordMarking.MAX_FRAGMENT);
      return record;
    }
  }

  @Test
  void largeCallTakenAFewBytesAtATimeIsTheContiguousRecord() throws Exception {
    byte[] data = payload(3 << 20, 5);
    ExecutorService peer = Executors.newSingleThreadExecutor();
    try (ServerSocket listener = new ServerSocket()) {
      listener.setReceiveBufferSize(4096);
      listener.bind(new InetSocketAddress(Square.LOOPBACK, 0));
      Future<byte[]> received = peer.submit(() -> receiveSlowly(listener));
      try (TcpChannel channel =
          TcpChannel.connect(
              new InetSocketAddress(Square.LOOPBACK, listener.getLocalPort()),
              ChannelOptions.DEFAULTS)) {
        RpcClient client = RpcClient.create(channel, Square.PROGRAM, Square.VERSION);
        client.call(ECHO, BLOB, Opaque.copyOf(data), XdrCodec.VOID);
        byte[] record = received.get(30, TimeUnit.SECONDS);
        assertThat(Arrays.equals(record, expectedRecord(channel.lastXid(), data))).isTrue();
      }
    } finally {
      peer.shutdownNow();
    }
  }

  @Test
  void largeAndSmallCallsFromManyThreadsOnOneConnectionAllComeBackWhole() throws Exception {
    ProgramDefinition program =
        ProgramDefinition.builder(Square.PROGRAM, Square.VERSION)
            .procedure(
                Procedure.of(
                    Square.SQUAREPROC,
                    "SQUAREPROC",
                    Square.In.CODEC,
                    Square.Out.CODEC,
                    (call, in) -> new Square.Out(in.arg1() * in.arg1())))
            .procedure(Procedure.of(ECHO, "ECHO", BLOB, BLOB, (call, v) -> v))
            .build();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (RpcServer server =
            RpcServer.builder().program(program).bindAddress(Square.LOOPBACK).tcp(0).start();
        RpcClient client =
            RpcClient.create(
                RpcChannel.tcp(new InetSocketAddress(Square.LOOPBACK, server.tcpPort())),
                Square.PROGRAM,
                Square.VERSION)) {
      List<Future<Integer>> wrong = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        wrong.add(
            pool.submit(
                () -> {
                  int failures = 0;
                  for (int i = 0; i < 40; i++) {
                    if (thread % 2 == 0) {
                      Opaque sent =
                          Opaque.copyOf(
                              payload(
                                  XdrEncoder.REFERENCE_THRESHOLD * (1 + i % 5) + i % 4,
                                  thread * 100 + i));
                      failures += client.call(ECHO, BLOB, sent, BLOB).equals(sent) ? 0 : 1;
                    } else {
                      int n = thread * 1000 + i;
                      failures += Square.square(client, n) == n * n ? 0 : 1;
                    }
                  }
                  return failures;
                }));
      }
      for (Future<Integer> w : wrong) {
        assertThat(w.get(40, TimeUnit.SECONDS)).isZero();
      }
      assertThat(server.connectionCount()).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void largeCallsInLibtirpcSizedFragmentsComeBackWhole() throws Exception {
    // libtirpc sends records in fragments of 65,532 bytes; the server reassembles them from a
    // real socket, sizing each record by what the socket holds.
    ProgramDefinition program =
        ProgramDefinition.builder(Square.PROGRAM, Square.VERSION)
            .procedure(Procedure.of(ECHO, "ECHO", BLOB, BLOB, (call, v) -> v))
            .build();
    ChannelOptions libtirpcFragments =
        new ChannelOptions(
            ChannelOptions.DEFAULTS.connectTimeout(),
            false,
            ChannelOptions.DEFAULTS.maxRecordSize(),
            65_532);
    try (RpcServer server =
            RpcServer.builder().program(program).bindAddress(Square.LOOPBACK).tcp(0).start();
        RpcClient client =
            RpcClient.create(
                TcpChannel.connect(
                    new InetSocketAddress(Square.LOOPBACK, server.tcpPort()), libtirpcFragments),
                Square.PROGRAM,
                Square.VERSION)) {
      for (int length : new int[] {65_532 - 40, 65_532, 1 << 20, (1 << 20) + 44, 3_000_001}) {
        Opaque sent = Opaque.copyOf(payload(length, length));
        assertThat(client.call(ECHO, BLOB, sent, BLOB)).isEqualTo(sent);
      }
    }
  }

  @Test
  void aSentCallDoesNotKeepItsLargeOpaqueAlive() throws Exception {
    try (RpcServer server = lengthServer();
        RpcClient client = client(server)) {
      Opaque payload = Opaque.copyOf(new byte[XdrEncoder.REFERENCE_THRESHOLD * 2]);
      WeakReference<Opaque> sent = new WeakReference<>(payload);
      assertThat(client.call(ECHO, BLOB, payload, XdrCodec.INT))
          .isEqualTo(XdrEncoder.REFERENCE_THRESHOLD * 2);
      payload = null;
      // The thread's encoder stays for its next call; the opaque it held by reference must not.
      for (int i = 0; i < 20 && sent.get() != null; i++) {
        System.gc();
        Thread.sleep(10);
      }
      assertThat(sent.get()).isNull();
    }
  }

  /** A server whose procedure ECHO answers the length of the opaque it is sent. */
  private static RpcServer lengthServer() {
    ProgramDefinition program =
        ProgramDefinition.builder(Square.PROGRAM, Square.VERSION)
            .procedure(Procedure.of(ECHO, "LENGTH", BLOB, XdrCodec.INT, (call, v) -> v.length()))
            .build();
    return RpcServer.builder().program(program).bindAddress(Square.LOOPBACK).tcp(0).start();
  }

  private static RpcClient client(RpcServer server) {
    return RpcClient.create(
        RpcChannel.tcp(new InetSocketAddress(Square.LOOPBACK, server.tcpPort())),
        Square.PROGRAM,
        Square.VERSION);
  }

  @Test
  void aLargeOpaqueLeavesFromItsOwnArrayWithoutACopy() throws Exception {
    try (RpcServer server = lengthServer();
        RpcClient client = client(server)) {
      Opaque payload = Opaque.copyOf(new byte[8 << 20]);
      // The first call pays for loading classes and growing buffers.
      assertThat(client.call(ECHO, BLOB, payload, XdrCodec.INT)).isEqualTo(8 << 20);
      long before = ALLOCATED.getAsLong();
      assertThat(client.call(ECHO, BLOB, payload, XdrCodec.INT)).isEqualTo(8 << 20);
      assertThat(ALLOCATED.getAsLong() - before)
          .as("bytes allocated by the call")
          .isLessThan(1 << 20);
    }
  }

  @Test
  void batchingAllocatesInProportionToTheBytesBatchedAndFlushingReusesTheBuffer() throws Exception {
    try (RpcServer server = lengthServer();
        RpcClient client = client(server)) {
      Opaque small = Opaque.copyOf(new byte[16]);
      client.callBatched(ECHO, BLOB, small);
      client.flush();
      // About 64 bytes each: 900 of them stay below the 64 KiB at which a batch leaves.
      long before = ALLOCATED.getAsLong();
      for (int i = 0; i < 900; i++) {
        client.callBatched(ECHO, BLOB, small);
      }
      assertThat(ALLOCATED.getAsLong() - before)
          .as("bytes allocated by batching 57 KiB")
          .isLessThan(4 << 20);
      client.flush();
      before = ALLOCATED.getAsLong();
      for (int i = 0; i < 1_000; i++) {
        client.callBatched(ECHO, BLOB, small);
        client.flush();
      }
      // Each flush swaps the batch's array with the one the last flush sent from.
      assertThat(ALLOCATED.getAsLong() - before)
          .as("bytes allocated by 1,000 flushes")
          .isLessThan(2 << 20);
      assertThat(client.call(ECHO, BLOB, small, XdrCodec.INT)).isEqualTo(16);
    }
  }

  /** Reads one record; answers it with a void result; returns its length. */
  private static int answerRecord(Socket s) throws IOException {
    DataInputStream in = new DataInputStream(s.getInputStream());
    int length = in.readInt() & 0x7fff_ffff;
    int xid = in.readInt();
    in.skipNBytes(length - 4);
    XdrEncoder reply = new XdrEncoder();
    RecordMarking.begin(reply);
    RpcMessages.writeAccepted(reply, xid, OpaqueAuth.NONE, AcceptStat.SUCCESS);
    RecordMarking.write(s.getOutputStream(), reply, RecordMarking.MAX_FRAGMENT);
    return length;
  }

  @Test
  void aCallQueuedBehindALargeWriteLeavesWhenThatWriteEnds() throws Exception {
    ExecutorService callers = Executors.newFixedThreadPool(2);
    try (ServerSocket listener = new ServerSocket(0, 50, Square.LOOPBACK);
        RpcClient client =
            RpcClient.create(
                RpcChannel.tcp(new InetSocketAddress(Square.LOOPBACK, listener.getLocalPort())),
                Square.PROGRAM,
                Square.VERSION);
        Socket s = listener.accept()) {
      s.setSoTimeout(20_000);
      Opaque large = Opaque.copyOf(new byte[32 << 20]);
      Future<?> first = callers.submit(() -> client.call(ECHO, BLOB, large, XdrCodec.VOID));
      // Its first bytes arrive: it holds the connection for writing until the server reads.
      while (s.getInputStream().available() == 0) {
        Thread.sleep(10);
      }
      Future<?> second =
          callers.submit(() -> client.call(ECHO, BLOB, Opaque.copyOf(new byte[8]), XdrCodec.VOID));
      // The second call can only append its record for the first one's thread to send.
      Thread.sleep(300);
      assertThat(answerRecord(s)).isGreaterThan(32 << 20);
      assertThat(answerRecord(s)).isLessThan(1024);
      first.get(30, TimeUnit.SECONDS);
      second.get(30, TimeUnit.SECONDS);
    } finally {
      callers.shutdownNow();
    }
  }
}
