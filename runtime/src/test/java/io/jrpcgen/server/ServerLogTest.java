package io.jrpcgen.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.testsupport.CapturedLog;
import java.net.Socket;
import java.time.Duration;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The lines an operator reads at INFO and WARNING: what is served and where, the registration and
 * its withdrawal, the shutdown, and connections refused at the limit.
 */
class ServerLogTest {
  @RegisterExtension final CapturedLog log = new CapturedLog(RpcServer.class.getName());
  private final TestProgram prog = new TestProgram();
  private final Opened opened = new Opened();

  @AfterEach
  void closeAll() throws Exception {
    opened.close();
  }

  /** A registrar that registers nothing and names itself in the log. */
  private static Registrar registrar(Registrar.Registration registration) {
    return new Registrar() {
      @Override
      public Registration register(RpcServer server) {
        return registration;
      }

      @Override
      public String toString() {
        return "the test's registrar";
      }
    };
  }

  /** Where {@code server}, still open, listens, as its log says. */
  private static String where(RpcServer server) {
    return "127.0.0.1 tcp port " + server.tcpPort() + ", udp port " + server.udpPort();
  }

  @Test
  void startAndCloseSayWhatIsServedWhereAndThatItStopped() {
    RpcServer server = prog.server().port(0).closeGrace(Duration.ofMillis(100)).start();
    String where = where(server);
    server.close();
    // Program and version numbers as rpcinfo prints them: unsigned.
    assertThat(log.messages(Level.INFO))
        .containsExactly(
            "serving program 536875572 version 2 on " + where,
            "serving program 536875572 version 4 on " + where,
            "serving program 536875573 version 4294967294 on " + where,
            "serving program 536875573 version 1 on " + where,
            "shutting down " + where + ": waiting up to PT0.1S for calls in progress",
            "stopped serving " + where);
  }

  @Test
  void theRegistrationAndItsWithdrawalAreLogged() {
    RpcServer server = prog.server().port(0).registrar(registrar(() -> {})).start();
    String where = where(server);
    server.close();
    assertThat(log.messages(Level.INFO))
        .containsSubsequence(
            "registered " + where + " with the test's registrar",
            "shutting down " + where + ": waiting up to PT5S for calls in progress",
            "unregistered",
            "stopped serving " + where);
    assertThat(log.messages(Level.WARNING)).isEmpty();
  }

  @Test
  void aWithdrawalThatFailsIsAWarningAndTheServerStillStops() {
    RpcServer server =
        prog.server()
            .tcp(0)
            .registrar(
                registrar(
                    () -> {
                      throw new IllegalStateException("portmapper gone (expected by the test)");
                    }))
            .start();
    server.close();
    assertThat(log.messages(Level.WARNING))
        .containsExactly(
            "cannot unregister: java.lang.IllegalStateException: portmapper gone (expected by the"
                + " test)");
    assertThat(log.messages(Level.INFO))
        .doesNotContain("unregistered")
        .endsWith("stopped serving 127.0.0.1 tcp port " + server.tcpPort());
  }

  @Test
  void aConnectionRefusedAtTheLimitIsAWarningThatNamesItsPeerAndTheLimit() throws Exception {
    RpcServer server = opened.add(prog.server().tcp(0).maxConnections(1).start());
    opened.connect(server);
    RawWire.awaitTrue("one connection", () -> server.connectionCount() == 1);
    Socket refused = opened.connect(server);
    assertThat(RawWire.readOrTimeout(refused.getInputStream())).as("refused").isEqualTo(-1);
    log.await(
        Level.WARNING,
        "refusing a TCP connection from /127.0.0.1:"
            + refused.getLocalPort()
            + ": 1 connections are open, the limit (maxConnections)");
  }
}
