package io.jrpcgen.opentelemetry;

import io.jrpcgen.observe.CallEnd;
import io.jrpcgen.observe.CallObserver;
import io.jrpcgen.observe.RpcCall;
import io.jrpcgen.observe.RpcConnection;
import io.jrpcgen.observe.RpcListener;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * OpenTelemetry spans and metrics for jrpcgen's clients and servers, with the {@code onc_rpc}
 * semantic conventions: an {@link RpcListener} to give a channel or a server.
 *
 * <pre>{@code
 * OncRpcTelemetry telemetry = OncRpcTelemetry.create(openTelemetry);
 * RpcServer.builder().program(definition).listener(telemetry).port(0).start();
 * TcpChannel.connect(address, ChannelOptions.DEFAULTS.withListener(telemetry));
 * }</pre>
 *
 * <p>Each call is a span, {@code CLIENT} or {@code SERVER}, named {@code PROGRAM/PROCEDURE} with
 * the {@code .x} names ({@code SQUARE_PROG/SQUAREPROC}), or the numbers where the names are not
 * known. A client span's parent is the context current when the call is made; ONC RPC carries no
 * trace context, so a server span is a root. Spans are not made current. Every call is also
 * measured in {@code rpc.client.call.duration} or {@code rpc.server.call.duration} (seconds) and in
 * the request and response size histograms ({@code rpc.client.request.size}...).
 *
 * <p>Attributes: {@code rpc.system} and {@code rpc.system.name} ({@code onc_rpc}), {@code
 * rpc.service} and {@code rpc.method} (the names, or numbers), {@code onc_rpc.program.name}, {@code
 * onc_rpc.version}, {@code onc_rpc.procedure.number}, {@code onc_rpc.procedure.name}, {@code
 * network.transport}, {@code rpc.response.status_code} (the {@code accept_stat}, such as {@code
 * SUCCESS}, or what else ended the call: see {@code CallStatus.name()}), and on failure {@code
 * error.type}, the same value; on spans also {@code server.address} and {@code server.port}, {@code
 * network.peer.address} and {@code network.peer.port}, and on server spans {@code client.address}
 * and {@code client.port}.
 *
 * <p>TCP connections are counted per side, as {@code kestrel.active_connections} and {@code
 * db.client.connection.count} count theirs (the RPC conventions define no connection metrics):
 * {@code rpc.client.connection.count} and {@code rpc.server.connection.count} (UpDownCounters, the
 * connections open now), and {@code rpc.client.connection.opened}, {@code ...closed} and their
 * server twins (Counters), in {@code {connection}}. Their attributes are {@code rpc.system}, {@code
 * rpc.system.name}, {@code network.transport} ({@code tcp}), {@code network.type} ({@code ipv4} or
 * {@code ipv6}), {@code server.address} and {@code server.port} (the peer for a client, this end
 * for a server) and {@code network.peer.address}; not the peer's port, which on a server is a new
 * ephemeral number for almost every connection and would make a series of each.
 */
public final class OncRpcTelemetry implements RpcListener {
  /** The instrumentation scope's name. */
  public static final String INSTRUMENTATION_NAME = "io.jrpcgen.opentelemetry";

  /** The value of {@code rpc.system} and {@code rpc.system.name}. */
  public static final String SYSTEM = "onc_rpc";

  static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
  static final AttributeKey<String> RPC_SYSTEM_NAME = AttributeKey.stringKey("rpc.system.name");
  static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
  static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
  static final AttributeKey<String> RPC_STATUS = AttributeKey.stringKey("rpc.response.status_code");
  static final AttributeKey<String> PROGRAM_NAME = AttributeKey.stringKey("onc_rpc.program.name");
  static final AttributeKey<Long> VERSION = AttributeKey.longKey("onc_rpc.version");
  static final AttributeKey<Long> PROCEDURE_NUMBER =
      AttributeKey.longKey("onc_rpc.procedure.number");
  static final AttributeKey<String> PROCEDURE_NAME =
      AttributeKey.stringKey("onc_rpc.procedure.name");
  static final AttributeKey<String> TRANSPORT = AttributeKey.stringKey("network.transport");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<String> CLIENT_ADDRESS = AttributeKey.stringKey("client.address");
  static final AttributeKey<Long> CLIENT_PORT = AttributeKey.longKey("client.port");
  static final AttributeKey<String> PEER_ADDRESS = AttributeKey.stringKey("network.peer.address");
  static final AttributeKey<Long> PEER_PORT = AttributeKey.longKey("network.peer.port");
  static final AttributeKey<String> NETWORK_TYPE = AttributeKey.stringKey("network.type");

  // The boundaries the RPC metric conventions advise for call durations, in seconds.
  private static final List<Double> DURATION_BUCKETS =
      List.of(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);

  private static final String CONNECTION_UNIT = "{connection}";

  private final Tracer tracer;
  private final Instruments client;
  private final Instruments server;
  private final Connections clientConnections;
  private final Connections serverConnections;

  private OncRpcTelemetry(OpenTelemetry openTelemetry) {
    this.tracer = openTelemetry.getTracer(INSTRUMENTATION_NAME);
    Meter meter = openTelemetry.getMeter(INSTRUMENTATION_NAME);
    this.client = new Instruments(meter, "client", "outbound");
    this.server = new Instruments(meter, "server", "inbound");
    this.clientConnections = new Connections(meter, "client", "opened by this client");
    this.serverConnections = new Connections(meter, "server", "accepted by this server");
  }

  /** Spans and metrics recorded with {@code openTelemetry}'s tracer and meter providers. */
  public static OncRpcTelemetry create(OpenTelemetry openTelemetry) {
    if (openTelemetry == null) {
      throw new IllegalArgumentException("openTelemetry is null");
    }
    return new OncRpcTelemetry(openTelemetry);
  }

  @Override
  public CallObserver callStarted(RpcCall call) {
    boolean isClient = call.side() == RpcCall.Side.CLIENT;
    Attributes common = commonAttributes(call);
    AttributesBuilder spanAttributes = common.toBuilder();
    InetSocketAddress serverAddress = isClient ? call.peer() : call.local();
    if (serverAddress != null) {
      spanAttributes
          .put(SERVER_ADDRESS, serverAddress.getHostString())
          .put(SERVER_PORT, serverAddress.getPort());
    }
    if (call.peer() != null) {
      spanAttributes
          .put(PEER_ADDRESS, call.peer().getHostString())
          .put(PEER_PORT, call.peer().getPort());
      if (!isClient) {
        spanAttributes
            .put(CLIENT_ADDRESS, call.peer().getHostString())
            .put(CLIENT_PORT, call.peer().getPort());
      }
    }
    Span span =
        tracer
            .spanBuilder(service(call) + "/" + method(call))
            .setSpanKind(isClient ? SpanKind.CLIENT : SpanKind.SERVER)
            .setAllAttributes(spanAttributes.build())
            .startSpan();
    Instruments instruments = isClient ? client : server;
    return (c, end) -> ended(span, instruments, common, c, end);
  }

  private static void ended(
      Span span, Instruments instruments, Attributes common, RpcCall call, CallEnd end) {
    String status = end.status().name();
    AttributesBuilder outcome = common.toBuilder().put(RPC_STATUS, status);
    span.setAttribute(RPC_STATUS, status);
    if (!end.status().succeeded()) {
      outcome.put(ERROR_TYPE, status);
      span.setAttribute(ERROR_TYPE, status);
      span.setStatus(StatusCode.ERROR, status);
    }
    if (end.failure() != null) {
      span.recordException(end.failure());
    }
    span.end();
    Attributes attributes = outcome.build();
    instruments.duration.record(end.durationNanos() / 1e9, attributes);
    instruments.requestSize.record(call.requestBytes(), attributes);
    instruments.responseSize.record(end.replyBytes(), attributes);
  }

  @Override
  public void connectionOpened(RpcConnection connection) {
    Attributes attributes = connectionAttributes(connection);
    Connections c = connections(connection);
    c.opened.add(1, attributes);
    c.open.add(1, attributes);
  }

  @Override
  public void connectionClosed(RpcConnection connection) {
    Attributes attributes = connectionAttributes(connection);
    Connections c = connections(connection);
    c.closed.add(1, attributes);
    c.open.add(-1, attributes);
  }

  private Connections connections(RpcConnection connection) {
    return connection.side() == RpcCall.Side.CLIENT ? clientConnections : serverConnections;
  }

  /** The same for a connection's open and close: the counts of one series go up and down. */
  private static Attributes connectionAttributes(RpcConnection connection) {
    AttributesBuilder b =
        Attributes.builder()
            .put(RPC_SYSTEM, SYSTEM)
            .put(RPC_SYSTEM_NAME, SYSTEM)
            .put(TRANSPORT, "tcp");
    InetSocketAddress server =
        connection.side() == RpcCall.Side.CLIENT ? connection.peer() : connection.local();
    if (server != null) {
      b.put(SERVER_ADDRESS, server.getHostString()).put(SERVER_PORT, server.getPort());
    }
    InetSocketAddress peer = connection.peer();
    if (peer != null && peer.getAddress() != null) {
      b.put(PEER_ADDRESS, peer.getAddress().getHostAddress())
          .put(NETWORK_TYPE, peer.getAddress() instanceof Inet6Address ? "ipv6" : "ipv4");
    }
    return b.build();
  }

  private static Attributes commonAttributes(RpcCall call) {
    AttributesBuilder b =
        Attributes.builder()
            .put(RPC_SYSTEM, SYSTEM)
            .put(RPC_SYSTEM_NAME, SYSTEM)
            .put(RPC_SERVICE, service(call))
            .put(RPC_METHOD, method(call))
            .put(VERSION, Integer.toUnsignedLong(call.version()))
            .put(PROCEDURE_NUMBER, Integer.toUnsignedLong(call.procedure()))
            .put(TRANSPORT, call.transport() == RpcCall.Transport.TCP ? "tcp" : "udp");
    if (call.programName() != null) {
      b.put(PROGRAM_NAME, call.programName());
    }
    if (call.procedureName() != null) {
      b.put(PROCEDURE_NAME, call.procedureName());
    }
    return b.build();
  }

  private static String service(RpcCall call) {
    return call.programName() != null
        ? call.programName()
        : Integer.toUnsignedString(call.program());
  }

  private static String method(RpcCall call) {
    return call.procedureName() != null
        ? call.procedureName()
        : Integer.toUnsignedString(call.procedure());
  }

  @Override
  public String toString() {
    return "OncRpcTelemetry";
  }

  /** The histograms of one side, client or server. */
  private static final class Instruments {
    final DoubleHistogram duration;
    final LongHistogram requestSize;
    final LongHistogram responseSize;

    Instruments(Meter meter, String side, String direction) {
      duration =
          meter
              .histogramBuilder("rpc." + side + ".call.duration")
              .setDescription("Measures the duration of " + direction + " ONC RPC calls.")
              .setUnit("s")
              .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
              .build();
      requestSize =
          meter
              .histogramBuilder("rpc." + side + ".request.size")
              .setDescription("Measures the size of ONC RPC call messages.")
              .setUnit("By")
              .ofLongs()
              .build();
      responseSize =
          meter
              .histogramBuilder("rpc." + side + ".response.size")
              .setDescription("Measures the size of ONC RPC reply messages.")
              .setUnit("By")
              .ofLongs()
              .build();
    }
  }

  /** The connection counts of one side, client or server. */
  private static final class Connections {
    final LongUpDownCounter open;
    final LongCounter opened;
    final LongCounter closed;

    Connections(Meter meter, String side, String which) {
      String prefix = "rpc." + side + ".connection.";
      open =
          meter
              .upDownCounterBuilder(prefix + "count")
              .setDescription("The ONC RPC connections " + which + " that are open now.")
              .setUnit(CONNECTION_UNIT)
              .build();
      opened = counter(meter, prefix + "opened", "The ONC RPC connections " + which + ".");
      closed =
          counter(meter, prefix + "closed", "The ONC RPC connections " + which + " since closed.");
    }

    private static LongCounter counter(Meter meter, String name, String description) {
      return meter
          .counterBuilder(name)
          .setDescription(description)
          .setUnit(CONNECTION_UNIT)
          .build();
    }
  }
}
