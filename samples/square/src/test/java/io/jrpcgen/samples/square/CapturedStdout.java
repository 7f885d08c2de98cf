package io.jrpcgen.samples.square;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** What is printed to System.out from {@link #start()} until {@link #close()} puts it back. */
final class CapturedStdout implements AutoCloseable {
  private final PrintStream before = System.out;
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

  private CapturedStdout() {
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
  }

  /** Starts capturing System.out. */
  static CapturedStdout start() {
    return new CapturedStdout();
  }

  /** What was printed, as UTF-8. */
  String text() {
    return printed.toString(StandardCharsets.UTF_8);
  }

  /** Puts back the System.out there was before {@link #start()}. */
  @Override
  public void close() {
    System.setOut(before);
  }
}
