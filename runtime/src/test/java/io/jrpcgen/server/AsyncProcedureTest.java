package io.jrpcgen.server;

import static io.jrpcgen.server.RawWire.assertIntResult;
import static io.jrpcgen.server.RawWire.assertReply;
import static io.jrpcgen.server.RawWire.awaitTrue;
import static io.jrpcgen.server.RawWire.call;
import static io.jrpcgen.server.RawWire.concat;
import static io.jrpcgen.server.RawWire.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.internal.rpc.Reply;
import io.jrpcgen.rpc.AcceptStat;
import io.jrpcgen.rpc.AuthStat;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.rpc.RpcAuthException;
import io.jrpcgen.xdr.XdrCodec;
import io.jrpcgen.xdr.XdrDecoder;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.DatagramSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Procedures that answer later ({@link AsyncProcedureHandler}), seen from the wire: calls wait
 * without a thread, replies leave as calls complete, and UDP's duplicate request cache holds.
 */
class AsyncProcedureTest {
  private static final int PROGRAM = 0x2000_4321;
  private static final int VERSION = 1;

  /** {@code int WAIT(int)}: completes when the test says, with its argument. */
  private static final int WAIT = 1;

  /** {@code int NOW(int)}: an async procedure whose future is complete when returned. */
  private static final int NOW = 2;

  /** {@code int SYNC(int)}: a plain procedure. */
  private static final int SYNC = 3;

  /** {@code int STAGE(int)}: returns a stage that is no CompletableFuture, completed already. */
  private static final int STAGE = 4;

  /** {@code void NOTHING(void)}: returns a null stage. */
  private static final int NOTHING = 5;

  /** {@code void ABSENT(void)}: a plain procedure that throws ProcedureUnavailableException. */
  private static final int ABSENT = 6;

  /** The calls waiting in WAIT, by argument. */
  private final Map<Integer, CompletableFuture<Integer>> waiting = new ConcurrentHashMap<>();

  private final AtomicInteger waitCalls = new AtomicInteger();
  private final AtomicReference<CallContext> context = new AtomicReference<>();
  private final AtomicReference<CallContext> current = new AtomicReference<>();
  private final Opened opened = new Opened();

  @AfterEach
  void closeAll() throws Exception {
    // Calls a failed test left waiting must not hold close() for its grace period.
    waiting.values().forEach(f -> f.complete(-1));
    opened.close();
  }

  private ProgramDefinition program() {
    return ProgramDefinition.builder(PROGRAM, VERSION)
        .procedure(
            Procedure.ofAsync(
                WAIT,
                "WAIT",
                XdrCodec.INT,
                XdrCodec.INT,
                (call, n) -> {
                  context.compareAndSet(null, call);
                  current.compareAndSet(null, CallContext.current());
                  waitCalls.incrementAndGet();
                  return waiting.computeIfAbsent(n, k -> new CompletableFuture<>());
                }))
        .procedure(
            Procedure.ofAsync(
                NOW,
                "NOW",
                XdrCodec.INT,
                XdrCodec.INT,
                (call, n) -> CompletableFuture.completedFuture(n * 2)))
        .procedure(Procedure.of(SYNC, "SYNC", XdrCodec.INT, XdrCodec.INT, (call, n) -> n + 1))
        .procedure(
            Procedure.ofAsync(
                STAGE,
                "STAGE",
                XdrCodec.INT,
                XdrCodec.INT,
                (call, n) -> CompletableFuture.completedStage(n * 3)))
        .procedure(
            Procedure.ofAsync(NOTHING, "NOTHING", XdrCodec.VOID, XdrCodec.VOID, (call, v) -> null))
        .procedure(
            Procedure.of(
                ABSENT,
                "ABSENT",
                XdrCodec.VOID,
                XdrCodec.VOID,
                (call, v) -> {
                  throw new ProcedureUnavailableException("ABSENT");
                }))
        .build();
  }

  private RpcServer start(RpcServer.Builder builder) {
    RpcServer server = builder.program(program()).bindAddress(RawWire.LOOPBACK).start();
    opened.add(server);
    return server;
  }

  private static byte[] intCall(int xid, int procedure, int n) {
    return call(xid, PROGRAM, VERSION, procedure, out -> out.writeInt(n));
  }

  private static boolean refusesConnections(RpcServer server) {
    try (Socket probe = new Socket(RawWire.LOOPBACK, server.tcpPort())) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  /** A read from the test's socket. */
  private interface Read {
    Object run() throws IOException;
  }

  /** Asserts that {@code read} times out: nothing was read beyond the limit, so nothing came. */
  private static void assertNothingArrives(String what, Read read) throws IOException {
    try {
      read.run();
      throw new AssertionError("came: " + what);
    } catch (SocketTimeoutException expected) {
      // The calls wait in the socket.
    }
  }

  private static int xidOf(byte[] reply) {
    return new XdrDecoder(reply).readInt();
  }

  @Test
  void manyLongCallsOnOneConnectionWaitTogetherAndReplyInTheOrderTheyComplete() throws IOException {
    int calls = 200;
    RpcServer server = start(RpcServer.builder().tcp(0));
    Socket s = opened.connect(server);
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      records.add(record(intCall(0x1000 + i, WAIT, i)));
    }
    RawWire.send(s, concat(records.toArray(new byte[0][])));
    // One connection, one reading thread: every call reached its implementation before any
    // completed, so none holds the thread.
    awaitTrue("all calls waiting", () -> waiting.size() == calls);

    // A plain call behind them is answered at once.
    RawWire.send(s, record(intCall(0x5000, SYNC, 41)));
    assertIntResult(RawWire.readRecord(s), 0x5000, 42);

    for (int i = calls - 1; i >= 0; i--) {
      waiting.get(i).complete(i * 10);
    }
    for (int i = calls - 1; i >= 0; i--) {
      assertIntResult(RawWire.readRecord(s), 0x1000 + i, i * 10);
    }
    assertThat(waitCalls.get()).isEqualTo(calls);
  }

  @Test
  void manyConcurrentCompletionsEachSendAWholeRecord() throws Exception {
    int calls = 400;
    RpcServer server = start(RpcServer.builder().tcp(0));
    Socket s = opened.connect(server);
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      records.add(record(intCall(0x2000 + i, WAIT, i)));
    }
    RawWire.send(s, concat(records.toArray(new byte[0][])));
    awaitTrue("all calls waiting", () -> waiting.size() == calls);
    List<Thread> completers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int first = t;
      Thread completer =
          new Thread(
              () -> {
                for (int i = first; i < calls; i += 4) {
                  waiting.get(i).complete(i);
                }
              });
      completer.start();
      completers.add(completer);
    }
    Set<Integer> xids = new HashSet<>();
    for (int i = 0; i < calls; i++) {
      byte[] reply = RawWire.readRecord(s);
      int xid = xidOf(reply);
      assertIntResult(reply, xid, xid - 0x2000);
      xids.add(xid);
    }
    for (Thread completer : completers) {
      completer.join(RawWire.TIMEOUT_MS);
    }
    assertThat(xids).hasSize(calls);
  }

  @Test
  void theImplementationGetsTheCallAsParameterAndAsCurrent() throws IOException {
    RpcServer server = start(RpcServer.builder().tcp(0));
    Socket s = opened.connect(server);
    RawWire.send(s, record(intCall(0x77, WAIT, 1)));
    awaitTrue("the call waiting", () -> waiting.containsKey(1));
    assertThat(context.get().xid()).isEqualTo(0x77);
    assertThat(context.get().transport()).isEqualTo(CallContext.Transport.TCP);
    assertThat(current.get()).isSameAs(context.get());
    waiting.get(1).complete(5);
    assertIntResult(RawWire.readRecord(s), 0x77, 5);
  }

  @Test
  void stagesCompleteAtOnceAreAnsweredInline() throws IOException {
    RpcServer server = start(RpcServer.builder().port(0));
    for (CallContext.Transport t : CallContext.Transport.values()) {
      assertIntResult(RawWire.exchange(t, server, intCall(0x10, NOW, 21)), 0x10, 42);
      assertIntResult(RawWire.exchange(t, server, intCall(0x11, STAGE, 5)), 0x11, 15);
      assertReply(
          RawWire.exchange(t, server, call(0x12, PROGRAM, VERSION, NOTHING)),
          new Reply.AcceptedError(0x12, OpaqueAuth.NONE, AcceptStat.SYSTEM_ERR));
      assertReply(
          RawWire.exchange(t, server, call(0x13, PROGRAM, VERSION, ABSENT)),
          new Reply.AcceptedError(0x13, OpaqueAuth.NONE, AcceptStat.PROC_UNAVAIL));
    }
  }

  @Test
  void aStageThatFailsLaterGetsTheErrorReplyOfItsException() throws IOException {
    RpcServer server = start(RpcServer.builder().tcp(0));
    Socket s = opened.connect(server);
    RawWire.send(
        s,
        concat(
            record(intCall(1, WAIT, 1)),
            record(intCall(2, WAIT, 2)),
            record(intCall(3, WAIT, 3)),
            record(intCall(4, WAIT, 4)),
            record(intCall(5, WAIT, 5))));
    awaitTrue("all calls waiting", () -> waiting.size() == 5);
    waiting.get(1).completeExceptionally(new ProcedureUnavailableException("WAIT"));
    assertReply(
        RawWire.readRecord(s),
        new Reply.AcceptedError(1, OpaqueAuth.NONE, AcceptStat.PROC_UNAVAIL));
    waiting.get(2).completeExceptionally(new RpcAuthException(null, AuthStat.AUTH_TOOWEAK));
    assertReply(RawWire.readRecord(s), new Reply.AuthError(2, AuthStat.AUTH_TOOWEAK));
    waiting.get(3).completeExceptionally(new IllegalStateException("expected by the test"));
    assertReply(
        RawWire.readRecord(s), new Reply.AcceptedError(3, OpaqueAuth.NONE, AcceptStat.SYSTEM_ERR));
    waiting.get(4).completeExceptionally(new NoReplyException("expected by the test"));
    waiting.get(5).cancel(false);
    // NoReplyException sends nothing: the next record is the cancelled call's SYSTEM_ERR.
    assertReply(
        RawWire.readRecord(s), new Reply.AcceptedError(5, OpaqueAuth.NONE, AcceptStat.SYSTEM_ERR));
  }

  @Test
  void atTheLimitOfPendingCallsTheConnectionIsNotReadUntilOneReplies() throws IOException {
    RpcServer server = start(RpcServer.builder().tcp(0).maxPendingCalls(2));
    Socket s = opened.connect(server);
    RawWire.send(
        s,
        concat(
            record(intCall(1, WAIT, 1)), record(intCall(2, WAIT, 2)), record(intCall(3, WAIT, 3))));
    awaitTrue("two calls waiting", () -> waiting.size() == 2);
    // The third is not read while two wait: a plain call behind it is not answered either.
    RawWire.send(s, record(intCall(4, SYNC, 1)));
    s.setSoTimeout(200);
    assertNothingArrives(
        "a reply while the connection is at its limit", () -> RawWire.readRecord(s));
    s.setSoTimeout(RawWire.TIMEOUT_MS);
    assertThat(waiting).doesNotContainKey(3);
    waiting.get(1).complete(10);
    assertIntResult(RawWire.readRecord(s), 1, 10);
    awaitTrue("the third call waiting", () -> waiting.containsKey(3));
    // At the limit again: the plain call is read once the second replies.
    waiting.get(2).complete(20);
    assertIntResult(RawWire.readRecord(s), 2, 20);
    assertIntResult(RawWire.readRecord(s), 4, 2);
    waiting.get(3).complete(30);
    assertIntResult(RawWire.readRecord(s), 3, 30);
  }

  @Test
  void atTheLimitOfPendingCallsNoDatagramIsReadUntilOneReplies() throws IOException {
    RpcServer server = start(RpcServer.builder().udp(0).maxPendingCalls(1));
    DatagramSocket u = opened.udpSocket();
    RawWire.send(u, server, intCall(1, WAIT, 1));
    awaitTrue("WAIT called", () -> waiting.containsKey(1));
    RawWire.send(u, server, intCall(2, SYNC, 2));
    u.setSoTimeout(200);
    assertNothingArrives("a reply while the UDP service is at its limit", () -> RawWire.receive(u));
    u.setSoTimeout(RawWire.TIMEOUT_MS);
    waiting.get(1).complete(10);
    assertIntResult(RawWire.receive(u), 1, 10);
    assertIntResult(RawWire.receive(u), 2, 3);
  }

  @Test
  void aReplyIsNotHeldBackWhileTheConnectionWaitsAtItsLimitOfPendingCalls() throws IOException {
    // In one write: SYNC's reply would be gathered with the replies of the calls buffered behind
    // it, but WAIT then takes the one place, and the third call is not read until WAIT replies.
    byte[] calls =
        concat(
            record(intCall(1, SYNC, 1)), record(intCall(2, WAIT, 2)), record(intCall(3, SYNC, 3)));
    Socket s = opened.connect(start(RpcServer.builder().tcp(0).maxPendingCalls(1)));
    RawWire.send(s, calls);
    assertIntResult(RawWire.readRecord(s), 1, 2);
    awaitTrue("WAIT called", () -> waiting.containsKey(2));
    waiting.get(2).complete(20);
    assertIntResult(RawWire.readRecord(s), 2, 20);
    assertIntResult(RawWire.readRecord(s), 3, 4);
  }

  @Test
  void closeWaitsForCallsInProgressWithinTheGracePeriod() throws Exception {
    RpcServer server =
        start(
            RpcServer.builder()
                .port(0)
                .closeGrace(Duration.ofSeconds(10))
                .duplicateRequestCache(16));
    Socket s = opened.connect(server);
    DatagramSocket u = opened.udpSocket();
    RawWire.send(s, record(intCall(1, WAIT, 1)));
    RawWire.send(u, server, intCall(2, WAIT, 2));
    awaitTrue("both calls waiting", () -> waiting.size() == 2);
    Thread closer = new Thread(server::close);
    closer.start();
    awaitTrue("close begun", () -> refusesConnections(server));
    waiting.get(1).complete(10);
    waiting.get(2).complete(20);
    assertIntResult(RawWire.readRecord(s), 1, 10);
    assertIntResult(RawWire.receive(u), 2, 20);
    closer.join(RawWire.TIMEOUT_MS);
    assertThat(closer.isAlive()).isFalse();
    assertThat(server.awaitTermination(Duration.ofSeconds(1))).isTrue();
  }

  @Test
  void udpRetransmissionsWhileInProgressAreDroppedAndLaterOnesGetTheCachedReply()
      throws IOException {
    RpcServer server = start(RpcServer.builder().udp(0).duplicateRequestCache(16));
    DatagramSocket u = opened.udpSocket();
    byte[] request = intCall(0x9001, WAIT, 7);
    RawWire.send(u, server, request);
    awaitTrue("the call waiting", () -> waiting.containsKey(7));
    RawWire.send(u, server, request);
    RawWire.send(u, server, request);
    // A later call proves the retransmissions were read before it, and answered by none.
    RawWire.send(u, server, intCall(0x9002, SYNC, 1));
    assertIntResult(RawWire.receive(u), 0x9002, 2);
    assertThat(waitCalls.get()).isEqualTo(1);

    waiting.get(7).complete(70);
    byte[] reply = RawWire.receive(u);
    assertIntResult(reply, 0x9001, 70);
    RawWire.send(u, server, request);
    assertThat(RawWire.receive(u)).isEqualTo(reply);
    assertThat(waitCalls.get()).isEqualTo(1);
  }

  @Test
  void aUdpCallThatSendsNoReplyIsForgottenByTheCache() throws IOException {
    RpcServer server = start(RpcServer.builder().udp(0).duplicateRequestCache(16));
    DatagramSocket u = opened.udpSocket();
    byte[] request = intCall(0x9101, WAIT, 8);
    RawWire.send(u, server, request);
    awaitTrue("the call waiting", () -> waiting.containsKey(8));
    waiting.remove(8).completeExceptionally(new NoReplyException("expected by the test"));
    // Sent again, it runs again: nothing was cached for it.
    RawWire.send(u, server, request);
    // The procedure counts the call before it puts the call's future in the map.
    awaitTrue("the call run again", () -> waitCalls.get() == 2 && waiting.containsKey(8));
    waiting.get(8).complete(80);
    assertIntResult(RawWire.receive(u), 0x9101, 80);
  }

  @Test
  void udpLateRepliesGoToTheirOwnCaller() throws IOException {
    RpcServer server = start(RpcServer.builder().udp(0).duplicateRequestCache(16));
    DatagramSocket a = opened.udpSocket();
    DatagramSocket b = opened.udpSocket();
    RawWire.send(a, server, intCall(0x42, WAIT, 1));
    RawWire.send(b, server, intCall(0x42, WAIT, 2));
    awaitTrue("both calls waiting", () -> waiting.size() == 2);
    waiting.get(2).complete(20);
    waiting.get(1).complete(10);
    assertIntResult(RawWire.receive(b), 0x42, 20);
    assertIntResult(RawWire.receive(a), 0x42, 10);
  }

  @Test
  void aLateReplyToAConnectionThePeerClosedIsDroppedAndTheServerGoesOn() throws IOException {
    RpcServer server = start(RpcServer.builder().tcp(0));
    try (Socket s = RawWire.connect(server)) {
      RawWire.send(s, record(intCall(1, WAIT, 1)));
      awaitTrue("the call waiting", () -> waiting.containsKey(1));
    }
    awaitTrue("the connection gone", () -> server.connectionCount() == 0);
    waiting.get(1).complete(10);
    assertIntResult(RawWire.tcpExchange(server, intCall(2, SYNC, 1)), 2, 2);
  }

  /** Stages that are not CompletableFutures, completed later, reply too. */
  @Test
  void anyCompletionStageWillDo() throws IOException {
    CompletableFuture<Integer> source = new CompletableFuture<>();
    CompletionStage<Integer> stage = source.minimalCompletionStage();
    RpcServer server =
        RpcServer.builder()
            .bindAddress(RawWire.LOOPBACK)
            .tcp(0)
            .program(
                ProgramDefinition.builder(PROGRAM, VERSION)
                    .procedure(
                        Procedure.ofAsync(
                            WAIT, "WAIT", XdrCodec.INT, XdrCodec.INT, (call, n) -> stage))
                    .build())
            .start();
    opened.add(server);
    Socket s = opened.connect(server);
    RawWire.send(s, record(intCall(9, WAIT, 0)));
    RawWire.send(s, record(intCall(10, WAIT, 0)));
    source.complete(99);
    Set<Integer> xids = new HashSet<>();
    for (int i = 0; i < 2; i++) {
      byte[] reply = RawWire.readRecord(s);
      assertIntResult(reply, xidOf(reply), 99);
      xids.add(xidOf(reply));
    }
    assertThat(xids).containsExactlyInAnyOrder(9, 10);
  }

  /**
   * A stage of an implementation's own making: {@code toCompletableFuture} unsupported, as the
   * interface allows, and every other method passed to {@code source} unless {@code inert}, which
   * makes {@code whenComplete} refuse too.
   */
  @SuppressWarnings("unchecked")
  private static CompletionStage<Integer> foreignStage(
      CompletableFuture<Integer> source, boolean inert) {
    return (CompletionStage<Integer>)
        Proxy.newProxyInstance(
            CompletionStage.class.getClassLoader(),
            new Class<?>[] {CompletionStage.class},
            (proxy, method, args) -> {
              if (method.getName().equals("toCompletableFuture")
                  || inert && method.getName().equals("whenComplete")) {
                throw new UnsupportedOperationException(method.getName());
              }
              try {
                return method.invoke(source, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  private RpcServer serving(
      RpcServer.Builder builder,
      int procedure,
      AsyncProcedureHandler<Integer, Integer> handler,
      XdrCodec<Integer> resultCodec) {
    RpcServer server =
        builder
            .bindAddress(RawWire.LOOPBACK)
            .program(
                ProgramDefinition.builder(PROGRAM, VERSION)
                    .procedure(
                        Procedure.ofAsync(procedure, "FOREIGN", XdrCodec.INT, resultCodec, handler))
                    .procedure(
                        Procedure.of(SYNC, "SYNC", XdrCodec.INT, XdrCodec.INT, (call, n) -> n + 1))
                    .procedure(
                        Procedure.oneWay(
                            NOTHING,
                            "ONE_WAY_ABSENT",
                            XdrCodec.VOID,
                            (call, v) -> {
                              throw new ProcedureUnavailableException("ONE_WAY_ABSENT");
                            }))
                    .build())
            .start();
    opened.add(server);
    return server;
  }

  @Test
  void aStageThatIsNoFutureRepliesWhenItCompletes() throws IOException {
    CompletableFuture<Integer> source = new CompletableFuture<>();
    RpcServer server =
        serving(
            RpcServer.builder().tcp(0),
            WAIT,
            (call, n) -> foreignStage(source, false),
            XdrCodec.INT);
    Socket s = opened.connect(server);
    RawWire.send(s, record(intCall(1, WAIT, 0)));
    RawWire.send(s, record(intCall(2, SYNC, 1)));
    assertIntResult(RawWire.readRecord(s), 2, 2);
    source.complete(7);
    assertIntResult(RawWire.readRecord(s), 1, 7);
  }

  @Test
  void aStageThatTakesNoActionIsSystemErrAndHoldsNoPlace() throws IOException {
    RpcServer server =
        serving(
            RpcServer.builder().tcp(0).maxPendingCalls(1),
            WAIT,
            (call, n) -> foreignStage(new CompletableFuture<>(), true),
            XdrCodec.INT);
    Socket s = opened.connect(server);
    for (int xid = 1; xid <= 3; xid++) {
      RawWire.send(s, record(intCall(xid, WAIT, 0)));
      assertReply(
          RawWire.readRecord(s),
          new Reply.AcceptedError(xid, OpaqueAuth.NONE, AcceptStat.SYSTEM_ERR));
    }
    assertIntResult(RawWire.tcpExchange(server, intCall(4, SYNC, 1)), 4, 2);
  }

  @Test
  void aLateResultThatCannotBeEncodedIsSystemErr() throws IOException {
    CompletableFuture<Integer> source = new CompletableFuture<>();
    XdrCodec<Integer> refusing =
        XdrCodec.of(
            (out, v) -> {
              out.writeInt(v);
              throw new IllegalArgumentException("cannot encode " + v + " (expected by the test)");
            },
            in -> in.readInt());
    RpcServer server = serving(RpcServer.builder().tcp(0), WAIT, (call, n) -> source, refusing);
    Socket s = opened.connect(server);
    RawWire.send(s, record(intCall(1, WAIT, 0)));
    awaitTrue("the call read", () -> server.connectionCount() == 1);
    RawWire.send(s, record(intCall(2, SYNC, 1)));
    assertIntResult(RawWire.readRecord(s), 2, 2);
    source.complete(5);
    // The half-written result is cut off: the record holds the error reply alone.
    assertReply(
        RawWire.readRecord(s), new Reply.AcceptedError(1, OpaqueAuth.NONE, AcceptStat.SYSTEM_ERR));
  }

  @Test
  void aOneWayProcedureThatIsUnavailableSendsNothing() throws IOException {
    RpcServer server =
        serving(
            RpcServer.builder().port(0),
            WAIT,
            (call, n) -> new CompletableFuture<>(),
            XdrCodec.INT);
    Socket s = opened.connect(server);
    RawWire.send(s, record(call(1, PROGRAM, VERSION, NOTHING)));
    RawWire.send(s, record(intCall(2, SYNC, 1)));
    assertIntResult(RawWire.readRecord(s), 2, 2);
  }

  @Test
  void closeGivesUpOnCallsThatDoNotCompleteWithinTheGracePeriod() throws Exception {
    RpcServer server = start(RpcServer.builder().port(0).closeGrace(Duration.ofMillis(200)));
    Socket s = opened.connect(server);
    DatagramSocket u = opened.udpSocket();
    RawWire.send(s, record(intCall(1, WAIT, 1)));
    RawWire.send(u, server, intCall(2, WAIT, 2));
    awaitTrue("both calls waiting", () -> waiting.size() == 2);
    server.close();
    assertThat(server.awaitTermination(Duration.ofSeconds(5))).isTrue();
    RawWire.assertClosedByServer(s);
    // Completed after the server is gone: nowhere to send, and nothing thrown at the completer.
    assertThat(waiting.get(1).complete(10)).isTrue();
    assertThat(waiting.get(2).complete(20)).isTrue();
  }

  @Test
  void aConnectionWithCallsInProgressIsNotIdle() throws Exception {
    RpcServer server = start(RpcServer.builder().tcp(0).idleTimeout(Duration.ofMillis(100)));
    Socket s = opened.connect(server);
    RawWire.send(s, record(intCall(1, WAIT, 1)));
    awaitTrue("the call waiting", () -> waiting.containsKey(1));
    // Several idle timeouts pass while the call is in progress.
    Thread.sleep(500);
    waiting.get(1).complete(10);
    assertIntResult(RawWire.readRecord(s), 1, 10);
    // With nothing in progress, the idle timeout closes the connection.
    RawWire.assertClosedByServer(s);
  }

  @Test
  void exceptionsOfDependentStagesAnswerAsTheirCause() throws IOException {
    CompletableFuture<Integer> source = new CompletableFuture<>();
    RpcServer server =
        serving(
            RpcServer.builder().tcp(0),
            WAIT,
            (call, n) ->
                n == 0
                    ? CompletableFuture.completedFuture(n)
                        .thenApply(
                            v -> {
                              throw new RpcAuthException(null, AuthStat.AUTH_TOOWEAK);
                            })
                    : source.thenApply(
                        v -> {
                          throw new ProcedureUnavailableException("WAIT");
                        }),
            XdrCodec.INT);
    Socket s = opened.connect(server);
    RawWire.send(s, record(intCall(1, WAIT, 0)));
    assertReply(RawWire.readRecord(s), new Reply.AuthError(1, AuthStat.AUTH_TOOWEAK));
    RawWire.send(s, record(intCall(2, WAIT, 1)));
    RawWire.send(s, record(intCall(3, SYNC, 1)));
    assertIntResult(RawWire.readRecord(s), 3, 2);
    source.complete(1);
    assertReply(
        RawWire.readRecord(s),
        new Reply.AcceptedError(2, OpaqueAuth.NONE, AcceptStat.PROC_UNAVAIL));
  }

  @Test
  void aUdpCallAnsweredAtOnceWithNoReplyIsForgottenByTheCache() throws IOException {
    AtomicInteger runs = new AtomicInteger();
    RpcServer server =
        serving(
            RpcServer.builder().udp(0).duplicateRequestCache(16),
            WAIT,
            (call, n) -> {
              runs.incrementAndGet();
              return CompletableFuture.failedFuture(new NoReplyException("expected by the test"));
            },
            XdrCodec.INT);
    DatagramSocket u = opened.udpSocket();
    RawWire.send(u, server, intCall(0x9201, WAIT, 0));
    RawWire.send(u, server, intCall(0x9201, WAIT, 0));
    RawWire.send(u, server, intCall(0x9202, SYNC, 1));
    assertIntResult(RawWire.receive(u), 0x9202, 2);
    assertThat(runs.get()).isEqualTo(2);
  }
}
