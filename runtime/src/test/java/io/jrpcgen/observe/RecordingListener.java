package io.jrpcgen.observe;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A listener that queues what it hears, for tests to take with a bounded wait. */
final class RecordingListener implements RpcListener {
  /** A call's start and end as heard. */
  record Ended(RpcCall call, CallEnd end) {}

  final BlockingQueue<RpcCall> started = new LinkedBlockingQueue<>();
  final BlockingQueue<Ended> ended = new LinkedBlockingQueue<>();
  final BlockingQueue<RpcConnection> opened = new LinkedBlockingQueue<>();
  final BlockingQueue<RpcConnection> closed = new LinkedBlockingQueue<>();

  @Override
  public CallObserver callStarted(RpcCall call) {
    started.add(call);
    return (c, end) -> ended.add(new Ended(c, end));
  }

  @Override
  public void connectionOpened(RpcConnection connection) {
    opened.add(connection);
  }

  @Override
  public void connectionClosed(RpcConnection connection) {
    closed.add(connection);
  }

  /** The next call that ended, waiting up to 5 s. */
  Ended nextEnded() throws InterruptedException {
    return take(ended);
  }

  static <T> T take(BlockingQueue<T> queue) throws InterruptedException {
    T item = queue.poll(5, TimeUnit.SECONDS);
    if (item == null) {
      throw new AssertionError("nothing heard in 5 s");
    }
    return item;
  }
}
