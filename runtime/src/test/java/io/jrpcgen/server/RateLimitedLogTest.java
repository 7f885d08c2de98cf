package io.jrpcgen.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Warnings at most once per interval, with a count of those held back; a failing logger. */
class RateLimitedLogTest {
  /** A logger that records what it is given, or throws when told to. */
  private static final class Recording implements System.Logger {
    final List<String> messages = new CopyOnWriteArrayList<>();
    final List<Level> levels = new CopyOnWriteArrayList<>();
    Error failure;

    @Override
    public String getName() {
      return "recording";
    }

    @Override
    public boolean isLoggable(Level level) {
      return true;
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
      record(level, msg);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      record(level, format);
    }

    private void record(Level level, String msg) {
      if (failure != null) {
        throw failure;
      }
      levels.add(level);
      messages.add(msg);
    }
  }

  @Test
  void theFirstIsLoggedAndTheRestOfTheIntervalCounted() throws InterruptedException {
    Recording logger = new Recording();
    RateLimitedLog log = new RateLimitedLog(logger, 300, TimeUnit.MILLISECONDS);
    log.warn(() -> "first");
    log.warn(() -> "second");
    log.warn(() -> "third");
    assertThat(logger.messages).containsExactly("first");
    assertThat(logger.levels).containsExactly(System.Logger.Level.WARNING);
    Thread.sleep(400);
    log.warn(() -> "fourth");
    log.warn(() -> "fifth");
    assertThat(logger.messages)
        .containsExactly("first", "fourth (2 more like it since the last report)");
  }

  @Test
  void aMessageHeldBackIsNotEvenBuilt() {
    Recording logger = new Recording();
    RateLimitedLog log = new RateLimitedLog(logger, 1, TimeUnit.HOURS);
    log.warn(() -> "first");
    Supplier<String> unexpected =
        () -> {
          throw new AssertionError("built a message that was held back");
        };
    log.warn(unexpected);
    assertThat(logger.messages).containsExactly("first");
  }

  @Test
  void aLoggerThatFailsNeitherFailsTheCallerNorHoldsBackTheNextReport() {
    Recording logger = new Recording();
    logger.failure = new OutOfMemoryError("no memory for the log (expected by the test)");
    RateLimitedLog log = new RateLimitedLog(logger, 1, TimeUnit.HOURS);
    log.warn(() -> "lost");
    logger.failure = null;
    log.warn(() -> "kept");
    log.warn(() -> "held back");
    assertThat(logger.messages).containsExactly("kept (1 more like it since the last report)");
  }
}
