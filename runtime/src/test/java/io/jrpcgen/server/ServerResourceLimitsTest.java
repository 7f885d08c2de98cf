package io.jrpcgen.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcgen.internal.rpc.Reply;
import io.jrpcgen.rpc.OpaqueAuth;
import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The server under process limits, each in a JVM of its own: out of descriptors, out of heap, and
 * more clients than it may serve. Accepting must never stop for good.
 */
class ServerResourceLimitsTest {
  @Test
  void acceptingComesBackWhenDescriptorsAreFreeAgain() throws Exception {
    try (ChildJvm child =
        ChildJvm.start(List.of("--nofile=96"), List.of("-Xmx64m"), "--max-connections", "100000")) {
      assertThat(child.nullCall(10)).as("served before the limit").isTrue();
      List<Socket> flood = new ArrayList<>();
      try {
        for (int i = 0; i < 150; i++) {
          flood.add(child.connect());
        }
        // Out of descriptors now: the accepts beyond fail until these close.
        Thread.sleep(1_500);
      } finally {
        for (Socket s : flood) {
          s.close();
        }
      }
      assertThat(child.nullCall(20)).as(child.diagnosed("TCP served again")).isTrue();
    }
  }

  @Test
  void acceptingSurvivesAFullHeap() throws Exception {
    try (ChildJvm child =
            ChildJvm.start(
                List.of(),
                List.of("-Xmx24m", "-XX:+UseSerialGC"),
                "--hog",
                "--max-connections",
                "100000");
        Socket hogger = child.connect()) {
      // As on any server that has served: the JDK's socket classes are loaded and initialized
      // (a class whose initializer runs out of memory stays unusable for good).
      assertThat(child.nullCall(10)).as("served before the heap is full").isTrue();
      child.hog(hogger, 0x4040, 2_000);
      Thread.sleep(300);
      // Connections that arrive while the heap is full.
      child.connectWithCalls(20, 0, 2_500);
      assertThat(child.nullCall(20)).as(child.diagnosed("TCP served again")).isTrue();
    }
  }

  @Test
  void aThreadThatCannotStartEndsNoAccepting() throws Exception {
    // An address space of about 600 MB leaves room for a dozen 8 MiB thread stacks.
    try (ChildJvm child =
        ChildJvm.start(
            List.of("--as=600000000"),
            List.of(
                "-Xmx32m",
                "-Xss8m",
                "-XX:CompressedClassSpaceSize=64m",
                "-XX:ReservedCodeCacheSize=32m",
                "-XX:+UseSerialGC"),
            "--max-connections",
            "100000")) {
      List<Socket> flood = new ArrayList<>();
      int answered = 0;
      try {
        for (int i = 0; i < 40; i++) {
          Socket s = child.connect();
          flood.add(s);
          s.setSoTimeout(5_000);
          s.getOutputStream().write(ChildJvm.NULL_CALL);
        }
        for (Socket s : flood) {
          try {
            RawWire.readRecord(s);
            answered++;
          } catch (IOException e) {
            // Its thread could not start: closed.
          }
        }
      } finally {
        for (Socket s : flood) {
          s.close();
        }
      }
      if (Runtime.version().feature() < 21) {
        assertThat(child.stderr()).contains("unable to create native thread");
        assertThat(answered).as("connections served within the limit").isPositive();
      } else {
        // A connection whose platform thread cannot start gets a virtual one, which needs no
        // native thread of its own: every connection is served.
        assertThat(answered).as(child.diagnosed("connections served")).isEqualTo(40);
      }
      assertThat(child.nullCall(20)).as(child.diagnosed("TCP served again")).isTrue();
    }
  }

  @Test
  void connectionsBeyondTheDefaultLimitAreClosedAtOnce() throws Exception {
    try (ChildJvm child = ChildJvm.start(List.of("--nofile=160"), List.of("-Xmx64m"))) {
      List<Socket> open = new ArrayList<>();
      try {
        for (int i = 0; i < 200; i++) {
          open.add(child.connect());
        }
        // The server keeps descriptors in reserve: the last ones are refused, not left queued.
        Socket last = open.get(open.size() - 1);
        last.setSoTimeout(10_000);
        assertThat(RawWire.readOrTimeout(last.getInputStream()))
            .as(child.diagnosed("closed by the server"))
            .isEqualTo(-1);
        Socket first = open.get(0);
        first.setSoTimeout(10_000);
        first.getOutputStream().write(ChildJvm.NULL_CALL);
        RawWire.assertReply(RawWire.readRecord(first), new Reply.Success(0x5151, OpaqueAuth.NONE));
      } finally {
        for (Socket s : open) {
          s.close();
        }
      }
      assertThat(child.stderr()).contains("WARNING").contains("refus");
    }
  }
}
