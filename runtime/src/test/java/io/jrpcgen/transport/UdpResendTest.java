package io.jrpcgen.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.internal.rpc.CallHeader;
import io.jrpcgen.internal.rpc.RpcMessages;
import io.jrpcgen.rpc.AuthFlavor;
import io.jrpcgen.rpc.AuthStat;
import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.rpc.CallSecurity;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.rpc.RpcAuthException;
import io.jrpcgen.rpc.RpcConnectionException;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.xdr.Opaque;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a UDP channel sends when a datagram is lost: an asynchronous call is resent with the same
 * XID and bytes; a call protected by a {@link CallSecurity} is encoded anew for each resend (RFC
 * 2203 §5.3.3.1) and a reply to the resend answers it; a batched call goes out at once; a call too
 * large for a datagram leaves no huge buffer behind in the caller's thread.
 */
@Timeout(60)
class UdpResendTest {
  private static final Duration RETRY = Duration.ofMillis(100);
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private static DatagramSocket rawServer() throws IOException {
    DatagramSocket server = new DatagramSocket(0, Square.LOOPBACK);
    server.setSoTimeout(10_000);
    return server;
  }

  private static RpcClient client(DatagramSocket server, CallOptions options) {
    return RpcClient.create(
        RpcChannel.udp(new InetSocketAddress(Square.LOOPBACK, server.getLocalPort())),
        Square.PROGRAM,
        Square.VERSION,
        options.withTimeout(TIMEOUT).withRetryInterval(RETRY));
  }

  /** A datagram the server received: its bytes, where it came from, its header and argument. */
  private record Received(byte[] bytes, SocketAddress from, CallHeader header, int n) {}

  private static Received receive(DatagramSocket server) throws IOException {
    DatagramPacket p = new DatagramPacket(new byte[65_536], 65_536);
    server.receive(p);
    byte[] bytes = Arrays.copyOf(p.getData(), p.getLength());
    XdrDecoder in = new XdrDecoder(bytes, 0, bytes.length);
    CallHeader header = RawRpc.readSquareCall(in);
    return new Received(bytes, p.getSocketAddress(), header, in.readInt());
  }

  private static void answer(DatagramSocket server, Received call, OpaqueAuth verifier)
      throws IOException {
    XdrEncoder reply = RawRpc.squareReply(call.header().xid(), verifier, call.n());
    server.send(new DatagramPacket(reply.array(), reply.position(), call.from()));
  }

  /**
   * Writes an RPCSEC_GSS-flavored credential whose body is the transmission's sequence number, and
   * accepts a reply only if its verifier carries that number, as a GSS context checks the MIC of
   * the sequence number it sent.
   */
  private static final class SequencedSecurity implements CallSecurity {
    private final AtomicInteger sequence = new AtomicInteger();

    private static Opaque number(int seq) {
      XdrEncoder out = new XdrEncoder();
      out.writeInt(seq);
      return Opaque.copyOf(Arrays.copyOf(out.array(), out.position()));
    }

    static OpaqueAuth verifier(int seq) {
      return new OpaqueAuth(AuthFlavor.RPCSEC_GSS.value(), number(seq));
    }

    static int sequenceOf(CallHeader call) {
      byte[] body = call.credential().body().toByteArray();
      return new XdrDecoder(body, 0, body.length).readInt();
    }

    @Override
    public CompletableFuture<Boolean> renewAfter(AuthStat status) {
      return CompletableFuture.completedFuture(false);
    }

    @Override
    public <A> ReplyCheck writeCall(XdrEncoder out, int headerStart, XdrCodec<A> codec, A args) {
      int seq = sequence.incrementAndGet();
      RpcMessages.writeAuth(out, new OpaqueAuth(AuthFlavor.RPCSEC_GSS.value(), number(seq)));
      RpcMessages.writeAuth(out, OpaqueAuth.NONE);
      codec.encode(out, args);
      return new SequenceCheck(seq);
    }
  }

  /** Accepts the reply to the transmission with sequence number {@code seq} only. */
  private record SequenceCheck(int seq) implements CallSecurity.ReplyCheck {
    @Override
    public void refused(AuthStat status) {}

    @Override
    public <R> R readResults(OpaqueAuth verifier, XdrDecoder in, XdrCodec<R> resultCodec) {
      if (!verifier.equals(SequencedSecurity.verifier(seq))) {
        throw new RpcAuthException("test", AuthStat.AUTH_BADVERF);
      }
      return resultCodec.decode(in);
    }
  }

  /** A security whose context is gone by the first resend: encoding the call again throws. */
  private static final class ClosedOnResend implements CallSecurity {
    static final IllegalStateException CLOSED =
        new IllegalStateException("context closed (expected by the test)");
    private final SequencedSecurity sequenced = new SequencedSecurity();
    private final AtomicInteger writes = new AtomicInteger();

    @Override
    public CompletableFuture<Boolean> renewAfter(AuthStat status) {
      return CompletableFuture.completedFuture(false);
    }

    @Override
    public <A> ReplyCheck writeCall(XdrEncoder out, int headerStart, XdrCodec<A> codec, A args) {
      if (writes.incrementAndGet() > 1) {
        throw CLOSED;
      }
      return sequenced.writeCall(out, headerStart, codec, args);
    }
  }

  @Test
  void aCallWhoseResendCannotBeEncodedLeavesNoWaiterBehind() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (DatagramSocket server = rawServer();
        UdpChannel channel =
            UdpChannel.open(
                new InetSocketAddress(Square.LOOPBACK, server.getLocalPort()),
                ChannelOptions.DEFAULTS)) {
      CallOptions options = CallOptions.DEFAULTS.withTimeout(TIMEOUT).withRetryInterval(RETRY);
      RpcClient secured =
          RpcClient.create(
              channel, Square.PROGRAM, Square.VERSION, options.withSecurity(new ClosedOnResend()));
      assertThatThrownBy(() -> Square.square(secured, 5)).isSameAs(ClosedOnResend.CLOSED);
      receive(server);
      // Nobody waits on the channel's socket: the next call goes through it, not a further one.
      RpcClient plain = RpcClient.create(channel, Square.PROGRAM, Square.VERSION, options);
      Future<Integer> next = pool.submit(() -> Square.square(plain, 6));
      Received call = receive(server);
      assertThat(((InetSocketAddress) call.from()).getPort())
          .as("the port the next call came from")
          .isEqualTo(channel.localAddress().getPort());
      answer(server, call, OpaqueAuth.NONE);
      assertThat(next.get(10, TimeUnit.SECONDS)).isEqualTo(36);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anAsyncCallWhoseDatagramIsLostIsResentWithTheSameXidAndBytes() throws Exception {
    try (DatagramSocket server = rawServer();
        RpcClient client = client(server, CallOptions.DEFAULTS)) {
      CompletableFuture<Square.Out> result =
          client.callAsync(Square.SQUAREPROC, Square.In.CODEC, new Square.In(7), Square.Out.CODEC);
      Received lost = receive(server);
      Received resent = receive(server);
      assertThat(resent.header().xid()).isEqualTo(lost.header().xid());
      assertThat(resent.bytes()).isEqualTo(lost.bytes());
      answer(server, resent, OpaqueAuth.NONE);
      assertThat(result.get(10, TimeUnit.SECONDS).res1()).isEqualTo(49);
    }
  }

  @Test
  void aSecuredAsyncCallIsResentEncodedAnewAndAReplyToTheResendAnswersIt() throws Exception {
    try (DatagramSocket server = rawServer();
        RpcClient client =
            client(server, CallOptions.DEFAULTS.withSecurity(new SequencedSecurity()))) {
      CompletableFuture<Square.Out> result =
          client.callAsync(Square.SQUAREPROC, Square.In.CODEC, new Square.In(3), Square.Out.CODEC);
      Received lost = receive(server);
      Received resent = receive(server);
      assertThat(resent.header().xid()).isEqualTo(lost.header().xid());
      int seq = SequencedSecurity.sequenceOf(resent.header());
      assertThat(seq).isGreaterThan(SequencedSecurity.sequenceOf(lost.header()));
      answer(server, resent, SequencedSecurity.verifier(seq));
      assertThat(result.get(10, TimeUnit.SECONDS).res1()).isEqualTo(9);
    }
  }

  @Test
  void aSecuredCallIsResentEncodedAnewAndAReplyToTheFirstSendStillAnswersIt() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (DatagramSocket server = rawServer();
        RpcClient client =
            client(server, CallOptions.DEFAULTS.withSecurity(new SequencedSecurity()))) {
      Future<Integer> result = pool.submit(() -> Square.square(client, 5));
      Received first = receive(server);
      Received resent = receive(server);
      assertThat(resent.header().xid()).isEqualTo(first.header().xid());
      int seq = SequencedSecurity.sequenceOf(first.header());
      assertThat(SequencedSecurity.sequenceOf(resent.header())).isGreaterThan(seq);
      // The reply to the first transmission comes late: it answers the call all the same.
      answer(server, first, SequencedSecurity.verifier(seq));
      assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo(25);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aBatchedCallGoesOutAtOnceAndTheNextCallIsAnswered() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (DatagramSocket server = rawServer();
        RpcClient client = client(server, CallOptions.DEFAULTS)) {
      client.callBatched(Square.SQUAREPROC, Square.In.CODEC, new Square.In(2));
      Received batched = receive(server);
      assertThat(batched.n()).isEqualTo(2);
      assertThat(batched.header().procedure()).isEqualTo(Square.SQUAREPROC);
      client.callBatched(Square.SQUAREPROC, Square.In.CODEC, new Square.In(3));
      Received next = receive(server);
      assertThat(next.n()).isEqualTo(3);
      assertThat(next.header().xid()).isNotEqualTo(batched.header().xid());

      Future<Integer> result = pool.submit(() -> Square.square(client, 4));
      Received call = receive(server);
      assertThat(call.n()).isEqualTo(4);
      answer(server, call, OpaqueAuth.NONE);
      assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo(16);
    } finally {
      pool.shutdownNow();
    }
  }

  /** An opaque past the size above which a thread's encoder is dropped after the call. */
  private static final Opaque HUGE = Opaque.copyOf(new byte[5 << 20]);

  private static final XdrCodec<Opaque> BLOB = XdrCodec.opaque(XdrCodec.UNBOUNDED);

  /** The capacity of the encoder the calling thread would encode its next call into. */
  private static int threadEncoderCapacity() throws ReflectiveOperationException {
    Field encoder = AbstractChannel.class.getDeclaredField("ENCODER");
    encoder.setAccessible(true);
    ThreadLocal<?> local = (ThreadLocal<?>) encoder.get(null);
    return ((AbstractChannel.EncodedCall) local.get()).encoder().capacity();
  }

  @Test
  void aCallTooLargeForADatagramDoesNotPinItsBufferInTheCallersThread() throws Exception {
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try (DatagramSocket server = rawServer();
        RpcClient client = client(server, CallOptions.DEFAULTS)) {
      Future<?> calls =
          caller.submit(
              () -> {
                assertThatThrownBy(() -> client.call(1, BLOB, HUGE, XdrCodec.VOID))
                    .isInstanceOfSatisfying(
                        RpcConnectionException.class,
                        e -> assertThat(e.status()).isEqualTo(RpcStatus.CANT_SEND));
                assertThat(threadEncoderCapacity()).as("after a call").isLessThan(4 << 20);

                CompletableFuture<Void> async = client.callAsync(1, BLOB, HUGE, XdrCodec.VOID);
                assertThatThrownBy(() -> async.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(RpcConnectionException.class);
                assertThat(threadEncoderCapacity()).as("after an async call").isLessThan(4 << 20);

                assertThatThrownBy(() -> client.callBatched(1, BLOB, HUGE))
                    .isInstanceOf(RpcConnectionException.class);
                assertThat(threadEncoderCapacity()).as("after a batched call").isLessThan(4 << 20);
                return null;
              });
      calls.get(30, TimeUnit.SECONDS);
    } finally {
      caller.shutdownNow();
    }
  }
}
