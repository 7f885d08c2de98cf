package io.jrpcgen.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.conformance.ConformanceValues.Case;
import io.jrpcgen.conformance.gen.ConformanceProg;
import io.jrpcgen.conformance.gen.ConformanceProg.ConformanceV1;
import io.jrpcgen.conformance.gen.ConformanceProg.ConformanceV2Async;
import io.jrpcgen.conformance.gen.Prims;
import io.jrpcgen.server.CallContext;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.testsupport.NativeTools;
import io.jrpcgen.testsupport.NativeTools.ProcessRun;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rpcgen + libtirpc client calls a Java server that implements only part of conformance.x:
 * version 1 by the generated interface (ECHO_PRIMS only), version 2 by the asynchronous one (ADD
 * only, answered later on another thread). The client gets replies for those and for NULLPROC, and
 * {@code PROC_UNAVAIL} for the rest, over TCP and UDP.
 */
class CClientPartialServerTest {
  @TempDir static Path dir;
  private static ConformancePeers peers;
  private static RpcServer server;

  @BeforeAll
  static void startPartialServer() throws Exception {
    if (NativeTools.missingTools() != null) {
      return; // every test skips itself, loudly
    }
    peers = ConformancePeers.build(dir);
    ConformanceV1 prims =
        new ConformanceV1() {
          @Override
          public Prims echoPrims(Prims arg) {
            return arg;
          }
        };
    ConformanceV2Async adder =
        new ConformanceV2Async() {
          @Override
          public CompletableFuture<Long> add(CallContext call, long arg1, long arg2) {
            return CompletableFuture.supplyAsync(
                () -> arg1 + arg2, CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));
          }
        };
    server =
        RpcServer.builder()
            .program(ConformanceProg.bindConformanceV1(prims))
            .program(ConformanceProg.bindConformanceV2Async(adder))
            .bindAddress(InetAddress.getByName(ConformancePeers.HOST))
            .port(0)
            .duplicateRequestCache(64)
            .start();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void requireCPeers() {
    NativeTools.assumeToolsPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "udp"})
  void implementedProceduresReplyAndTheRestAreProcUnavail(String transport) throws Exception {
    List<String> names =
        List.of("ping", "prims_max", "strings_full", "add_small", "choice_red", "add_wrap");
    ProcessRun run =
        peers.client(
            transport, transport.equals("tcp") ? server.tcpPort() : server.udpPort(), names);

    List<String> expected = new ArrayList<>();
    for (String name : names) {
      Case<?> c =
          ConformanceValues.cases().stream()
              .filter(k -> k.name().equals(name))
              .findFirst()
              .orElseThrow();
      if (name.startsWith("strings") || name.startsWith("choice")) {
        expected.add(name + " error=" + ConformancePeers.HOST + ": RPC: Procedure unavailable");
      } else {
        expected.addAll(Fields.prefixed(name, c.resultLines()));
      }
    }
    assertThat(run.lines()).as(run.output()).isEqualTo(expected);
    assertThat(run.exitCode()).isEqualTo(1);
  }
}
