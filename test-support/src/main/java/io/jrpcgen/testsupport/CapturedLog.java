package io.jrpcgen.testsupport;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a logger and those below it log through java.util.logging, System.Logger's default backend,
 * every level included (DEBUG is JUL's FINE): during each test, registered as an extension
 * ({@code @RegisterExtension final CapturedLog log = new CapturedLog(name)}), or from {@link #of}
 * to {@link #close} around a block.
 */
public final class CapturedLog extends Handler
    implements BeforeEachCallback, AfterEachCallback, AutoCloseable {
  // How long await waits for a message that another thread logs.
  private static final Duration AWAIT_BOUND = Duration.ofSeconds(10);

  private final Logger logger;
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private Level levelBefore;

  /** Captures what logger {@code name} logs during each test, once registered as an extension. */
  public CapturedLog(String name) {
    this.logger = Logger.getLogger(name);
  }

  /** Captures what logger {@code name} logs from now until {@link #close}. */
  public static CapturedLog of(String name) {
    CapturedLog log = new CapturedLog(name);
    log.start();
    return log;
  }

  private void start() {
    records.clear();
    levelBefore = logger.getLevel();
    logger.setLevel(Level.ALL);
    logger.addHandler(this);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    start();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    close();
  }

  /** Stops capturing; the logger's level is what it was before. */
  @Override
  public void close() {
    logger.removeHandler(this);
    logger.setLevel(levelBefore);
  }

  @Override
  public void publish(LogRecord record) {
    records.add(record);
  }

  @Override
  public void flush() {}

  /** The logger captured, for a test that puts handlers of its own beside this one. */
  public Logger logger() {
    return logger;
  }

  /** The records logged so far, in order. */
  public List<LogRecord> records() {
    return List.copyOf(records);
  }

  /** Forgets the records logged so far. */
  public void clear() {
    records.clear();
  }

  /** The messages logged at {@code level}, in order. */
  public List<String> messages(Level level) {
    return records.stream()
        .filter(r -> r.getLevel().equals(level))
        .map(LogRecord::getMessage)
        .toList();
  }

  /**
   * Waits, up to 10 seconds, until {@code message} is logged at {@code level} (by another thread,
   * say); throws an AssertionError if it is not.
   */
  public void await(Level level, String message) {
    long deadline = System.nanoTime() + AWAIT_BOUND.toNanos();
    while (!messages(level).contains(message)) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "'" + message + "' not logged at " + level + " in " + AWAIT_BOUND + ": " + records);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for '" + message + "' to be logged", e);
      }
    }
  }
}
