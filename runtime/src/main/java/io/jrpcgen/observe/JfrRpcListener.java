package io.jrpcgen.observe;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * Makes a JDK Flight Recorder event of every call and connection: with it installed, {@code jcmd
 * PID JFR.start} records them and {@code JFR.dump} writes them out, as {@value #CALL_EVENT},
 * {@value #CONNECTION_OPENED_EVENT} and {@value #CONNECTION_CLOSED_EVENT}. Events are made only
 * while a recording is running.
 *
 * <pre>{@code
 * RpcServer.builder().program(definition).listener(JfrRpcListener.INSTANCE).port(0).start();
 * TcpChannel.connect(address, ChannelOptions.DEFAULTS.withListener(JfrRpcListener.INSTANCE));
 * }</pre>
 */
public final class JfrRpcListener implements RpcListener {
  /** The name of the call event. */
  public static final String CALL_EVENT = "io.jrpcgen.Call";

  /** The name of the event of a connection opened or accepted. */
  public static final String CONNECTION_OPENED_EVENT = "io.jrpcgen.ConnectionOpened";

  /** The name of the event of a connection closed. */
  public static final String CONNECTION_CLOSED_EVENT = "io.jrpcgen.ConnectionClosed";

  /** The listener; it holds no state. */
  public static final JfrRpcListener INSTANCE = new JfrRpcListener();

  private JfrRpcListener() {}

  @Override
  public CallObserver callStarted(RpcCall call) {
    CallEvent event = new CallEvent();
    if (!event.isEnabled()) {
      return CallObserver.NONE;
    }
    event.begin();
    return (c, end) -> {
      event.end();
      if (event.shouldCommit()) {
        event.side = c.side().name();
        event.transport = c.transport().name();
        event.tls = c.tls();
        event.peer = String.valueOf(c.peer());
        event.xid = c.xid();
        event.program = Integer.toUnsignedLong(c.program());
        event.programName = c.programName();
        event.version = Integer.toUnsignedLong(c.version());
        event.procedure = Integer.toUnsignedLong(c.procedure());
        event.procedureName = c.procedureName();
        event.status = end.status().name();
        event.error = end.failure() == null ? null : end.failure().toString();
        event.requestBytes = c.requestBytes();
        event.replyBytes = end.replyBytes();
        event.commit();
      }
    };
  }

  @Override
  public void connectionOpened(RpcConnection connection) {
    commit(new ConnectionOpenedEvent(), connection);
  }

  @Override
  public void connectionClosed(RpcConnection connection) {
    commit(new ConnectionClosedEvent(), connection);
  }

  private static void commit(ConnectionEvent event, RpcConnection connection) {
    if (event.shouldCommit()) {
      event.side = connection.side().name();
      event.local = String.valueOf(connection.local());
      event.peer = String.valueOf(connection.peer());
      event.commit();
    }
  }

  @Override
  public String toString() {
    return "JfrRpcListener";
  }

  // Stack traces are off: a call's stack says little that its program and procedure do not,
  // and walking it on every call would cost more than the rest of the event.
  @Name(CALL_EVENT)
  @Label("ONC RPC Call")
  @Category({"jrpcgen", "ONC RPC"})
  @Description("A call made (CLIENT) or served (SERVER), from its start to its end")
  @StackTrace(false)
  static final class CallEvent extends Event {
    @Label("Side")
    String side;

    @Label("Transport")
    String transport;

    @Label("TLS")
    boolean tls;

    @Label("Peer")
    String peer;

    @Label("XID")
    int xid;

    @Label("Program")
    long program;

    @Label("Program Name")
    String programName;

    @Label("Version")
    long version;

    @Label("Procedure")
    long procedure;

    @Label("Procedure Name")
    String procedureName;

    @Label("Status")
    @Description(
        "SUCCESS or the accept_stat, RPC_MISMATCH, the auth_stat, NO_REPLY, or the"
            + " client's error (TIMED_OUT, CANT_RECV...)")
    String status;

    @Label("Error")
    String error;

    @Label("Request Bytes")
    @DataAmount
    long requestBytes;

    @Label("Reply Bytes")
    @DataAmount
    long replyBytes;
  }

  /** What both connection events hold. */
  @Category({"jrpcgen", "ONC RPC"})
  @StackTrace(false)
  abstract static class ConnectionEvent extends Event {
    @Label("Side")
    String side;

    @Label("Local")
    String local;

    @Label("Peer")
    String peer;
  }

  @Name(CONNECTION_OPENED_EVENT)
  @Label("ONC RPC Connection Opened")
  static final class ConnectionOpenedEvent extends ConnectionEvent {}

  @Name(CONNECTION_CLOSED_EVENT)
  @Label("ONC RPC Connection Closed")
  static final class ConnectionClosedEvent extends ConnectionEvent {}
}
