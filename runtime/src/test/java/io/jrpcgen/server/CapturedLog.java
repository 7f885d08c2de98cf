package io.jrpcgen.server;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** What the server logs through JUL, System.Logger's default backend, during each test. */
final class CapturedLog extends Handler implements BeforeEachCallback, AfterEachCallback {
  final Logger logger = Logger.getLogger(RpcServer.class.getName());
  final List<LogRecord> records = new CopyOnWriteArrayList<>();

  private Level before;

  /** Starts capturing, every level included (DEBUG is JUL's FINE). */
  @Override
  public void beforeEach(ExtensionContext context) {
    records.clear();
    before = logger.getLevel();
    logger.setLevel(Level.ALL);
    logger.addHandler(this);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    logger.removeHandler(this);
    logger.setLevel(before);
  }

  @Override
  public void publish(LogRecord r) {
    records.add(r);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}

  /** Waits up to {@link RawWire#TIMEOUT_MS} until {@code message} is logged at {@code level}. */
  void await(Level level, String message) {
    RawWire.awaitTrue("'" + message + "' logged", () -> messages(level).contains(message));
  }

  /** The messages logged at {@code level}, in order. */
  List<String> messages(Level level) {
    return records.stream()
        .filter(r -> r.getLevel().equals(level))
        .map(LogRecord::getMessage)
        .toList();
  }
}
