package io.jrpcgen.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The released archives, unpacked where there is no repository, run {@code jrpcgen square.x}. Runs
 * after {@code package} (the pom's distribution-test execution), which builds them.
 */
class DistributionTest {
  private static final String SQUARE =
      "struct square_in { long arg1; };\n"
          + "struct square_out { long res1; };\n"
          + "program SQUARE_PROG { version SQUARE_VERS {\n"
          + "  square_out SQUAREPROC(square_in) = 1; } = 1; } = 0x31230000;\n";

  @TempDir Path dir;

  private record Done(int code, String output) {}

  @ParameterizedTest
  @ValueSource(strings = {"tar.gz", "zip"})
  void unpackedArchiveCompilesSquare(String format) throws Exception {
    // A -Dtest=... also brings this class into the unit tests' run, before package.
    String distribution = System.getProperty("jrpcgen.distribution");
    assumeTrue(distribution != null, "not the distribution-test execution: no archives yet");
    Path archive = Path.of(distribution + "." + format);
    assertThat(archive).as("built by mvn package").isRegularFile();
    Path unpacked = Files.createDirectory(dir.resolve("opt"));
    List<String> unpack =
        format.equals("zip")
            ? List.of("unzip", "-q", archive.toString(), "-d", unpacked.toString())
            : List.of("tar", "-xzf", archive.toString(), "-C", unpacked.toString());
    assumeTrue(onPath(unpack.get(0)), unpack.get(0) + " is not installed: cannot unpack");
    assertThat(run(unpack, dir).code()).isZero();

    Path home = unpacked.resolve("jrpcgen-" + System.getProperty("jrpcgen.version"));
    Path command = home.resolve("bin/jrpcgen");
    assertThat(Files.isExecutable(command)).as("%s is executable", command).isTrue();
    assertThat(home.resolve("LICENSE")).isRegularFile();

    Path work = Files.createDirectory(dir.resolve("work"));
    Files.writeString(work.resolve("square.x"), SQUARE);
    Done done = run(List.of(command.toString(), "square.x"), work);
    assertThat(done.output()).isEmpty();
    assertThat(done.code()).isZero();
    assertThat(Files.readString(work.resolve("square/SquareProg.java")))
        .contains("public static final int SQUARE_PROG = 0x31230000;");
    assertThat(run(List.of(command.toString(), "--version"), work).output())
        .isEqualTo("jrpcgen " + System.getProperty("jrpcgen.version") + "\n");

    // Linked from a directory on the PATH, it still finds its jar.
    Path link = Files.createDirectory(dir.resolve("usr-local-bin")).resolve("jrpcgen");
    Files.createSymbolicLink(link, command);
    assertThat(run(List.of(link.toString(), "--version"), work).output())
        .isEqualTo("jrpcgen " + System.getProperty("jrpcgen.version") + "\n");
  }

  private static boolean onPath(String program) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, program))) {
        return true;
      }
    }
    return false;
  }

  private static Done run(List<String> command, Path workDir)
      throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    // The java that runs the tests runs the command too.
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process process = builder.start();
    try {
      byte[] output = process.getInputStream().readAllBytes();
      assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("%s ends", command).isTrue();
      return new Done(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    } finally {
      process.destroyForcibly();
    }
  }
}
