package io.jrpcgen.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.client.RpcClient;
import io.jrpcgen.conformance.gen.ConformanceProg;
import io.jrpcgen.conformance.gen.ConformanceSchema;
import io.jrpcgen.testsupport.NativeTools;
import io.jrpcgen.testsupport.NativeTools.CServer;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.xdr.schema.Json;
import io.jrpcgen.xdr.schema.XdrJson;
import io.jrpcgen.xdr.schema.XdrRandom;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Random values of every echoed type of conformance.x, drawn by {@link XdrRandom} (every arm, empty
 * and full lengths, extreme numbers, NaN payloads), sent as XDR bytes to the rpcgen + libtirpc echo
 * server: each must come back with the same bytes.
 */
class RandomValuesCServerTest {
  private static final int VALUES = 150;

  @TempDir static Path dir;
  private static CServer cServer;

  @BeforeAll
  static void startCServer() throws Exception {
    if (NativeTools.missingTools() != null) {
      return; // every test skips itself, loudly
    }
    cServer = ConformancePeers.build(dir).startServer();
  }

  @AfterAll
  static void stopCServer() {
    if (cServer != null) {
      cServer.close();
    }
  }

  @BeforeEach
  void requireCPeers() {
    NativeTools.assumeToolsPresent();
  }

  @ParameterizedTest(name = "v{0} procedure {1}: {2}")
  @CsvSource({
    "1, 1, prims",
    "1, 2, opaques",
    "1, 3, strings",
    "1, 4, arrays",
    "1, 5, outer",
    "1, 6, optionals",
    "1, 7, cf_list",
    "1, 9, cf_name",
    "2, 1, choice",
    "2, 2, maybe",
    "2, 3, status",
    "2, 4, volume"
  })
  void theCServerEchoesRandomValuesByteForByte(int version, int procedure, String type) {
    XdrRandom random = XdrRandom.of(ConformanceSchema.SCHEMA, new Random(procedure));
    XdrJson json = XdrJson.of(ConformanceSchema.SCHEMA);
    int sent = 0;
    try (RpcClient client =
        RpcClient.create(
                RpcChannel.tcp(new InetSocketAddress(ConformancePeers.HOST, cServer.tcpPort())),
                ConformanceProg.CONFORMANCE_PROG,
                version)
            .withTimeout(Duration.ofSeconds(10))) {
      for (int i = 0; i < VALUES; i++) {
        byte[] value = random.next(type);
        String text = json.toJson(type, value);
        if (text.contains("\\u0000")) {
          continue; // C's strings end at a NUL byte: libtirpc sends back what comes before it
        }
        byte[] echoed = client.call(procedure, XdrRandom.RAW, value, XdrRandom.RAW);
        assertThat(echoed).as(text).isEqualTo(asCHoldsIt(json, type, value));
        sent++;
      }
    }
    assertThat(sent).as("values without a NUL in a string").isGreaterThan(VALUES / 2);
    assertThat(cServer.isAlive()).isTrue();
  }

  /**
   * {@code value} as the C server holds it: rpcgen's {@code short} and {@code char} are 4 bytes on
   * the wire, as jrpcgen's {@code int}, but C keeps 16 and 8 bits of them (signed on x86), so
   * libtirpc sends back an int outside their range cut to those bits.
   */
  private static byte[] asCHoldsIt(XdrJson json, String type, byte[] value) {
    if (!type.equals("prims")) {
      return value;
    }
    Map<String, Json> members =
        new LinkedHashMap<>(((Json.Obj) Json.parse(json.toJson(type, value))).members());
    int s = Integer.parseInt(((Json.Number) members.get("s")).text());
    int c = Integer.parseInt(((Json.Number) members.get("c")).text());
    members.put("s", new Json.Number(Integer.toString((short) s)));
    members.put("c", new Json.Number(Integer.toString((byte) c)));
    return json.toXdr(type, Json.write(new Json.Obj(members)));
  }
}
