package io.jrpcgen.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.rpc.AuthSys;
import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.server.Procedure;
import io.jrpcgen.server.ProgramDefinition;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.xdr.XdrCodec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The stub base as a generated client uses it: copies, options, its three call forms, close. */
@Timeout(30)
class AbstractStubTest {
  private static final int PROGRAM = 0x20000077;
  private static final int VERSION = 1;
  private static final int DOUBLE = 1;
  private static final int NOTE = 2;

  /** What the compiler generates, written by hand: how to copy itself, and its procedures. */
  static final class DoublerClient extends AbstractStub<DoublerClient> {
    DoublerClient(RpcClient client) {
      super(client);
    }

    @Override
    protected DoublerClient copy(RpcClient client) {
      return new DoublerClient(client);
    }

    int twice(int n) {
      return call(DOUBLE, XdrCodec.INT, n, XdrCodec.INT);
    }

    CompletableFuture<Integer> twiceAsync(int n) {
      return callAsync(DOUBLE, XdrCodec.INT, n, XdrCodec.INT);
    }

    void noteOneWay(int n) {
      callOneWay(NOTE, XdrCodec.INT, n);
    }
  }

  private static RpcServer server(List<OpaqueAuth> credentials, AtomicInteger notes) {
    return RpcServer.builder()
        .program(
            ProgramDefinition.builder(PROGRAM, VERSION)
                .procedure(
                    Procedure.of(
                        DOUBLE,
                        "DOUBLE",
                        XdrCodec.INT,
                        XdrCodec.INT,
                        (call, n) -> {
                          credentials.add(call.credential());
                          return 2 * n;
                        }))
                .procedure(
                    Procedure.oneWay(NOTE, "NOTE", XdrCodec.INT, (call, n) -> notes.addAndGet(n)))
                .build())
        .bindAddress(InetAddress.getLoopbackAddress())
        .tcp(0)
        .start();
  }

  private static DoublerClient client(RpcServer server) {
    return new DoublerClient(
        RpcClient.create(
            RpcChannel.tcp(new InetSocketAddress("127.0.0.1", server.tcpPort())),
            PROGRAM,
            VERSION));
  }

  @Test
  void copiesCarryTheirOptionsAndLeaveTheOriginalAsItWas() {
    try (RpcServer server = server(new CopyOnWriteArrayList<>(), new AtomicInteger());
        DoublerClient client = client(server)) {
      Executor mine = Runnable::run;
      DoublerClient copy =
          client
              .withTimeout(Duration.ofSeconds(3))
              .withRetryInterval(Duration.ofSeconds(2))
              .withExecutor(mine);
      assertThat(copy.rpcClient().timeout()).isEqualTo(Duration.ofSeconds(3));
      assertThat(copy.rpcClient().options().retryInterval()).isEqualTo(Duration.ofSeconds(2));
      assertThat(copy.rpcClient().executor()).isSameAs(mine);
      assertThat(copy.rpcClient().channel()).isSameAs(client.rpcClient().channel());
      assertThat(client.rpcClient().options()).isEqualTo(CallOptions.DEFAULTS);
      assertThat(
              client
                  .withOptions(CallOptions.DEFAULTS.withTimeout(Duration.ofSeconds(4)))
                  .rpcClient()
                  .timeout())
          .isEqualTo(Duration.ofSeconds(4));
      assertThatThrownBy(() -> new DoublerClient(null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("client is null");
    }
  }

  @Test
  void callsGoOutInEveryFormWithTheCopysCredentials() throws Exception {
    List<OpaqueAuth> credentials = new CopyOnWriteArrayList<>();
    AtomicInteger notes = new AtomicInteger();
    try (RpcServer server = server(credentials, notes);
        DoublerClient client = client(server)) {
      client.ping();
      assertThat(client.twice(21)).isEqualTo(42);
      assertThat(client.twiceAsync(5).get(10, TimeUnit.SECONDS)).isEqualTo(10);
      AuthSys sys = new AuthSys(7, "host", 1000, 100, List.of(4, 5));
      assertThat(client.withAuthSys(sys).twice(1)).isEqualTo(2);
      assertThat(client.withAuthSys(sys).withCredential(OpaqueAuth.NONE).twice(2)).isEqualTo(4);
      assertThat(credentials)
          .containsExactly(OpaqueAuth.NONE, OpaqueAuth.NONE, sys.toOpaqueAuth(), OpaqueAuth.NONE);

      client.noteOneWay(3);
      client.noteOneWay(4);
      client.flush();
      // flush() alone sends them: no later call carries them.
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (notes.get() < 7 && System.nanoTime() - end < 0) {
        Thread.sleep(5);
      }
      assertThat(notes.get()).isEqualTo(7);
      assertThat(client.rpcClient().program()).isEqualTo(PROGRAM);
      assertThat(client.rpcClient().version()).isEqualTo(VERSION);
    }
  }

  @Test
  void closingACopyClosesTheChannelOfEveryCopy() {
    try (RpcServer server = server(new CopyOnWriteArrayList<>(), new AtomicInteger())) {
      DoublerClient client = client(server);
      DoublerClient copy = client.withTimeout(Duration.ofSeconds(5));
      copy.close();
      assertThatThrownBy(() -> client.twice(1)).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(client::ping).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void anExceptionKeepsTheFirstXidItWasGiven() {
    RpcException e = new RpcException(RpcStatus.TIMED_OUT, "h");
    assertThat(e.xid()).isEmpty();
    assertThat(e.withXid(-1)).isSameAs(e);
    e.withXid(5);
    assertThat(e.xid()).hasValue(-1);
  }
}
