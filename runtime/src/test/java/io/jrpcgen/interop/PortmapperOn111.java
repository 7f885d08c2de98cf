package io.jrpcgen.interop;

import io.jrpcgen.portmap.PortmapperClient;
import io.jrpcgen.portmap.RpcbindClient;
import io.jrpcgen.rpc.CallOptions;
import io.jrpcgen.rpc.RpcException;
import io.jrpcgen.testsupport.NativeTools;
import io.jrpcgen.transport.RpcChannel;
import io.jrpcgen.xdr.XdrCodec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The portmapper on 127.0.0.1 port 111, where rpcinfo and libtirpc look for it: whether one
 * answers, and the real rpcbind, started for a test class and stopped by its process id.
 */
final class PortmapperOn111 {
  static final InetSocketAddress ADDRESS =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 111);
  static final CallOptions SHORT =
      CallOptions.DEFAULTS
          .withTimeout(Duration.ofSeconds(3))
          .withRetryInterval(Duration.ofMillis(500));
  private static final long START_TIMEOUT_MILLIS = 10_000;
  private static final int GETSTAT = 12;
  // Whatever GETSTAT answers (rpcbind's statistics): read and ignored.
  private static final XdrCodec<Void> ANY_RESULT =
      XdrCodec.of(
          (out, v) -> {},
          in -> {
            in.readFixedOpaque(in.remaining());
            return null;
          },
          0);

  private PortmapperOn111() {}

  /** Whether a portmapper answers NULLPROC on 127.0.0.1:111 over TCP. */
  static boolean answers() {
    try (PortmapperClient client =
        PortmapperClient.create(
            RpcChannel.tcp(ADDRESS), CallOptions.DEFAULTS.withTimeout(Duration.ofSeconds(2)))) {
      client.ping();
      return true;
    } catch (RpcException e) {
      return false;
    }
  }

  /**
   * Whether what answers on port 111 is rpcbind: it answers rpcbind version 4's GETSTAT, which
   * jrpcgen's embedded portmapper (perhaps another test run's) does not have.
   */
  static boolean isRpcbind() {
    try (RpcbindClient client = RpcbindClient.create(RpcChannel.tcp(ADDRESS), 4, SHORT)) {
      client.rpcClient().call(GETSTAT, XdrCodec.VOID, null, ANY_RESULT);
      return true;
    } catch (RpcException e) {
      return false;
    }
  }

  /** A PMAP client of the portmapper on port 111 with a short timeout; close it. */
  static PortmapperClient client(boolean tcp) {
    return PortmapperClient.create(tcp ? RpcChannel.tcp(ADDRESS) : RpcChannel.udp(ADDRESS), SHORT);
  }

  /** An rpcbind this class started, or null if one was running already (and is left alone). */
  static final class Rpcbind implements AutoCloseable {
    private final Process process;

    private Rpcbind(Process process) {
      this.process = process;
    }

    /**
     * Uses the rpcbind that answers on port 111, or starts {@code rpcbind -f} (in the foreground,
     * no warm start: registrations of an earlier run are not brought back), with {@code -r} (remote
     * calls) if {@code remoteCalls}; skips the calling tests loudly if that cannot be done, or if
     * what answers on port 111 is not rpcbind.
     */
    static Rpcbind useOrStart(Path dir, boolean remoteCalls)
        throws IOException, InterruptedException {
      if (answers()) {
        if (!isRpcbind()) {
          NativeTools.skipLoudly(
              "SKIPPED: rpcbind tests: port 111 is taken by a portmapper"
                  + " that is not rpcbind (an embedded one of another run?)");
        }
        System.err.println("rpcbind tests: using the rpcbind already on port 111");
        return new Rpcbind(null);
      }
      Path rpcbind = NativeTools.findTool("rpcbind");
      if (rpcbind == null) {
        NativeTools.skipLoudly(
            "SKIPPED: rpcbind tests: rpcbind is not installed"
                + " (.ci/run installs it: apt-get install rpcbind)");
      }
      Path log = dir.resolve("rpcbind.log");
      // -h 127.0.0.1 would be tidier, but rpcbind 1.2.6 crashes with it; it binds all.
      List<String> command =
          remoteCalls ? List.of(rpcbind.toString(), "-f", "-r") : List.of(rpcbind.toString(), "-f");
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      Rpcbind started = new Rpcbind(process);
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
      while (!answers()) {
        if (!process.isAlive() || System.nanoTime() - deadline > 0) {
          started.close();
          NativeTools.skipLoudly(
              "SKIPPED: rpcbind tests: rpcbind -f did not start (it needs root)"
                  + "; its output: "
                  + Files.readString(log).strip());
        }
        Thread.sleep(50);
      }
      return started;
    }

    /** Whether this class started rpcbind (and will stop it). */
    boolean startedHere() {
      return process != null;
    }

    /** Stops rpcbind if this class started it: SIGTERM, then SIGKILL. */
    @Override
    public void close() throws InterruptedException {
      if (process == null) {
        return;
      }
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
