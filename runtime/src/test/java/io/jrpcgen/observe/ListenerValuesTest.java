package io.jrpcgen.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.rpc.AcceptStat;
import io.jrpcgen.rpc.AuthStat;
import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.rpc.OpaqueAuth;
import io.jrpcgen.rpc.RpcStatus;
import io.jrpcgen.transport.ChannelOptions;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The listener's values: statuses, names, combined and guarded listeners. */
class ListenerValuesTest {
  private static final RpcCall CALL =
      new RpcCall(
          RpcCall.Side.SERVER,
          RpcCall.Transport.UDP,
          true,
          null,
          new InetSocketAddress("127.0.0.1", 7),
          0xabc,
          0x80000001,
          2,
          3,
          null,
          null,
          40);
  private static final CallEnd END = new CallEnd(new CallStatus.NoReply(), 0, 1, null);

  @Test
  void statusesNameWhatEndedTheCall() {
    for (AcceptStat stat : AcceptStat.values()) {
      assertThat(CallStatus.accepted(stat))
          .isSameAs(CallStatus.accepted(stat))
          .isEqualTo(new CallStatus.Accepted(stat));
      assertThat(CallStatus.accepted(stat).name()).isEqualTo(stat.name());
      assertThat(CallStatus.accepted(stat).succeeded()).isEqualTo(stat == AcceptStat.SUCCESS);
    }
    assertThat(new CallStatus.AuthError(AuthStat.AUTH_BADCRED).name()).isEqualTo("AUTH_BADCRED");
    assertThat(new CallStatus.AuthError(AuthStat.AUTH_BADCRED).succeeded()).isFalse();
    assertThat(new CallStatus.RpcMismatch().name()).isEqualTo("RPC_MISMATCH");
    assertThat(new CallStatus.NoReply().succeeded()).isTrue();
    assertThat(new CallStatus.Failed(RpcStatus.CANT_RECV).name()).isEqualTo("CANT_RECV");
    assertThat(new CallStatus.Failed(RpcStatus.CANT_RECV).succeeded()).isFalse();
  }

  @Test
  void programNamesNameWhatTheyWereGiven() {
    ProgramNames names =
        ProgramNames.builder("NFS_PROGRAM")
            .procedure(0, "NFSPROC3_NULL")
            .procedure(1, "NFSPROC3_GETATTR")
            .build();
    assertThat(names.program()).isEqualTo("NFS_PROGRAM");
    assertThat(names.procedure(1)).isEqualTo("NFSPROC3_GETATTR");
    assertThat(names.procedure(2)).isNull();
    assertThat(names)
        .isEqualTo(
            ProgramNames.builder("NFS_PROGRAM")
                .procedure(1, "NFSPROC3_GETATTR")
                .procedure(0, "NFSPROC3_NULL")
                .build())
        .hasSameHashCodeAs(
            ProgramNames.builder("NFS_PROGRAM")
                .procedure(1, "NFSPROC3_GETATTR")
                .procedure(0, "NFSPROC3_NULL")
                .build())
        .isNotEqualTo(ProgramNames.builder("NFS_PROGRAM").procedure(0, "NFSPROC3_NULL").build())
        .isNotEqualTo(
            ProgramNames.builder("MOUNT_PROGRAM")
                .procedure(0, "NFSPROC3_NULL")
                .procedure(1, "NFSPROC3_GETATTR")
                .build())
        .isNotEqualTo("NFS_PROGRAM")
        .hasToString("NFS_PROGRAM{0=NFSPROC3_NULL, 1=NFSPROC3_GETATTR}");
    assertThat(ProgramNames.builder("A").build().hashCode())
        .isNotEqualTo(ProgramNames.builder("B").build().hashCode());
    assertThatThrownBy(() -> ProgramNames.builder(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("program name is null");
    assertThatThrownBy(() -> ProgramNames.builder("P").procedure(1, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name of procedure 1 is null");
    assertThatThrownBy(() -> ProgramNames.builder("P").procedure(1, "A").procedure(1, "B"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("procedure 1 is named twice");
  }

  @Test
  void optionsCarryNamesAndListeners() {
    ProgramNames names = ProgramNames.builder("P").build();
    CallOptions named = CallOptions.DEFAULTS.withNames(names);
    assertThat(named.names()).isSameAs(names);
    assertThat(CallOptions.DEFAULTS.names()).isNull();
    assertThat(named.withTimeout(java.time.Duration.ofSeconds(1)).names()).isSameAs(names);
    assertThat(named.withCredential(OpaqueAuth.NONE).names()).isSameAs(names);
    RpcListener listener = new RpcListener() {};
    ChannelOptions options = ChannelOptions.DEFAULTS.withListener(listener);
    assertThat(options.listener()).isSameAs(listener);
    assertThat(ChannelOptions.DEFAULTS.listener()).isNull();
    assertThat(
            options
                .withKeepAlive(true)
                .withMaxRecordSize(9)
                .withMaxFragmentSize(9)
                .withConnectTimeout(java.time.Duration.ofSeconds(1))
                .withTls(null)
                .listener())
        .isSameAs(listener);
  }

  @Test
  void theDefaultListenerHearsNothing() {
    RpcListener quiet = new RpcListener() {};
    assertThat(quiet.callStarted(CALL)).isSameAs(CallObserver.NONE);
    quiet.connectionOpened(null);
    quiet.connectionClosed(null);
    CallObserver.NONE.callEnded(CALL, END);
  }

  @Test
  void allListenersHearEverythingInOrder() {
    List<String> heard = new ArrayList<>();
    RpcListener quiet = new RpcListener() {};
    RpcListener all = RpcListener.all(named("a", heard), quiet, named("b", heard));
    all.callStarted(CALL).callEnded(CALL, END);
    all.connectionOpened(new RpcConnection(RpcCall.Side.CLIENT, null, null));
    all.connectionClosed(new RpcConnection(RpcCall.Side.CLIENT, null, null));
    assertThat(heard)
        .containsExactly(
            "a started",
            "b started",
            "a ended",
            "b ended",
            "a opened",
            "b opened",
            "a closed",
            "b closed");
    assertThat(RpcListener.all(quiet, quiet).callStarted(CALL)).isSameAs(CallObserver.NONE);
  }

  @Test
  void aGuardedListenerSwallowsWhatItsListenerThrows() {
    List<String> heard = new ArrayList<>();
    RpcListener recording = named("r", heard);
    RpcListener guarded = RpcListener.guarded(recording);
    assertThat(RpcListener.guarded(guarded)).isSameAs(guarded);
    assertThat(guarded).hasToString("guarded " + recording);
    guarded.callStarted(CALL).callEnded(CALL, END);
    guarded.connectionOpened(null);
    guarded.connectionClosed(null);
    assertThat(heard).containsExactly("r started", "r ended", "r opened", "r closed");
    assertThat(RpcListener.guarded(new RpcListener() {}).callStarted(CALL))
        .isSameAs(CallObserver.NONE);
    assertThat(
            RpcListener.guarded(
                    new RpcListener() {
                      @Override
                      public CallObserver callStarted(RpcCall call) {
                        return null;
                      }
                    })
                .callStarted(CALL))
        .isSameAs(CallObserver.NONE);
    assertThatThrownBy(() -> RpcListener.guarded(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("listener is null");

    RpcListener failing =
        RpcListener.guarded(
            new RpcListener() {
              @Override
              public CallObserver callStarted(RpcCall call) {
                throw new IllegalStateException("started");
              }

              @Override
              public void connectionOpened(RpcConnection connection) {
                throw new StackOverflowError();
              }

              @Override
              public void connectionClosed(RpcConnection connection) {
                throw new IllegalStateException("closed");
              }
            });
    assertThat(failing.callStarted(CALL)).isSameAs(CallObserver.NONE);
    failing.connectionOpened(null);
    failing.connectionClosed(null);
    CallObserver observer =
        RpcListener.guarded(
                new RpcListener() {
                  @Override
                  public CallObserver callStarted(RpcCall call) {
                    return (c, end) -> {
                      throw new IllegalStateException("ended");
                    };
                  }
                })
            .callStarted(CALL);
    observer.callEnded(CALL, END);
  }

  @Test
  void onlyTheFirstFailureIsAWarning() {
    Logger logger = Logger.getLogger(RpcListener.class.getName());
    List<LogRecord> records = new ArrayList<>();
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            records.add(record);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Level level = logger.getLevel();
    logger.setLevel(Level.ALL);
    logger.addHandler(handler);
    try {
      RpcListener failing =
          RpcListener.guarded(
              new RpcListener() {
                @Override
                public void connectionOpened(RpcConnection connection) {
                  throw new IllegalStateException("opened");
                }
              });
      failing.connectionOpened(null);
      failing.connectionOpened(null);
      RpcListener.guarded(
              new RpcListener() {
                @Override
                public CallObserver callStarted(RpcCall call) {
                  throw new IllegalStateException("started");
                }
              })
          .callStarted(CALL);
    } finally {
      logger.removeHandler(handler);
      logger.setLevel(level);
    }
    assertThat(records)
        .extracting(LogRecord::getLevel)
        .containsExactly(Level.WARNING, Level.FINE, Level.WARNING);
    assertThat(records.get(2).getMessage()).contains(".callStarted failed");
    assertThat(records.get(0).getMessage()).contains(".connectionOpened failed; the call goes on");
    assertThat(records.get(0).getThrown()).hasMessage("opened");
  }

  @Test
  void callsPrintWhatTheyAre() {
    assertThat(CALL).hasToString("SERVER 2147483649 v2 3 xid abc UDP+TLS /127.0.0.1:7");
    assertThat(
            new RpcCall(
                RpcCall.Side.CLIENT,
                RpcCall.Transport.TCP,
                false,
                null,
                null,
                1,
                1,
                1,
                1,
                "P",
                "Q",
                0))
        .hasToString("CLIENT P v1 Q xid 1 TCP null");
  }

  private static RpcListener named(String name, List<String> heard) {
    return new RpcListener() {
      @Override
      public CallObserver callStarted(RpcCall call) {
        heard.add(name + " started");
        return (c, end) -> heard.add(name + " ended");
      }

      @Override
      public void connectionOpened(RpcConnection connection) {
        heard.add(name + " opened");
      }

      @Override
      public void connectionClosed(RpcConnection connection) {
        heard.add(name + " closed");
      }
    };
  }
}
