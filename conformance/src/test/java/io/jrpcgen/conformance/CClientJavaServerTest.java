package io.jrpcgen.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.conformance.ConformanceValues.Case;
import io.jrpcgen.conformance.gen.Arrays;
import io.jrpcgen.conformance.gen.Choice;
import io.jrpcgen.conformance.gen.ConformanceProg;
import io.jrpcgen.conformance.gen.ConformanceProg.AddArgs;
import io.jrpcgen.conformance.gen.ConformanceProg.ConformanceV1;
import io.jrpcgen.conformance.gen.ConformanceProg.ConformanceV2;
import io.jrpcgen.conformance.gen.ConformanceProg.EchoTripleArgs;
import io.jrpcgen.conformance.gen.Entry;
import io.jrpcgen.conformance.gen.Maybe;
import io.jrpcgen.conformance.gen.Opaques;
import io.jrpcgen.conformance.gen.Optionals;
import io.jrpcgen.conformance.gen.Outer;
import io.jrpcgen.conformance.gen.Point;
import io.jrpcgen.conformance.gen.Prims;
import io.jrpcgen.conformance.gen.Status;
import io.jrpcgen.conformance.gen.Strings;
import io.jrpcgen.conformance.gen.Triple;
import io.jrpcgen.conformance.gen.Volume;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.testsupport.NativeTools;
import io.jrpcgen.testsupport.NativeTools.ProcessRun;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rpcgen + libtirpc client calls a server bound from jrpcgen's generated binders, over TCP and
 * UDP, for every procedure of conformance.x: the server must receive, and the client get back,
 * every field as values.c sent it. Values beyond a {@code .x} bound get GARBAGE_ARGS.
 */
class CClientJavaServerTest {
  @TempDir static Path dir;
  private static ConformancePeers peers;
  private static final Recorder RECORDER = new Recorder();
  private static RpcServer server;

  @BeforeAll
  static void startJavaServer() throws Exception {
    if (NativeTools.missingTools() != null) {
      return; // every test skips itself, loudly
    }
    peers = ConformancePeers.build(dir);
    server =
        RpcServer.builder()
            .program(ConformanceProg.bindConformanceV1(RECORDER))
            .program(ConformanceProg.bindConformanceV2(RECORDER))
            .bindAddress(InetAddress.getByName(ConformancePeers.HOST))
            .tcp(0)
            .udp(0)
            // A UDP call that libtirpc resends is answered again, not run again: each case is
            // received exactly once.
            .duplicateRequestCache(64)
            .start();
  }

  @AfterAll
  static void stopJavaServer() {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void requireCPeers() {
    NativeTools.assumeToolsPresent();
    RECORDER.clear();
  }

  static Stream<Case<?>> tcpCases() {
    return ConformanceValues.cases().stream();
  }

  /** libtirpc's UDP buffers hold 8,800 bytes (UDPMSGSIZE): the 10,000-entry list is TCP only. */
  static Stream<Case<?>> udpCases() {
    return tcpCases().filter(Case::udp);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tcpCases")
  void overTcp(Case<?> c) throws Exception {
    callAndCompare("tcp", c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("udpCases")
  void overUdp(Case<?> c) throws Exception {
    callAndCompare("udp", c);
  }

  private static void callAndCompare(String transport, Case<?> c) throws Exception {
    ProcessRun run = peers.client(transport, port(transport), List.of(c.name()));
    assertThat(run.lines())
        .as("what the C client got back")
        .isEqualTo(Fields.prefixed(c.name(), c.resultLines()));
    assertThat(run.exitCode()).isZero();
    assertThat(RECORDER.received())
        .as("what the Java server received")
        .containsExactly(new Received(c.procedureId(), Fields.lines(c.args())));
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "udp"})
  void valuesBeyondTheirBoundsAreGarbageArgs(String transport) throws Exception {
    // The client's wider XDR routines send a 13-byte cf_name and a 4-element some<3>.
    ProcessRun run = peers.client(transport, port(transport), List.of("over_name", "over_array"));
    assertThat(run.lines())
        .containsExactly(
            "over_name error=" + ConformancePeers.HOST + ": RPC: Server can't decode arguments",
            "over_array error=" + ConformancePeers.HOST + ": RPC: Server can't decode arguments");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(RECORDER.received()).isEmpty();

    // At the bound, the same procedures work.
    run = peers.client(transport, port(transport), List.of("name_full", "arrays_full"));
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(RECORDER.received()).hasSize(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "udp"})
  void aNameThatIsNotUtf8GoesBackWithItsBytes(String transport) throws Exception {
    // The C client lists a name ("caf\xe9", ISO-8859-1) and looks it up with the bytes it got.
    ProcessRun run = peers.client(transport, port(transport), List.of("file_name"));
    assertThat(run.lines()).containsExactly("file_name r=\"caf\\xe9\"", "file_name found=true");
    assertThat(run.exitCode()).isZero();
  }

  private static int port(String transport) {
    return transport.equals("tcp") ? server.tcpPort() : server.udpPort();
  }

  /** What the server received: the procedure, and the argument's fields. */
  record Received(String procedure, List<String> fields) {}

  /** Both versions of the program: records each argument and echoes it. */
  static final class Recorder implements ConformanceV1, ConformanceV2 {
    private final List<Received> received = new ArrayList<>();

    synchronized void clear() {
      received.clear();
    }

    synchronized List<Received> received() {
      return List.copyOf(received);
    }

    private synchronized <T> T record(int version, int procedure, Object args, T result) {
      received.add(new Received(version + "/" + procedure, Fields.lines(args)));
      return result;
    }

    private <T> T echo1(int procedure, T arg) {
      return record(1, procedure, arg, arg);
    }

    private <T> T echo2(int procedure, T arg) {
      return record(2, procedure, arg, arg);
    }

    @Override
    public void ping_() {
      record(1, PING, null, null);
    }

    @Override
    public Prims echoPrims(Prims arg) {
      return echo1(ECHO_PRIMS, arg);
    }

    @Override
    public Opaques echoOpaques(Opaques arg) {
      return echo1(ECHO_OPAQUES, arg);
    }

    @Override
    public Strings echoStrings(Strings arg) {
      return echo1(ECHO_STRINGS, arg);
    }

    @Override
    public Arrays echoArrays(Arrays arg) {
      return echo1(ECHO_ARRAYS, arg);
    }

    @Override
    public Outer echoOuter(Outer arg) {
      return echo1(ECHO_OUTER, arg);
    }

    @Override
    public Optionals echoOptionals(Optionals arg) {
      return echo1(ECHO_OPTIONALS, arg);
    }

    @Override
    public Entry echoList(Entry arg) {
      return echo1(ECHO_LIST, arg);
    }

    @Override
    public Triple echoTriple(int arg1, String arg2, Point arg3) {
      return record(
          1, ECHO_TRIPLE, new EchoTripleArgs(arg1, arg2, arg3), new Triple(arg1, arg2, arg3));
    }

    @Override
    public String echoName(String arg) {
      return echo1(ECHO_NAME, arg);
    }

    /** As server_impl.c's. */
    @Override
    public String fileName() {
      return record(1, FILE_NAME, null, ConformanceValues.LATIN1_NAME);
    }

    /** As server_impl.c's: equal strings have equal bytes, as decoding loses nothing. */
    @Override
    public boolean isFileName(String name) {
      return record(1, IS_FILE_NAME, name, name.equals(ConformanceValues.LATIN1_NAME));
    }

    @Override
    public Choice echoChoice(Choice arg) {
      return echo2(ECHO_CHOICE, arg);
    }

    @Override
    public Maybe echoMaybe(Maybe arg) {
      return echo2(ECHO_MAYBE, arg);
    }

    @Override
    public Status echoStatus(Status arg) {
      return echo2(ECHO_STATUS, arg);
    }

    @Override
    public Volume echoVolume(Volume arg) {
      return echo2(ECHO_VOLUME, arg);
    }

    @Override
    public long add(long arg1, long arg2) {
      return record(2, ADD, new AddArgs(arg1, arg2), arg1 + arg2);
    }
  }
}
