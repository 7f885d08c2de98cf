package io.jrpcgen.portmap;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Records what this package logs, every level, until closed; System.Logger goes to JUL. */
final class LogCapture extends Handler implements AutoCloseable {
  private final Logger logger = Logger.getLogger("io.jrpcgen.portmap");
  private final Level levelBefore = logger.getLevel();
  private final List<LogRecord> records = new ArrayList<>();

  LogCapture() {
    logger.setLevel(Level.ALL);
    logger.addHandler(this);
  }

  @Override
  public synchronized void publish(LogRecord record) {
    records.add(record);
  }

  /** The messages logged at {@code level}, in order. */
  synchronized List<String> messages(Level level) {
    return records.stream()
        .filter(r -> r.getLevel().equals(level))
        .map(LogRecord::getMessage)
        .toList();
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    logger.removeHandler(this);
    logger.setLevel(levelBefore);
  }
}
