package io.jrpcgen.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.internal.rpc.RpcMessages;
import io.jrpcgen.internal.transport.Message;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.rpc.RpcConnectionException;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.rpc.RpcTimeoutException;
import io.jrpcgen.server.BackChannelServer;
import io.jrpcgen.server.CallContext;
import io.jrpcgen.server.Procedure;
import io.jrpcgen.server.ProgramDefinition;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.testsupport.ConcurrentCalls;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import io.jrpcgen.xdr.XdrEncoder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The back channel on the wire: a client serving two programs on its own connection while the
 * server calls them there, and calls and replies of both directions sharing the connection.
 */
@Timeout(120)
class BackChannelTest {
  // The server's program: what clients call.
  private static final int SERVICE = 0x2000_5000;
  private static final int SQUARE = 1;
  private static final int KEEP = 2;
  private static final int CALL_BACK = 3;
  private static final int CALL_BACK_BLOCKING = 4;
  private static final int HOLD = 5;

  // The client's two programs: what the server calls back.
  private static final int CB = 0x4000_0001;
  private static final int ECHO = 1;
  private static final int BLOCK = 2;
  private static final int NOTE = 3;
  private static final int ASK_SERVER = 4;
  private static final int NEG = 0x4000_0002;
  private static final int NEGATE = 1;

  private static final Duration LONG = Duration.ofSeconds(60);

  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final BlockingQueue<Optional<RpcChannel>> kept = new LinkedBlockingQueue<>();
  private final BlockingQueue<Integer> notes = new LinkedBlockingQueue<>();
  private final BlockingQueue<CompletableFuture<Void>> held = new LinkedBlockingQueue<>();
  private final CountDownLatch blocked = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger echoes = new AtomicInteger();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    release.countDown();
    for (AutoCloseable c : closeables) {
      c.close();
    }
    pool.shutdownNow();
  }

  private ProgramDefinition service() {
    return ProgramDefinition.builder(SERVICE, 1)
        .procedure(Procedure.of(SQUARE, "SQUARE", XdrCodec.INT, XdrCodec.INT, (call, n) -> n * n))
        .procedure(
            Procedure.ofVoid(
                KEEP, "KEEP", XdrCodec.VOID, (call, v) -> kept.add(call.backChannel())))
        .procedure(
            Procedure.ofAsync(
                CALL_BACK,
                "CALL_BACK",
                XdrCodec.INT,
                XdrCodec.INT,
                (call, n) ->
                    RpcClient.create(call.backChannel().orElseThrow(), CB, 1)
                        .withExecutor(pool)
                        .callAsync(ECHO, XdrCodec.INT, n, XdrCodec.INT)))
        .procedure(
            Procedure.of(
                CALL_BACK_BLOCKING,
                "CALL_BACK_BLOCKING",
                XdrCodec.INT,
                XdrCodec.INT,
                (call, n) ->
                    RpcClient.create(call.backChannel().orElseThrow(), CB, 1)
                        .call(ECHO, XdrCodec.INT, n, XdrCodec.INT)))
        .procedure(
            Procedure.ofVoid(
                HOLD,
                "HOLD",
                XdrCodec.VOID,
                (call, v) ->
                    held.add(
                        RpcClient.create(call.backChannel().orElseThrow(), CB, 1)
                            .withTimeout(LONG)
                            .withExecutor(pool)
                            .callAsync(BLOCK, XdrCodec.VOID, null, XdrCodec.VOID))))
        .build();
  }

  private ProgramDefinition callbacks() {
    return ProgramDefinition.builder(CB, 1)
        .procedure(
            Procedure.of(
                ECHO,
                "ECHO",
                XdrCodec.INT,
                XdrCodec.INT,
                (call, n) -> {
                  echoes.incrementAndGet();
                  return n;
                }))
        .procedure(
            Procedure.ofVoid(
                BLOCK,
                "BLOCK",
                XdrCodec.VOID,
                (call, v) -> {
                  blocked.countDown();
                  try {
                    release.await(LONG.toSeconds(), TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }))
        .procedure(Procedure.oneWay(NOTE, "NOTE", XdrCodec.INT, (call, n) -> notes.add(n)))
        .procedure(
            Procedure.of(
                ASK_SERVER,
                "ASK_SERVER",
                XdrCodec.INT,
                XdrCodec.INT,
                (call, n) ->
                    RpcClient.create(call.backChannel().orElseThrow(), SERVICE, 1)
                        .call(SQUARE, XdrCodec.INT, n, XdrCodec.INT)))
        .build();
  }

  private ProgramDefinition negations() {
    // Asynchronous: the reply leaves when the stage completes, on another thread.
    return ProgramDefinition.builder(NEG, 1)
        .procedure(
            Procedure.ofAsync(
                NEGATE,
                "NEGATE",
                XdrCodec.INT,
                XdrCodec.INT,
                (call, n) -> CompletableFuture.supplyAsync(() -> -n, pool)))
        .build();
  }

  private <T extends AutoCloseable> T closing(T c) {
    closeables.add(0, c);
    return c;
  }

  private RpcServer server() {
    return closing(
        RpcServer.builder().bindAddress(Square.LOOPBACK).program(service()).port(0).start());
  }

  private BackChannelServer served() {
    return BackChannelServer.of(callbacks(), negations());
  }

  private TcpChannel connect(InetSocketAddress address, BackChannelServer served) {
    return closing(TcpChannel.connect(address, ChannelOptions.DEFAULTS.withBackChannel(served)));
  }

  private TcpChannel connect(RpcServer server) {
    return connect(new InetSocketAddress(Square.LOOPBACK, server.tcpPort()), served());
  }

  /** The server's back channel to {@code channel}'s connection, as its procedure KEEP got it. */
  private RpcChannel keep(TcpChannel channel) throws InterruptedException {
    RpcClient.create(channel, SERVICE, 1).call(KEEP, XdrCodec.VOID, null, XdrCodec.VOID);
    return kept.poll(30, TimeUnit.SECONDS).orElseThrow();
  }

  private RpcClient client(RpcChannel channel, int program) {
    return RpcClient.create(channel, program, 1).withExecutor(pool);
  }

  private static int call(RpcClient client, int procedure, int n) {
    return client.call(procedure, XdrCodec.INT, n, XdrCodec.INT);
  }

  @Test
  void manyCallsGoBothWaysAtOnceOnOneConnectionWithXidsThatCollide() throws Exception {
    RpcServer server = server();
    TcpChannel channel = connect(server);
    RpcChannel back = keep(channel);
    // Both directions number their calls from the same XID: every XID is in use both ways.
    channel.firstXid(1_000);
    ((AbstractChannel) back).firstXid(1_000);
    RpcClient service = client(channel, SERVICE);
    RpcClient echo = client(back, CB);
    RpcClient negate = client(back, NEG);
    ConcurrentCalls.run(
        8,
        200,
        Duration.ofSeconds(100),
        (thread, i, n) -> assertThat(call(service, SQUARE, n)).isEqualTo(n * n),
        (thread, i, n) -> {
          switch (thread % 3) {
            case 0 -> assertThat(call(echo, ECHO, n)).isEqualTo(n);
            case 1 -> assertThat(call(negate, NEGATE, n)).isEqualTo(-n);
            default ->
                assertThat(
                        echo.callAsync(ECHO, XdrCodec.INT, n, XdrCodec.INT)
                            .get(60, TimeUnit.SECONDS))
                    .isEqualTo(n);
          }
        });
    assertThat(server.connectionCount()).isEqualTo(1);
  }

  @Test
  void aProcedureCallsTheClientBackAndTheClientsProcedureCallsTheServer() throws Exception {
    RpcServer server = server();
    TcpChannel channel = connect(server);
    RpcClient service = client(channel, SERVICE);
    assertThat(call(service, CALL_BACK, 42)).isEqualTo(42);
    assertThat(echoes.get()).isEqualTo(1);
    // The client's procedure calls the server on the channel the server's call came by.
    assertThat(call(client(keep(channel), CB), ASK_SERVER, 12)).isEqualTo(144);
    assertThat(server.connectionCount()).isEqualTo(1);
  }

  @Test
  void aBlockingCallBackFromTheThreadThatReadsTheConnectionIsRefusedNotLeftToTimeOut() {
    RpcServer server = server();
    RpcClient service = client(connect(server), SERVICE).withTimeout(LONG);
    assertThatThrownBy(() -> call(service, CALL_BACK_BLOCKING, 1))
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.status()).isEqualTo(RpcStatus.SYSTEM_ERROR));
    assertThat(echoes.get()).isZero();
    assertThat(call(service, SQUARE, 3)).isEqualTo(9);
  }

  @Test
  void callsBackInProgressFailAtOnceWhenTheClientClosesAndOtherConnectionsGoOn() throws Exception {
    RpcServer server = server();
    TcpChannel leaving = connect(server);
    TcpChannel staying = connect(server);
    RpcChannel toLeaving = keep(leaving);
    RpcChannel toStaying = keep(staying);
    RpcClient blocking = client(toLeaving, CB).withTimeout(LONG);
    CompletableFuture<Void> async = blocking.callAsync(BLOCK, XdrCodec.VOID, null, XdrCodec.VOID);
    Future<?> sync = pool.submit(() -> blocking.call(BLOCK, XdrCodec.VOID, null, XdrCodec.VOID));
    assertThat(blocked.await(30, TimeUnit.SECONDS)).isTrue();
    leaving.close();
    // Both fail long before their 60 s deadline: the connection's end fails them.
    assertThatThrownBy(() -> async.get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(RpcConnectionException.class);
    assertThatThrownBy(() -> sync.get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(RpcConnectionException.class);
    assertThatThrownBy(() -> call(client(toLeaving, CB), ECHO, 1))
        .isInstanceOf(RpcConnectionException.class)
        .hasMessageContaining("RPC: ");
    assertThatThrownBy(
            () ->
                client(toLeaving, CB)
                    .callAsync(ECHO, XdrCodec.INT, 1, XdrCodec.INT)
                    .get(30, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(RpcConnectionException.class);
    assertThat(call(client(toStaying, CB), ECHO, 7)).isEqualTo(7);
  }

  @Test
  void callsBackInProgressFailWhenTheServerCloses() throws Exception {
    RpcServer server = server();
    RpcChannel back = keep(connect(server));
    CompletableFuture<Void> pending =
        client(back, CB).withTimeout(LONG).callAsync(BLOCK, XdrCodec.VOID, null, XdrCodec.VOID);
    assertThat(blocked.await(30, TimeUnit.SECONDS)).isTrue();
    server.close();
    assertThatThrownBy(() -> pending.get(30, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(RpcConnectionException.class);
    // A channel asked for after the end has failed already.
    assertThatThrownBy(() -> call(client(back, CB), ECHO, 1))
        .isInstanceOf(RpcConnectionException.class);
  }

  @Test
  void aBackChannelAskedForAfterTheConnectionEndedHasFailedAlready() throws Exception {
    BlockingQueue<CallContext> later = new LinkedBlockingQueue<>();
    RpcServer server =
        closing(
            RpcServer.builder()
                .bindAddress(Square.LOOPBACK)
                .program(
                    ProgramDefinition.builder(SERVICE, 1)
                        .procedure(
                            Procedure.ofAsync(
                                SQUARE,
                                "SQUARE",
                                XdrCodec.INT,
                                XdrCodec.INT,
                                (call, n) -> {
                                  later.add(call);
                                  return new CompletableFuture<Integer>();
                                }))
                        .build())
                .tcp(0)
                .start());
    TcpChannel channel = connect(server);
    CompletableFuture<Integer> unanswered =
        client(channel, SERVICE).callAsync(SQUARE, XdrCodec.INT, 1, XdrCodec.INT);
    assertThat(unanswered).isNotDone();
    CallContext call = later.poll(30, TimeUnit.SECONDS);
    channel.close();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (server.connectionCount() > 0 && System.nanoTime() - deadline < 0) {
      Thread.sleep(10);
    }
    assertThat(server.connectionCount()).isZero();
    RpcChannel back = call.backChannel().orElseThrow();
    assertThatThrownBy(() -> call(client(back, CB), ECHO, 1))
        .isInstanceOf(RpcConnectionException.class)
        .hasMessageContaining("connection closed by peer");
  }

  @Test
  void aCallBackTimesOutAtItsDeadlineAndTheChannelGoesOn() throws Exception {
    RpcServer server = server();
    RpcChannel back = keep(connect(server));
    RpcClient cb = client(back, CB);
    assertThatThrownBy(
            () ->
                cb.withTimeout(Duration.ofMillis(300))
                    .call(BLOCK, XdrCodec.VOID, null, XdrCodec.VOID))
        .isInstanceOf(RpcTimeoutException.class);
    assertThatThrownBy(
            () ->
                cb.withTimeout(Duration.ofMillis(300))
                    .callAsync(BLOCK, XdrCodec.VOID, null, XdrCodec.VOID)
                    .get(30, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(RpcTimeoutException.class);
    release.countDown();
    assertThat(call(cb, ECHO, 5)).isEqualTo(5);
  }

  @Test
  void oneWayCallsBackLeaveAtOnce() throws Exception {
    RpcServer server = server();
    RpcChannel back = keep(connect(server));
    RpcClient cb = client(back, CB);
    cb.callBatched(NOTE, XdrCodec.INT, 7);
    assertThat(notes.poll(30, TimeUnit.SECONDS)).isEqualTo(7);
    cb.flush();
    assertThat(back.resends()).isFalse();
    assertThat(back.maxInFlight()).isEqualTo(ChannelOptions.DEFAULT_MAX_IN_FLIGHT);
  }

  @Test
  void closingTheBackChannelEndsItButNotTheConnection() throws Exception {
    RpcServer server = server();
    TcpChannel channel = connect(server);
    RpcChannel back = keep(channel);
    assertThat(back.localAddress().getPort()).isEqualTo(server.tcpPort());
    assertThat(back.serverAddress()).isEqualTo(channel.localAddress());
    assertThat(keep(channel)).isSameAs(back);
    back.close();
    assertThatThrownBy(() -> call(client(back, CB), ECHO, 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("back channel");
    assertThatThrownBy(() -> client(back, CB).callAsync(ECHO, XdrCodec.INT, 1, XdrCodec.INT))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> client(back, CB).callBatched(NOTE, XdrCodec.INT, 1))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(back::flush).isInstanceOf(IllegalStateException.class);
    assertThat(call(client(channel, SERVICE), SQUARE, 4)).isEqualTo(16);
  }

  @Test
  void aCallByUdpHasNoBackChannelAndUdpRefusesToServeOne() throws Exception {
    RpcServer server = server();
    try (UdpChannel udp =
        UdpChannel.open(
            new InetSocketAddress(Square.LOOPBACK, server.udpPort()), ChannelOptions.DEFAULTS)) {
      RpcClient.create(udp, SERVICE, 1).call(KEEP, XdrCodec.VOID, null, XdrCodec.VOID);
    }
    assertThat(kept.poll(30, TimeUnit.SECONDS)).isEmpty();
    assertThatThrownBy(
            () ->
                UdpChannel.open(
                    new InetSocketAddress(Square.LOOPBACK, server.udpPort()),
                    ChannelOptions.DEFAULTS.withBackChannel(served())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("use TCP");
  }

  @Test
  void aConnectionThatReplacesALostOneIsServedToo() throws Exception {
    RpcServer server =
        closing(
            RpcServer.builder()
                .bindAddress(Square.LOOPBACK)
                .program(service())
                .tcp(0)
                .idleTimeout(Duration.ofMillis(200))
                .start());
    TcpChannel channel = connect(server);
    RpcChannel first = keep(channel);
    // The server closes the idle connection; the client's reader sees it end.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (channel.localAddress() != null && System.nanoTime() - deadline < 0) {
      Thread.sleep(10);
    }
    assertThat(channel.localAddress()).isNull();
    assertThatThrownBy(() -> call(client(first, CB), ECHO, 1))
        .isInstanceOf(RpcConnectionException.class);
    // A call back within a call: the new connection is never idle while it is served.
    assertThat(call(client(channel, SERVICE), CALL_BACK, 2)).isEqualTo(2);
    assertThat(echoes.get()).isEqualTo(1);
  }

  @Test
  void aConnectionWhoseCallBackAwaitsItsReplyIsNotIdle() throws Exception {
    RpcServer server =
        closing(
            RpcServer.builder()
                .bindAddress(Square.LOOPBACK)
                .program(service())
                .tcp(0)
                .idleTimeout(Duration.ofMillis(300))
                .start());
    // The call back leaves before HOLD's reply: the connection is never without a call.
    RpcClient.create(connect(server), SERVICE, 1).call(HOLD, XdrCodec.VOID, null, XdrCodec.VOID);
    CompletableFuture<Void> pending = held.poll(30, TimeUnit.SECONDS);
    assertThat(blocked.await(30, TimeUnit.SECONDS)).isTrue();
    // Several idle timeouts pass while the client's procedure runs.
    Thread.sleep(1_000);
    release.countDown();
    pending.get(30, TimeUnit.SECONDS);
  }

  @Test
  void atTheLimitOfCallsInProgressTheNextWaitsForOneToReply() throws Exception {
    RpcServer server = server();
    TcpChannel channel =
        connect(
            new InetSocketAddress(Square.LOOPBACK, server.tcpPort()),
            BackChannelServer.of(callbacks()).withMaxPendingCalls(1).withExecutor(pool));
    RpcChannel back = keep(channel);
    RpcClient cb = client(back, CB).withTimeout(LONG);
    CompletableFuture<Void> blocking = cb.callAsync(BLOCK, XdrCodec.VOID, null, XdrCodec.VOID);
    assertThat(blocked.await(30, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Integer> echo = cb.callAsync(ECHO, XdrCodec.INT, 3, XdrCodec.INT);
    Thread.sleep(200);
    assertThat(echoes.get()).isZero();
    release.countDown();
    blocking.get(30, TimeUnit.SECONDS);
    assertThat(echo.get(30, TimeUnit.SECONDS)).isEqualTo(3);
  }

  @Test
  void aCallTheExecutorRefusesIsDroppedAndTheClientGoesOn() throws Exception {
    AtomicInteger refusals = new AtomicInteger();
    RpcServer server = server();
    TcpChannel channel =
        connect(
            new InetSocketAddress(Square.LOOPBACK, server.tcpPort()),
            BackChannelServer.of(callbacks())
                .withMaxPendingCalls(1)
                .withExecutor(
                    task -> {
                      if (refusals.getAndIncrement() == 0) {
                        throw new RejectedExecutionException("full (expected by the test)");
                      }
                      pool.execute(task);
                    }));
    RpcChannel back = keep(channel);
    assertThatThrownBy(() -> call(client(back, CB).withTimeout(Duration.ofMillis(300)), ECHO, 1))
        .isInstanceOf(RpcTimeoutException.class);
    // The refused call holds no place: with room for one call, the next is served.
    assertThat(call(client(back, CB), ECHO, 2)).isEqualTo(2);
    assertThat(call(client(channel, SERVICE), SQUARE, 5)).isEqualTo(25);
  }

  @Test
  void theServersSettingsAreKeptAndCheckedAsGiven() {
    BackChannelServer served = BackChannelServer.of(callbacks(), negations());
    assertThat(served.programs()).extracting(ProgramDefinition::program).containsExactly(CB, NEG);
    assertThat(served.maxPendingCalls()).isEqualTo(BackChannelServer.DEFAULT_MAX_PENDING_CALLS);
    assertThat(served.withMaxPendingCalls(7).maxPendingCalls()).isEqualTo(7);
    assertThat(served.withExecutor(pool).programs()).isEqualTo(served.programs());
    assertThatThrownBy(BackChannelServer::of)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no program to serve");
    assertThatThrownBy(() -> served.withExecutor(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("executor is null");
    assertThatThrownBy(() -> served.withMaxPendingCalls(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxPendingCalls <= 0: 0");
    assertThatThrownBy(() -> BackChannelServer.of(callbacks(), callbacks()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(ChannelOptions.DEFAULTS.backChannel()).isNull();
    assertThat(ChannelOptions.DEFAULTS.withBackChannel(served).backChannel()).isSameAs(served);
  }

  /** A call message of the client's program CB with {@code xid}, whose body the test writes. */
  private static XdrEncoder callOf(int xid, int rpcVersion, int program) {
    XdrEncoder out = new XdrEncoder();
    out.writeInt(xid);
    out.writeInt(RpcMessages.CALL);
    out.writeInt(rpcVersion);
    out.writeInt(program);
    out.writeInt(1);
    out.writeInt(ECHO);
    OpaqueAuth.NONE.encode(out);
    OpaqueAuth.NONE.encode(out);
    return out;
  }

  /** What a reply says: its XID, then accept_stat, or -1 - reject_stat for a denied one. */
  private static Map.Entry<Integer, Integer> statusOf(Message reply) {
    XdrDecoder in = reply.decoder();
    int xid = in.readInt();
    assertThat(in.readInt()).isEqualTo(RpcMessages.REPLY);
    if (in.readInt() == 1) {
      return Map.entry(xid, -1 - in.readInt());
    }
    OpaqueAuth.decode(in);
    return Map.entry(xid, in.readInt());
  }

  @Test
  void malformedCallsFromTheServerAreAnsweredOrDroppedAndNeverTakenForReplies() throws Exception {
    Map<Integer, Integer> answers = new ConcurrentHashMap<>();
    CountDownLatch answered = new CountDownLatch(1);
    ScriptedTcpServer peer =
        closing(
            new ScriptedTcpServer(
                p -> {
                  ScriptedTcpServer.Call first = p.readCall();
                  // Calls of every kind, one with the XID of the client's pending call.
                  p.write(ScriptedTcpServer.record(callOf(77, 3, CB)));
                  XdrEncoder truncated = new XdrEncoder();
                  truncated.writeInt(78);
                  truncated.writeInt(RpcMessages.CALL);
                  p.write(ScriptedTcpServer.record(truncated));
                  p.write(ScriptedTcpServer.record(callOf(79, 2, CB)));
                  p.write(ScriptedTcpServer.record(callOf(80, 2, 0x4000_0999)));
                  XdrEncoder same = callOf(first.xid(), 2, CB);
                  same.writeInt(5);
                  p.write(ScriptedTcpServer.record(same));
                  for (int i = 0; i < 4; i++) {
                    Map.Entry<Integer, Integer> status = statusOf(p.read());
                    answers.put(status.getKey(), status.getValue());
                  }
                  answered.countDown();
                  p.answer(first);
                  p.answerAll();
                }));
    TcpChannel channel = connect(peer.address(), served());
    RpcClient square = RpcClient.create(channel, Square.PROGRAM, Square.VERSION);
    assertThat(Square.square(square, 6)).isEqualTo(36);
    assertThat(answered.await(30, TimeUnit.SECONDS)).isTrue();
    int firstXid = channel.lastXid();
    assertThat(answers)
        .containsEntry(77, -1) // MSG_DENIED, RPC_MISMATCH
        .containsEntry(79, 4) // GARBAGE_ARGS: no argument
        .containsEntry(80, 1) // PROG_UNAVAIL
        .containsEntry(firstXid, 0) // SUCCESS: the server's own call of that XID
        .hasSize(4);
    assertThat(echoes.get()).isEqualTo(1);
    assertThat(Square.square(square, 7)).isEqualTo(49);
  }

  @Test
  void withoutABackChannelACallWithThePendingCallsXidIsNotTakenForItsReply() throws Exception {
    ScriptedTcpServer peer =
        closing(
            new ScriptedTcpServer(
                p -> {
                  ScriptedTcpServer.Call call = p.readCall();
                  XdrEncoder same = callOf(call.xid(), 2, CB);
                  same.writeInt(5);
                  p.write(ScriptedTcpServer.record(same));
                  p.answer(call);
                  p.answerAll();
                }));
    TcpChannel channel = closing(RpcChannel.tcp(peer.address()));
    RpcClient square = RpcClient.create(channel, Square.PROGRAM, Square.VERSION);
    assertThat(Square.square(square, 6)).isEqualTo(36);
    assertThat(Square.square(square, 8)).isEqualTo(64);
  }
}
