package io.jrpcgen.opentelemetry;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.observe.ProgramNames;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.rpc.RpcTimeoutException;
import io.jrpcgen.server.Procedure;
import io.jrpcgen.server.ProgramDefinition;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.transport.ChannelOptions;
import io.jrpcgen.transport.TcpChannel;
import io.jrpcgen.transport.UdpChannel;
import io.jrpcgen.xdr.XdrCodec;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Spans and metrics of real calls on loopback, read from the SDK's in-memory exporters. */
class OncRpcTelemetryTest {
  private static final int PROGRAM = 0x31230000;
  private static final int VERSION = 1;
  private static final int SQUAREPROC = 1;
  private static final int SLEEPPROC = 2;
  private static final ProgramNames NAMES =
      ProgramNames.builder("SQUARE_PROG")
          .procedure(SQUAREPROC, "SQUAREPROC")
          .procedure(SLEEPPROC, "SLEEPPROC")
          .build();

  @RegisterExtension static final OpenTelemetryExtension OTEL = OpenTelemetryExtension.create();

  private OncRpcTelemetry telemetry;
  private RpcServer server;
  private InetSocketAddress address;

  @BeforeEach
  void start() {
    telemetry = OncRpcTelemetry.create(OTEL.getOpenTelemetry());
    ProgramDefinition square =
        ProgramDefinition.builder(PROGRAM, VERSION)
            .programName("SQUARE_PROG")
            .procedure(
                Procedure.of(
                    SQUAREPROC, "SQUAREPROC", XdrCodec.INT, XdrCodec.INT, (call, n) -> n * n))
            .procedure(
                Procedure.of(
                    SLEEPPROC,
                    "SLEEPPROC",
                    XdrCodec.INT,
                    XdrCodec.INT,
                    (call, millis) -> {
                      try {
                        Thread.sleep(millis);
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      return millis;
                    }))
            .build();
    InetAddress loopback = InetAddress.getLoopbackAddress();
    server =
        RpcServer.builder()
            .program(square)
            .bindAddress(loopback)
            .port(0)
            .listener(telemetry)
            .start();
    address = new InetSocketAddress(loopback, server.tcpPort());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private RpcClient client(boolean tcp) {
    ChannelOptions options = ChannelOptions.DEFAULTS.withListener(telemetry);
    return RpcClient.create(
            tcp ? TcpChannel.connect(address, options) : UdpChannel.open(address, options),
            PROGRAM,
            VERSION)
        .withNames(NAMES);
  }

  /** The spans once both ends of {@code count} calls have ended, waiting up to 5 s. */
  private List<SpanData> spans(int count) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (OTEL.getSpans().size() < count && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    return OTEL.getSpans();
  }

  @Test
  void aCallIsAClientAndAServerSpanWithTheOncRpcAttributes() throws Exception {
    Span parent = OTEL.getOpenTelemetry().getTracer("test").spanBuilder("parent").startSpan();
    try (Scope ignored = parent.makeCurrent();
        RpcClient client = client(true)) {
      client.call(SQUAREPROC, XdrCodec.INT, 5, XdrCodec.INT);
    } finally {
      parent.end();
    }
    List<SpanData> spans = spans(3);
    SpanData clientSpan =
        spans.stream().filter(s -> s.getKind() == SpanKind.CLIENT).findFirst().orElseThrow();
    SpanData serverSpan =
        spans.stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
    assertThat(clientSpan)
        .hasName("SQUARE_PROG/SQUAREPROC")
        .hasParentSpanId(parent.getSpanContext().getSpanId())
        .hasStatus(io.opentelemetry.sdk.trace.data.StatusData.unset())
        .hasAttributesSatisfying(
            equalTo(OncRpcTelemetry.RPC_SYSTEM, "onc_rpc"),
            equalTo(OncRpcTelemetry.RPC_SYSTEM_NAME, "onc_rpc"),
            equalTo(OncRpcTelemetry.RPC_SERVICE, "SQUARE_PROG"),
            equalTo(OncRpcTelemetry.RPC_METHOD, "SQUAREPROC"),
            equalTo(OncRpcTelemetry.PROGRAM_NAME, "SQUARE_PROG"),
            equalTo(OncRpcTelemetry.VERSION, 1L),
            equalTo(OncRpcTelemetry.PROCEDURE_NUMBER, 1L),
            equalTo(OncRpcTelemetry.PROCEDURE_NAME, "SQUAREPROC"),
            equalTo(OncRpcTelemetry.TRANSPORT, "tcp"),
            equalTo(OncRpcTelemetry.RPC_STATUS, "SUCCESS"),
            equalTo(OncRpcTelemetry.SERVER_ADDRESS, address.getHostString()),
            equalTo(OncRpcTelemetry.SERVER_PORT, (long) address.getPort()),
            equalTo(OncRpcTelemetry.PEER_PORT, (long) address.getPort()));
    assertThat(clientSpan.getAttributes().get(OncRpcTelemetry.ERROR_TYPE)).isNull();
    assertThat(serverSpan)
        .hasName("SQUARE_PROG/SQUAREPROC")
        .hasAttributesSatisfying(
            equalTo(OncRpcTelemetry.RPC_SYSTEM, "onc_rpc"),
            equalTo(OncRpcTelemetry.PROCEDURE_NAME, "SQUAREPROC"),
            equalTo(OncRpcTelemetry.SERVER_PORT, (long) address.getPort()),
            equalTo(OncRpcTelemetry.RPC_STATUS, "SUCCESS"));
    assertThat(serverSpan.getAttributes().get(OncRpcTelemetry.CLIENT_PORT))
        .isEqualTo(serverSpan.getAttributes().get(OncRpcTelemetry.PEER_PORT))
        .isPositive();
    assertThat(serverSpan.getParentSpanContext().isValid()).isFalse();

    assertThat(OTEL.getMetrics())
        .anySatisfy(
            metric ->
                assertThat(metric)
                    .hasName("rpc.client.call.duration")
                    .hasUnit("s")
                    .hasHistogramSatisfying(
                        h ->
                            h.hasPointsSatisfying(
                                p ->
                                    p.hasCount(1)
                                        .hasAttributesSatisfying(
                                            equalTo(OncRpcTelemetry.RPC_METHOD, "SQUAREPROC"),
                                            equalTo(OncRpcTelemetry.RPC_STATUS, "SUCCESS")))));
    assertThat(OTEL.getMetrics())
        .anySatisfy(metric -> assertThat(metric).hasName("rpc.server.call.duration"));
    assertThat(OTEL.getMetrics())
        .anySatisfy(
            metric ->
                assertThat(metric)
                    .hasName("rpc.client.request.size")
                    .hasUnit("By")
                    .hasHistogramSatisfying(h -> h.hasPointsSatisfying(p -> p.hasSum(44))));
    assertThat(OTEL.getMetrics())
        .anySatisfy(
            metric ->
                assertThat(metric)
                    .hasName("rpc.server.response.size")
                    .hasHistogramSatisfying(h -> h.hasPointsSatisfying(p -> p.hasSum(28))));
  }

  @Test
  void aFailedCallIsAnErrorSpanWithItsErrorType() throws Exception {
    try (RpcClient client = client(false)) {
      assertThatThrownBy(() -> client.call(9, XdrCodec.VOID, null, XdrCodec.VOID))
          .isInstanceOf(RpcException.class);
    }
    List<SpanData> spans = spans(2);
    assertThat(spans)
        .hasSize(2)
        .allSatisfy(
            span ->
                assertThat(span)
                    .hasName("SQUARE_PROG/9")
                    .hasStatus(
                        io.opentelemetry.sdk.trace.data.StatusData.create(
                            StatusCode.ERROR, "PROC_UNAVAIL"))
                    .hasAttributesSatisfying(
                        equalTo(OncRpcTelemetry.ERROR_TYPE, "PROC_UNAVAIL"),
                        equalTo(OncRpcTelemetry.TRANSPORT, "udp"),
                        equalTo(OncRpcTelemetry.PROCEDURE_NUMBER, 9L)));
    SpanData clientSpan =
        spans.stream().filter(s -> s.getKind() == SpanKind.CLIENT).findFirst().orElseThrow();
    assertThat(clientSpan.getAttributes().get(OncRpcTelemetry.PROCEDURE_NAME)).isNull();
    assertThat(clientSpan.getEvents())
        .anySatisfy(e -> assertThat(e.getName()).isEqualTo("exception"));
  }

  @Test
  void aTimeoutIsAClientErrorAndUnnamedCallsAreNamedByNumber() throws Exception {
    try (RpcClient client =
        RpcClient.create(
            TcpChannel.connect(address, ChannelOptions.DEFAULTS.withListener(telemetry)),
            PROGRAM,
            VERSION)) {
      assertThatThrownBy(
              () ->
                  client
                      .withTimeout(Duration.ofMillis(100))
                      .call(SLEEPPROC, XdrCodec.INT, 500, XdrCodec.INT))
          .isInstanceOf(RpcTimeoutException.class);
    }
    SpanData clientSpan =
        spans(2).stream().filter(s -> s.getKind() == SpanKind.CLIENT).findFirst().orElseThrow();
    assertThat(clientSpan)
        .hasName(Integer.toUnsignedString(PROGRAM) + "/2")
        .hasAttributesSatisfying(
            equalTo(OncRpcTelemetry.ERROR_TYPE, "TIMED_OUT"),
            equalTo(OncRpcTelemetry.RPC_STATUS, "TIMED_OUT"));
    assertThat(clientSpan.getAttributes().get(OncRpcTelemetry.PROGRAM_NAME)).isNull();
  }

  @Test
  void connectionsAreCountedOpenedAndClosedOnBothSides() throws Exception {
    try (RpcClient client = client(true)) {
      client.call(SQUAREPROC, XdrCodec.INT, 3, XdrCodec.INT);
      // The server counts what it accepted before it reads the call, hence before the reply.
      assertThat(connections("client", "count")).isEqualTo(1);
      assertThat(connections("server", "count")).isEqualTo(1);
      assertThat(connections("client", "opened")).isEqualTo(1);
      assertThat(connections("server", "opened")).isEqualTo(1);
      assertThat(connections("client", "closed")).isZero();
      assertThat(connections("server", "closed")).isZero();
    }
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (connections("server", "closed") < 1 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(connections("server", "closed")).isEqualTo(1);
    assertThat(connections("server", "count")).isZero();
    assertThat(connections("client", "closed")).isEqualTo(1);
    assertThat(connections("client", "count")).isZero();

    String loopback = InetAddress.getLoopbackAddress().getHostAddress();
    assertThat(OTEL.getMetrics())
        .anySatisfy(
            metric ->
                assertThat(metric)
                    .hasName("rpc.client.connection.count")
                    .hasUnit("{connection}")
                    .hasLongSumSatisfying(
                        sum ->
                            sum.isNotMonotonic()
                                .hasPointsSatisfying(
                                    p ->
                                        p.hasValue(0)
                                            .hasAttributes(
                                                io.opentelemetry.api.common.Attributes.builder()
                                                    .put(OncRpcTelemetry.RPC_SYSTEM, "onc_rpc")
                                                    .put(OncRpcTelemetry.RPC_SYSTEM_NAME, "onc_rpc")
                                                    .put(OncRpcTelemetry.TRANSPORT, "tcp")
                                                    .put(OncRpcTelemetry.NETWORK_TYPE, "ipv4")
                                                    .put(
                                                        OncRpcTelemetry.SERVER_ADDRESS,
                                                        address.getHostString())
                                                    .put(
                                                        OncRpcTelemetry.SERVER_PORT,
                                                        (long) address.getPort())
                                                    .put(OncRpcTelemetry.PEER_ADDRESS, loopback)
                                                    .build()))));
    assertThat(OTEL.getMetrics())
        .anySatisfy(
            metric ->
                assertThat(metric)
                    .hasName("rpc.server.connection.opened")
                    .hasUnit("{connection}")
                    .hasLongSumSatisfying(
                        sum ->
                            sum.isMonotonic()
                                .hasPointsSatisfying(
                                    p ->
                                        p.hasValue(1)
                                            .hasAttributesSatisfyingExactly(
                                                equalTo(OncRpcTelemetry.RPC_SYSTEM, "onc_rpc"),
                                                equalTo(OncRpcTelemetry.RPC_SYSTEM_NAME, "onc_rpc"),
                                                equalTo(OncRpcTelemetry.TRANSPORT, "tcp"),
                                                equalTo(OncRpcTelemetry.NETWORK_TYPE, "ipv4"),
                                                equalTo(OncRpcTelemetry.SERVER_ADDRESS, loopback),
                                                equalTo(
                                                    OncRpcTelemetry.SERVER_PORT,
                                                    (long) address.getPort()),
                                                equalTo(OncRpcTelemetry.PEER_ADDRESS, loopback)))));
  }

  @Test
  void udpCallsOpenNoConnection() throws Exception {
    try (RpcClient client = client(false)) {
      client.call(SQUAREPROC, XdrCodec.INT, 3, XdrCodec.INT);
    }
    spans(2);
    assertThat(OTEL.getMetrics()).noneSatisfy(m -> assertThat(m.getName()).contains("connection"));
  }

  /** The sum of the connection metric {@code rpc.SIDE.connection.WHAT} over its series. */
  private static long connections(String side, String what) {
    return OTEL.getMetrics().stream()
        .filter(m -> m.getName().equals("rpc." + side + ".connection." + what))
        .flatMap(m -> m.getLongSumData().getPoints().stream())
        .mapToLong(p -> p.getValue())
        .sum();
  }

  @Test
  void itNeedsAnOpenTelemetry() {
    assertThatThrownBy(() -> OncRpcTelemetry.create(null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(telemetry.toString()).isEqualTo("OncRpcTelemetry");
  }
}
