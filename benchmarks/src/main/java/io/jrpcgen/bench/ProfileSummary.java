package io.jrpcgen.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * A short text summary of a JFR recording: where the CPU samples of Java code are (the sampled
 * method itself, and the first jrpcgen method on the stack), where threads sat in native code
 * (socket reads and writes: waiting or copying), and what is allocated where. {@code --profile}
 * prints it for every recording it makes; {@code java -cp benchmarks.jar
 * io.jrpcgen.bench.ProfileSummary FILE.jfr...} prints it for any recording.
 */
public final class ProfileSummary {
  private static final int TOP = 12;
  private static final String JRPCGEN = "io.jrpcgen.";
  private static final String BENCH = "io.jrpcgen.bench.";

  private ProfileSummary() {}

  public static void main(String[] args) throws IOException {
    for (String file : args) {
      print(Path.of(file), System.out);
    }
  }

  /** Prints the summary of the recording {@code file} to {@code out}. */
  public static void print(Path file, PrintStream out) throws IOException {
    Map<String, Long> self = new HashMap<>();
    Map<String, Long> jrpcgen = new HashMap<>();
    Map<String, Long> allocated = new HashMap<>();
    Map<String, Long> natives = new HashMap<>();
    long samples = 0;
    long nativeSamples = 0;
    long allocatedBytes = 0;
    for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
      String type = e.getEventType().getName();
      RecordedStackTrace stack = e.getStackTrace();
      if (stack == null || stack.getFrames().isEmpty()) {
        continue;
      }
      List<RecordedFrame> frames = stack.getFrames();
      if (type.equals("jdk.ExecutionSample")) {
        samples++;
        self.merge(name(frames.get(0)), 1L, Long::sum);
        jrpcgen.merge(firstJrpcgenFrame(frames), 1L, Long::sum);
      } else if (type.equals("jdk.NativeMethodSample")) {
        nativeSamples++;
        natives.merge(name(frames.get(0)) + " in " + firstJrpcgenFrame(frames), 1L, Long::sum);
      } else if (type.equals("jdk.ObjectAllocationSample")) {
        long weight = e.getLong("weight");
        allocatedBytes += weight;
        String what = e.getClass("objectClass").getName();
        allocated.merge(what + " in " + firstJrpcgenFrame(frames), weight, Long::sum);
      }
    }
    out.printf(
        Locale.ROOT,
        "%n== %s: %d CPU samples, %.1f MB allocated (sampled weight)%n",
        file.getFileName(),
        samples,
        allocatedBytes / 1e6);
    top(out, "CPU, sampled method", self, samples, "");
    top(out, "CPU, first jrpcgen method on the stack", jrpcgen, samples, "");
    out.printf(
        Locale.ROOT,
        "-- %d samples of threads in native code (blocked or copying)%n",
        nativeSamples);
    top(out, "native, method in first jrpcgen method", natives, nativeSamples, "");
    top(out, "allocation, class in first jrpcgen method", allocated, allocatedBytes, " MB");
  }

  private static void top(
      PrintStream out, String title, Map<String, Long> counts, long total, String unit) {
    out.println("-- " + title);
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(TOP)
        .forEach(
            c ->
                out.printf(
                    Locale.ROOT,
                    "%5.1f%%  %s%s%n",
                    100.0 * c.getValue() / Math.max(1, total),
                    c.getKey(),
                    unit.isEmpty()
                        ? ""
                        : String.format(Locale.ROOT, " (%.1f%s)", c.getValue() / 1e6, unit)));
  }

  /** The first frame of the runtime (not of the benchmark's own code), or the top frame. */
  private static String firstJrpcgenFrame(List<RecordedFrame> frames) {
    for (RecordedFrame f : frames) {
      String type = f.getMethod().getType().getName();
      if (type.startsWith(JRPCGEN) && !type.startsWith(BENCH)) {
        return name(f);
      }
    }
    return "(no jrpcgen frame) " + name(frames.get(0));
  }

  private static String name(RecordedFrame frame) {
    RecordedMethod m = frame.getMethod();
    String type = m.getType().getName();
    return type.substring(type.lastIndexOf('.') + 1) + "." + m.getName();
  }
}
