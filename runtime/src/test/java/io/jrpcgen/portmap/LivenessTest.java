package io.jrpcgen.portmap;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.portmap.LivenessProbe.Verdict;
import io.jrpcgen.server.Procedure;
import io.jrpcgen.server.ProgramDefinition;
import io.jrpcgen.server.RpcServer;
import io.jrpcgen.xdr.XdrCodec;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** One probe's verdict, and the policy that turns verdicts into forgetting a registration. */
class LivenessTest {
  static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  static final int PROG = 0x2000_0a03;
  static final long MINUTE = Duration.ofMinutes(1).toNanos();
  static final LivenessProbe PROBE = new LivenessProbe(Duration.ofMillis(300));

  static Rpcb at(String netid, int port) {
    return new Rpcb(PROG, 1, netid, "127.0.0.1." + (port >> 8) + "." + (port & 255), "");
  }

  @Test
  void tcpAcceptingIsAliveAndRefusingIsGone() throws IOException {
    int port;
    try (ServerSocket listening = new ServerSocket(0, 50, LOOPBACK)) {
      port = listening.getLocalPort();
      assertThat(PROBE.probe(at("tcp", port))).isEqualTo(Verdict.ALIVE);
    }
    assertThat(PROBE.probe(at("tcp", port))).isEqualTo(Verdict.GONE);
  }

  @Test
  void udpAnsweringIsAliveSilentSaysNothingAndRefusingIsGone() throws IOException {
    try (RpcServer server =
        RpcServer.builder()
            .bindAddress(LOOPBACK)
            .port(0)
            .program(
                ProgramDefinition.builder(PROG, 1)
                    .procedure(Procedure.of(1, "ONE", XdrCodec.VOID, XdrCodec.VOID, (c, v) -> null))
                    .build())
            .start()) {
      assertThat(PROBE.probe(at("udp", server.udpPort()))).isEqualTo(Verdict.ALIVE);
      // Another version of the program: a live server of it all the same.
      assertThat(PROBE.probe(new Rpcb(PROG, 7, "udp", at("udp", server.udpPort()).address(), "")))
          .isEqualTo(Verdict.ALIVE);
      // Another program has the port now.
      assertThat(
              PROBE.probe(new Rpcb(PROG + 1, 1, "udp", at("udp", server.udpPort()).address(), "")))
          .isEqualTo(Verdict.GONE);
    }
    int port;
    try (DatagramSocket silent = new DatagramSocket(0, LOOPBACK)) {
      port = silent.getLocalPort();
      assertThat(PROBE.probe(at("udp", port))).isEqualTo(Verdict.NO_ANSWER);
    }
    assertThat(PROBE.probe(at("udp", port))).isEqualTo(Verdict.GONE);
  }

  @Test
  void whatCannotBeProbedCountsAsAlive() {
    assertThat(PROBE.probe(new Rpcb(PROG, 1, "local", "/run/x.sock", ""))).isEqualTo(Verdict.ALIVE);
    assertThat(LivenessProbe.target("0.0.0.0.1.2"))
        .isEqualTo(new java.net.InetSocketAddress(LOOPBACK, 258));
    assertThat(LivenessProbe.target("/run/x.sock")).isNull();
  }

  /** A policy over verdicts the test hands out, on a clock the test moves. */
  private static final class Scripted {
    final Deque<Verdict> verdicts = new ArrayDeque<>();
    final AtomicInteger probes = new AtomicInteger();
    final AtomicLong now = new AtomicLong(123);
    final LivenessPolicy policy =
        new LivenessPolicy(
            r -> {
              probes.incrementAndGet();
              return verdicts.removeFirst();
            },
            5 * MINUTE,
            now::get);

    boolean isGone(Verdict verdict) {
      verdicts.add(verdict);
      return policy.isGone(at("udp", 1000));
    }
  }

  @Test
  void aRefusalForgetsAtOnceAndAnAnswerNever() {
    Scripted s = new Scripted();
    assertThat(s.isGone(Verdict.ALIVE)).isFalse();
    assertThat(s.isGone(Verdict.GONE)).isTrue();
    assertThat(s.probes).hasValue(2);
  }

  @Test
  void silenceForgetsOnlyAfterThreeProbesOverTheWholePeriod() {
    Scripted s = new Scripted();
    // Three in a row, but within a minute: kept.
    for (int i = 0; i < 3; i++) {
      assertThat(s.isGone(Verdict.NO_ANSWER)).isFalse();
    }
    s.now.addAndGet(5 * MINUTE - 1);
    assertThat(s.isGone(Verdict.NO_ANSWER)).isFalse();
    s.now.addAndGet(1);
    assertThat(s.isGone(Verdict.NO_ANSWER)).isTrue();
    // Forgotten, it starts afresh if registered again.
    assertThat(s.isGone(Verdict.NO_ANSWER)).isFalse();
  }

  @Test
  void twoSilencesOverALongTimeAreNotEnough() {
    Scripted s = new Scripted();
    assertThat(s.isGone(Verdict.NO_ANSWER)).isFalse();
    s.now.addAndGet(60 * MINUTE);
    assertThat(s.isGone(Verdict.NO_ANSWER)).isFalse();
    assertThat(s.isGone(Verdict.NO_ANSWER)).isTrue();
  }

  @Test
  void anAnswerOrARefusalEndsASilence() {
    for (Verdict between : List.of(Verdict.ALIVE, Verdict.GONE)) {
      Scripted s = new Scripted();
      s.isGone(Verdict.NO_ANSWER);
      s.isGone(Verdict.NO_ANSWER);
      s.now.addAndGet(10 * MINUTE);
      s.isGone(between);
      assertThat(s.isGone(Verdict.NO_ANSWER)).isFalse();
      assertThat(s.isGone(Verdict.NO_ANSWER)).isFalse();
      s.now.addAndGet(4 * MINUTE);
      assertThat(s.isGone(Verdict.NO_ANSWER)).isFalse();
    }
  }

  @Test
  void silencesOfRegistrationsGoneFromTheTableAreForgotten() {
    Scripted s = new Scripted();
    s.isGone(Verdict.NO_ANSWER);
    s.isGone(Verdict.NO_ANSWER);
    s.now.addAndGet(10 * MINUTE);
    s.policy.retainOnly(List.of(at("udp", 1000)));
    assertThat(s.isGone(Verdict.NO_ANSWER)).isTrue();
    s.isGone(Verdict.NO_ANSWER);
    s.isGone(Verdict.NO_ANSWER);
    s.now.addAndGet(10 * MINUTE);
    s.policy.retainOnly(List.of(at("udp", 1001)));
    // Its silence was dropped with it: counted again from the start.
    assertThat(s.isGone(Verdict.NO_ANSWER)).isFalse();
  }
}
