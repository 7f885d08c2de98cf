package io.jrpcgen.maven;

import io.jrpcgen.compiler.CompileResult;
import io.jrpcgen.compiler.Compiler;
import io.jrpcgen.compiler.CompilerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Runs the compiler only when something it depends on changed, and keeps the output directory equal
 * to what the compiler produces. A state file records a fingerprint of the configuration, the hash
 * of every file the compiler read (sources and what they include) and the files it produced: if all
 * still match, nothing is compiled or touched; otherwise changed files are rewritten, unchanged
 * ones keep their timestamps, and files no longer produced are deleted.
 */
final class IncrementalGeneration {
  /** What a run did. */
  record Outcome(
      boolean upToDate, CompileResult result, int written, int unchanged, List<Path> removed) {}

  private static final String FINGERPRINT = "fingerprint ";
  private static final String INPUT = "input ";
  private static final String OUTPUT = "output ";

  private final CompilerOptions options;
  private final String configuration;
  private final Path stateFile;

  /**
   * @param options the compilation
   * @param configuration everything else that changes the output (e.g. the compiler's version)
   * @param stateFile where to keep what the last run saw
   */
  IncrementalGeneration(CompilerOptions options, String configuration, Path stateFile) {
    this.options = options;
    this.configuration = configuration;
    this.stateFile = stateFile;
  }

  Outcome run() throws IOException {
    String fingerprint = fingerprint();
    State previous = State.read(stateFile);
    if (previous != null && previous.isCurrent(fingerprint, options.outputDir())) {
      return new Outcome(true, null, 0, previous.outputs.size(), List.of());
    }
    CompileResult result = Compiler.compile(options);
    if (!result.success()) {
      return new Outcome(false, result, 0, 0, List.of());
    }
    List<Path> removed = new ArrayList<>();
    if (previous != null) {
      for (String old : previous.outputs) {
        Path path = Path.of(old);
        if (!result.files().containsKey(path)
            && Files.deleteIfExists(options.outputDir().resolve(path))) {
          removed.add(path);
        }
      }
    }
    State state = new State(fingerprint, new TreeMap<>(), new TreeSet<>());
    for (String input : result.sourceLines().keySet()) {
      state.inputs.put(input, hash(Path.of(input)));
    }
    result.files().keySet().forEach(p -> state.outputs.add(p.toString()));
    state.write(stateFile);
    int written = result.written().size();
    return new Outcome(false, result, written, result.files().size() - written, removed);
  }

  /** The options and the configuration, as text, hashed. */
  private String fingerprint() {
    String text =
        configuration
            + "\n"
            + options.sources()
            + "\n"
            + options.packageName()
            + "\n"
            + new TreeMap<>(options.defines())
            + "\n"
            + options.includeDirs()
            + "\n"
            + new TreeSet<>(options.emit())
            + "\n"
            + options.defaultTimeout()
            + "\n"
            + new TreeMap<>(options.externalTypes());
    // A dependency's classes file is read, not included: its content is configuration.
    StringBuilder classes = new StringBuilder();
    for (Path file : options.generatedClasses()) {
      classes.append('\n').append(file).append(' ').append(hash(file));
    }
    return hash((text + classes).getBytes(StandardCharsets.UTF_8));
  }

  private static String hash(Path file) {
    try {
      return hash(Files.readAllBytes(file));
    } catch (IOException e) {
      return "unreadable";
    }
  }

  private static String hash(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** The state file's content: one {@code key value} per line. */
  private record State(String fingerprint, Map<String, String> inputs, Set<String> outputs) {
    static State read(Path file) throws IOException {
      if (!Files.isRegularFile(file)) {
        return null;
      }
      State state = new State(null, new TreeMap<>(), new TreeSet<>());
      String fingerprint = null;
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.startsWith(FINGERPRINT)) {
          fingerprint = line.substring(FINGERPRINT.length());
        } else if (line.startsWith(INPUT)) {
          String rest = line.substring(INPUT.length());
          int space = rest.indexOf(' ');
          state.inputs.put(rest.substring(space + 1), rest.substring(0, space));
        } else if (line.startsWith(OUTPUT)) {
          state.outputs.add(line.substring(OUTPUT.length()));
        }
      }
      return fingerprint == null ? null : new State(fingerprint, state.inputs, state.outputs);
    }

    boolean isCurrent(String currentFingerprint, Path outputDir) {
      return fingerprint.equals(currentFingerprint)
          && inputs.entrySet().stream()
              .allMatch(e -> e.getValue().equals(hash(Path.of(e.getKey()))))
          && outputs.stream().allMatch(o -> Files.isRegularFile(outputDir.resolve(o)));
    }

    void write(Path file) {
      StringBuilder text = new StringBuilder(FINGERPRINT).append(fingerprint).append('\n');
      inputs.forEach(
          (path, hash) -> text.append(INPUT).append(hash).append(' ').append(path).append('\n'));
      outputs.forEach(o -> text.append(OUTPUT).append(o).append('\n'));
      try {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + file, e);
      }
    }
  }
}
