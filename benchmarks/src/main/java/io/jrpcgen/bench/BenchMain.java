package io.jrpcgen.bench;

import io.jrpcgen.bench.codec.CodecSuite;
import io.jrpcgen.bench.impl.Jrpcgen;
import io.jrpcgen.bench.impl.Oncrpc4j;
import io.jrpcgen.bench.impl.RemoteTea;
import io.jrpcgen.bench.load.LoadClient;
import io.jrpcgen.bench.load.LoadResults;
import io.jrpcgen.bench.load.Pairing;
import io.jrpcgen.bench.load.Workload;
import io.jrpcgen.bench.peers.NativePeers;
import io.jrpcgen.bench.peers.Processes;
import io.jrpcgen.bench.peers.ServerMain;
import io.jrpcgen.bench.peers.ServerProcess;
import io.jrpcgen.bench.report.CodecResult;
import io.jrpcgen.bench.report.Report;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.text.ParseException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * The benchmark command: {@code java -jar benchmarks/target/benchmarks.jar [--quick]}. Builds the C
 * peers, starts every server in a process of its own on 127.0.0.1, runs the codec benchmarks and
 * the call-rate table, prints the tables and writes them as Markdown and CSV. Every process it
 * starts is stopped before it exits.
 */
public final class BenchMain {
  private static final List<String> SERVER_JVM_OPTIONS =
      List.of("-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch");
  private static final Duration PROFILE_PERIOD = Duration.ofMillis(1);

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    BenchOptions options;
    try {
      options = BenchOptions.parse(args, defaultOut());
    } catch (IllegalArgumentException e) {
      if (!e.getMessage().isEmpty()) {
        System.err.println(e.getMessage());
      }
      System.err.print(BenchOptions.USAGE);
      System.exit(2);
      return;
    }
    String header = header(options);
    System.out.println(header);

    List<CodecResult> codec = List.of();
    if (options.codec() != null) {
      Files.createDirectories(options.out());
      Path log = options.out().resolve("jmh.log");
      System.out.println("codec benchmarks (JMH, -prof gc; log: " + log + ") ...");
      codec = CodecSuite.run(options.codec(), log);
    }
    LoadResults load = options.load() ? profiled(options) : null;

    Report report = new Report(header, load, codec);
    System.out.println();
    System.out.print(report.text());
    for (Path written : report.write(options.out())) {
      System.out.println("wrote " + written);
    }
  }

  /** The load run, recorded with JFR when {@code --profile} asks for it. */
  private static LoadResults profiled(BenchOptions options)
      throws IOException, GeneralSecurityException, InterruptedException {
    if (options.profile() == null) {
      return runLoad(options);
    }
    Files.createDirectories(options.profile());
    LoadResults results;
    try (Recording recording = new Recording(Configuration.getConfiguration("profile"))) {
      // A sample a millisecond: the default 10 ms finds few Java frames in an I/O-bound run.
      recording.enable("jdk.ExecutionSample").withPeriod(PROFILE_PERIOD);
      recording.start();
      results = runLoad(options);
      recording.stop();
      recording.dump(options.profile().resolve("client.jfr"));
    } catch (ParseException e) {
      throw new IOException("the JDK's JFR configuration 'profile' does not parse", e);
    }
    // The servers wrote theirs when runLoad stopped them.
    try (Stream<Path> files = Files.list(options.profile())) {
      for (Path file : files.filter(f -> f.toString().endsWith(".jfr")).sorted().toList()) {
        ProfileSummary.print(file, System.out);
      }
    }
    return results;
  }

  private static LoadResults runLoad(BenchOptions options)
      throws IOException, GeneralSecurityException, InterruptedException {
    List<Workload> rows =
        Workload.standard().stream().filter(w -> options.rows().matcher(w.name()).find()).toList();
    List<Pairing> columns = new ArrayList<>(options.pairings());
    String missing = NativePeers.missingTools();
    if (missing != null) {
      System.err.println("WARNING: no C columns: " + missing);
      columns.removeIf(
          p ->
              p.client() == Pairing.Client.LIBTIRPC
                  || p.client() == Pairing.Client.RAW
                  || p.server() == Pairing.Server.LIBTIRPC);
    }
    Path scratch = Files.createTempDirectory("jrpcgen-bench-");
    try (Processes processes = new Processes(scratch)) {
      Set<Pairing.Server> needed = EnumSet.noneOf(Pairing.Server.class);
      columns.forEach(p -> needed.add(p.server()));
      NativePeers peers = null;
      if (missing == null) {
        System.out.println("building the C peers with rpcgen, gcc and libtirpc in " + scratch);
        peers = NativePeers.build(processes);
      }
      Path keyStore = null;
      if (needed.contains(Pairing.Server.JRPCGEN_TLS)) {
        keyStore = Jrpcgen.makeKeyStore(scratch);
      }
      Map<Pairing.Server, ServerProcess> servers = new EnumMap<>(Pairing.Server.class);
      for (Pairing.Server server : needed) {
        ServerProcess started =
            switch (server) {
              case JRPCGEN -> javaServer("jrpcgen", processes, options);
              case JRPCGEN_TLS ->
                  javaServer(
                      "jrpcgen-tls",
                      processes,
                      options,
                      "-D" + Jrpcgen.KEY_STORE_PROPERTY + "=" + keyStore);
              case ONCRPC4J -> javaServer("oncrpc4j", processes, options);
              case REMOTE_TEA -> javaServer("remotetea", processes, options);
              case LIBTIRPC -> peers.startRpcServer();
              case RAW -> peers.startRawServer();
            };
        servers.put(server, started);
        System.out.println(
            "started the "
                + started.name()
                + " server, pid "
                + started.pid()
                + ", tcp "
                + started.address(true).getPort()
                + ", udp "
                + started.address(false).getPort());
      }
      Map<Pairing.Client, LoadClient> clients = new EnumMap<>(Pairing.Client.class);
      clients.put(Pairing.Client.JRPCGEN, new Jrpcgen.Client());
      clients.put(Pairing.Client.JRPCGEN_ASYNC, new Jrpcgen.AsyncClient(null));
      // Completions on the thread that read the reply, where oncrpc4j runs its CompletionHandler.
      clients.put(Pairing.Client.JRPCGEN_ASYNC_DIRECT, new Jrpcgen.AsyncClient(Runnable::run));
      if (keyStore != null) {
        clients.put(Pairing.Client.JRPCGEN_TLS, new Jrpcgen.Client(Jrpcgen.clientTls(keyStore)));
      }
      clients.put(Pairing.Client.ONCRPC4J_SYNC, new Oncrpc4j.SyncClient());
      clients.put(Pairing.Client.ONCRPC4J_ASYNC, new Oncrpc4j.AsyncClient());
      clients.put(Pairing.Client.REMOTE_TEA, new RemoteTea.Client());
      if (peers != null) {
        clients.put(Pairing.Client.LIBTIRPC, peers.rpcClient());
        clients.put(Pairing.Client.RAW, peers.rawClient());
      }
      return new LoadRun(clients, servers, System.out)
          .run(rows, columns, options.runs(), options.timing(), options.jitWarmup());
    } finally {
      if (options.keepTemp()) {
        System.out.println("kept " + scratch);
      } else {
        deleteRecursively(scratch);
      }
    }
  }

  /** A Java server in a JVM of its own, on this JVM's class path. */
  private static ServerProcess javaServer(
      String name, Processes processes, BenchOptions options, String... properties)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // A fixed, pre-touched heap: on a VM the first touch of a heap page is a costly fault that
    // would be charged to whichever call allocates there first.
    command.addAll(serverJvmOptions(options));
    if (options.profile() != null) {
      // Written when the benchmark stops the server (SIGTERM runs the JVM's exit hooks).
      command.add(
          "-XX:StartFlightRecording=settings=profile,dumponexit=true,"
              + "jdk.ExecutionSample#period="
              + PROFILE_PERIOD.toMillis()
              + "ms,filename="
              + options.profile().resolve("server-" + name + ".jfr"));
    }
    command.addAll(List.of(properties));
    command.addAll(
        List.of(
            "-cp",
            absoluteClassPath(),
            ServerMain.class.getName(),
            name,
            Integer.toString(ServerProcess.LIFETIME_SECONDS)));
    return ServerProcess.start(name, processes, command);
  }

  private static List<String> serverJvmOptions(BenchOptions options) {
    List<String> all = new ArrayList<>(SERVER_JVM_OPTIONS);
    all.addAll(options.serverJvmArgs());
    return all;
  }

  /** This JVM's class path with absolute entries: the servers run in the scratch directory. */
  static String absoluteClassPath() {
    return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
        .map(entry -> Path.of(entry).toAbsolutePath().toString())
        .collect(Collectors.joining(File.pathSeparator));
  }

  private static String header(BenchOptions o) {
    return String.format(
        Locale.ROOT,
        "jrpcgen benchmarks, %s, %s%n"
            + "machine: %d cores, %s, %s %s; %s%n"
            + "settings: %s mode; %d runs per cell of %d ms after %d ms warm-up; "
            + "loopback 127.0.0.1%n"
            + "JVM options: clients %s, servers %s",
        ZonedDateTime.now(ZoneId.systemDefault())
            .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME.withLocale(Locale.ROOT))
            .replaceAll("\\.\\d+", ""),
        "java " + System.getProperty("java.runtime.version"),
        Runtime.getRuntime().availableProcessors(),
        cpuModel(),
        System.getProperty("os.name"),
        System.getProperty("os.version"),
        System.getProperty("java.vm.name"),
        o.mode(),
        o.runs(),
        o.timing().measure().toMillis(),
        o.timing().warmup().toMillis(),
        String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()),
        String.join(" ", serverJvmOptions(o)));
  }

  private static String cpuModel() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines
          .filter(l -> l.startsWith("model name"))
          .findFirst()
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .orElse("unknown CPU");
    } catch (IOException e) {
      return "unknown CPU";
    }
  }

  /** benchmarks/target/results when run from the jar in benchmarks/target, else ./results. */
  private static Path defaultOut() {
    Path jar =
        Path.of(System.getProperty("java.class.path").split(File.pathSeparator)[0])
            .toAbsolutePath();
    Path dir = jar.getParent();
    return dir != null && jar.toString().endsWith(".jar")
        ? dir.resolve("results")
        : Path.of("results");
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
