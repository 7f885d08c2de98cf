package io.jrpcgen.bench;

import io.jrpcgen.bench.peers.NativePeers;
import io.jrpcgen.bench.peers.Processes;
import io.jrpcgen.bench.peers.ServerMain;
import io.jrpcgen.bench.peers.ServerProcess;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What connections cost the servers: {@code java -cp benchmarks.jar
 * io.jrpcgen.bench.ConnectionBench [--connects N] [--idle N] [--runs N] [--out DIR]}.
 *
 * <ul>
 *   <li><b>Burst</b>: N sequential connect + NULLPROC + close from one client, against the libtirpc
 *       server and jrpcgen's on JDK 17 and JDK 25 (where connections beyond the first few served at
 *       once get virtual threads); the median of the runs, and its ratio to libtirpc's.
 *   <li><b>Idle</b>: N idle connections plus 8 callers making NULL calls throughout, against
 *       jrpcgen's server in a 512 MiB heap on each JDK: the server's RSS and heap (after a full GC)
 *       per idle connection, and whether every call was answered, including one on each idle
 *       connection at the end.
 * </ul>
 *
 * <p>Prints a Markdown table and writes it to {@code connections.md} in the output directory.
 */
public final class ConnectionBench {
  private static final String JDK17 = "/usr/lib/jvm/java-17-openjdk-amd64";
  private static final String JDK25 = "/usr/lib/jvm/temurin-25-jdk-amd64";
  // SQUARE_PROG version 1, procedure 0: the NULL call every server answers.
  private static final int SQUARE_PROG = 0x3123_0000;
  private static final byte[] NULL_CALL = nullCall(1);
  private static final int BUSY_CALLERS = 8;
  private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");

  private ConnectionBench() {}

  public static void main(String[] args) throws Exception {
    int connects = 10_000;
    int idle = 10_000;
    int runs = 3;
    Path out = Path.of("benchmarks/target/results");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--connects" -> connects = Integer.parseInt(args[++i]);
        case "--idle" -> idle = Integer.parseInt(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> {
          System.err.println(
              "usage: ConnectionBench [--connects N] [--idle N] [--runs N]" + " [--out DIR]");
          System.exit(2);
        }
      }
    }
    Map<String, String> jdks = new LinkedHashMap<>();
    for (String home : List.of(JDK17, JDK25)) {
      if (Files.isExecutable(Path.of(home, "bin", "java"))) {
        jdks.put(home.contains("17") ? "JDK 17" : "JDK 25", home);
      } else {
        System.err.println("WARNING: no JDK at " + home + ": its rows are missing");
      }
    }
    StringBuilder report = new StringBuilder();
    Path scratch = Files.createTempDirectory("jrpcgen-connections-");
    try (Processes processes = new Processes(scratch)) {
      report.append(burst(processes, jdks, connects, runs));
      report.append('\n').append(idle(processes, jdks, idle));
    }
    System.out.println();
    System.out.print(report);
    Files.createDirectories(out);
    Files.writeString(out.resolve("connections.md"), report);
    System.out.println("wrote " + out.resolve("connections.md"));
  }

  private static String burst(Processes processes, Map<String, String> jdks, int connects, int runs)
      throws IOException {
    Map<String, ServerProcess> servers = new LinkedHashMap<>();
    String missing = NativePeers.missingTools();
    if (missing == null) {
      servers.put("libtirpc", NativePeers.build(processes).startRpcServer());
    } else {
      System.err.println("WARNING: no libtirpc row: " + missing);
    }
    for (Map.Entry<String, String> jdk : jdks.entrySet()) {
      servers.put(
          "jrpcgen, " + jdk.getKey(),
          javaServer(
              processes,
              "burst-" + servers.size(),
              jdk.getValue(),
              List.of("-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch")));
    }
    try {
      Map<String, double[]> seconds = new LinkedHashMap<>();
      servers.forEach(
          (name, server) -> {
            // The client's own code warmed up on each server first.
            connectLoop(server.address(true), Math.min(connects, 2_000));
            seconds.put(name, new double[runs]);
          });
      for (int run = 0; run < runs; run++) {
        for (Map.Entry<String, ServerProcess> e : servers.entrySet()) {
          double s = connectLoop(e.getValue().address(true), connects);
          seconds.get(e.getKey())[run] = s;
          System.out.printf(Locale.ROOT, "burst run %d, %s: %.3f s%n", run + 1, e.getKey(), s);
        }
      }
      Double reference = seconds.containsKey("libtirpc") ? median(seconds.get("libtirpc")) : null;
      StringBuilder table =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "### %,d sequential connect + NULLPROC + close, one client (median of %d runs)%n%n"
                      + "| server | seconds | connections/s | x libtirpc |%n|---|---:|---:|---:|%n",
                  connects,
                  runs));
      seconds.forEach(
          (name, s) ->
              table.append(
                  String.format(
                      Locale.ROOT,
                      "| %s | %.3f | %,.0f | %s |%n",
                      name,
                      median(s),
                      connects / median(s),
                      reference == null
                          ? "-"
                          : String.format(Locale.ROOT, "%.2f", median(s) / reference))));
      return table.toString();
    } finally {
      servers.values().forEach(ServerProcess::close);
    }
  }

  /** Seconds for {@code n} sequential connect + NULL call + close. */
  private static double connectLoop(InetSocketAddress server, int n) {
    byte[] reply = new byte[4];
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      try (Socket s = new Socket()) {
        s.setTcpNoDelay(true);
        s.connect(server, 10_000);
        s.setSoTimeout(10_000);
        s.getOutputStream().write(NULL_CALL);
        readRecord(s.getInputStream(), reply);
      } catch (IOException e) {
        throw new UncheckedIOException("connection " + i + " to " + server, e);
      }
    }
    return (System.nanoTime() - start) / 1e9;
  }

  private static String idle(Processes processes, Map<String, String> jdks, int idle)
      throws IOException, InterruptedException {
    StringBuilder table =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "### %,d idle connections and %d busy callers, jrpcgen's server in a 512 MiB heap%n%n"
                    + "| server | connections held | refused | busy calls answered | failed "
                    + "| idle connections answering | RSS per connection | heap per connection |%n"
                    + "|---|---:|---:|---:|---:|---:|---:|---:|%n",
                idle,
                BUSY_CALLERS));
    for (Map.Entry<String, String> jdk : jdks.entrySet()) {
      table.append(idleRow(processes, jdk.getKey(), jdk.getValue(), idle));
    }
    return table.toString();
  }

  private static String idleRow(Processes processes, String name, String home, int idle)
      throws IOException, InterruptedException {
    try (ServerProcess server =
        javaServer(processes, "idle-" + Path.of(home).getFileName(), home, List.of("-Xmx512m"))) {
      InetSocketAddress address = server.address(true);
      Thread.sleep(1_000);
      long[] before = memory(processes, home, server.pid());
      AtomicLong answered = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      List<Thread> busy = new ArrayList<>();
      List<SocketChannel> channels = new ArrayList<>();
      AtomicBoolean stop = new AtomicBoolean();
      try {
        for (int i = 0; i < BUSY_CALLERS; i++) {
          Thread t = new Thread(() -> busyCaller(address, stop, answered, failed));
          t.start();
          busy.add(t);
        }
        for (int i = 0; i < idle; i++) {
          channels.add(SocketChannel.open(address));
        }
        Thread.sleep(3_000);
        int refused = 0;
        for (SocketChannel c : channels) {
          c.configureBlocking(false);
          if (c.read(ByteBuffer.allocate(1)) != 0) {
            refused++;
          }
          c.configureBlocking(true);
        }
        long[] after = memory(processes, home, server.pid());
        stop.set(true);
        for (Thread t : busy) {
          t.join(30_000);
        }
        int answering = 0;
        byte[] reply = new byte[4];
        for (SocketChannel c : channels) {
          try {
            Socket s = c.socket();
            s.setSoTimeout(10_000);
            s.getOutputStream().write(NULL_CALL);
            readRecord(s.getInputStream(), reply);
            answering++;
          } catch (IOException e) {
            // Refused, or not answered: counted by what is missing.
          }
        }
        int held = idle - refused;
        String row =
            String.format(
                Locale.ROOT,
                "| jrpcgen, %s | %,d | %,d | %,d | %,d | %,d " + "| %,.1f KiB | %,.1f KiB |%n",
                name,
                held,
                refused,
                answered.get(),
                failed.get(),
                answering,
                (after[0] - before[0]) / 1024.0 / held,
                (after[1] - before[1]) / 1024.0 / held);
        System.out.printf(
            Locale.ROOT,
            "idle, %s: RSS %,d -> %,d kB, heap %,d -> %,d kB%n",
            name,
            before[0] / 1024,
            after[0] / 1024,
            before[1] / 1024,
            after[1] / 1024);
        return row;
      } finally {
        stop.set(true);
        for (SocketChannel c : channels) {
          c.close();
        }
      }
    }
  }

  private static void busyCaller(
      InetSocketAddress address, AtomicBoolean stop, AtomicLong answered, AtomicLong failed) {
    byte[] reply = new byte[4];
    try (Socket s = new Socket()) {
      s.setTcpNoDelay(true);
      s.connect(address, 10_000);
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      while (true) {
        if (stop.get()) {
          return;
        }
        out.write(NULL_CALL);
        readRecord(in, reply);
        answered.incrementAndGet();
      }
    } catch (IOException e) {
      failed.incrementAndGet();
    }
  }

  /** The server's RSS and used heap in bytes, after a full GC. */
  private static long[] memory(Processes processes, String home, long pid) throws IOException {
    processes.run(List.of(home + "/bin/jcmd", Long.toString(pid), "GC.run"), 60);
    String status = Files.readString(Path.of("/proc/" + pid + "/status"));
    Matcher rss = RSS.matcher(status);
    if (!rss.find()) {
      throw new IOException("no VmRSS in /proc/" + pid + "/status");
    }
    // jstat -gc: S0C S1C S0U S1U EC EU OC OU ...; the used heap is S0U + S1U + EU + OU.
    String[] lines =
        processes
            .run(List.of(home + "/bin/jstat", "-gc", Long.toString(pid)), 60)
            .trim()
            .split("\n");
    List<String> names = Arrays.asList(lines[0].trim().split("\\s+"));
    String[] values = lines[1].trim().split("\\s+");
    double usedKb = 0;
    for (String column : List.of("S0U", "S1U", "EU", "OU")) {
      usedKb += Double.parseDouble(values[names.indexOf(column)]);
    }
    return new long[] {Long.parseLong(rss.group(1)) * 1024, (long) (usedKb * 1024)};
  }

  private static ServerProcess javaServer(
      Processes processes, String name, String home, List<String> jvmOptions) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(home + "/bin/java");
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            "-cp",
            BenchMain.absoluteClassPath(),
            ServerMain.class.getName(),
            "jrpcgen",
            Integer.toString(ServerProcess.LIFETIME_SECONDS)));
    return ServerProcess.start(name, processes, command);
  }

  private static void readRecord(InputStream in, byte[] header) throws IOException {
    DataInputStream data = new DataInputStream(in);
    boolean last;
    do {
      data.readFully(header);
      int mark = ByteBuffer.wrap(header).getInt();
      last = mark < 0;
      data.skipNBytes(mark & 0x7fff_ffff);
    } while (!last);
  }

  private static byte[] nullCall(int xid) {
    ByteBuffer b = ByteBuffer.allocate(44);
    b.putInt(0x8000_0000 | 40)
        .putInt(xid)
        .putInt(0)
        .putInt(2)
        .putInt(SQUARE_PROG)
        .putInt(1)
        .putInt(0)
        .putInt(0)
        .putInt(0)
        .putInt(0)
        .putInt(0);
    return b.array();
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
