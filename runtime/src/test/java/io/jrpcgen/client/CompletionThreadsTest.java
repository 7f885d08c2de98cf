package io.jrpcgen.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The default executor of asynchronous calls. */
class CompletionThreadsTest {
  private static final ThreadLocal<String> MARK = new ThreadLocal<>();

  /**
   * A completion that starts the next call finds the thread's encoder and the JDK's buffers of the
   * last task still there; the common pool's threads drop them after each task (JDK 17 and later).
   */
  @Test
  void aThreadKeepsItsThreadLocalValuesFromOneTaskToTheNext() throws Exception {
    Executor pool = CompletionThreads.pool();
    Thread marked = run(pool, () -> MARK.set("kept"));
    // The pool has a few threads: some task soon runs on the marked one again.
    for (int i = 0; i < 10_000; i++) {
      CompletableFuture<String> seen = new CompletableFuture<>();
      pool.execute(
          () -> seen.complete(Thread.currentThread() == marked ? String.valueOf(MARK.get()) : ""));
      String value = seen.get(10, TimeUnit.SECONDS);
      if (!value.isEmpty()) {
        assertThat(value).isEqualTo("kept");
        return;
      }
    }
    throw new AssertionError("no task ran on the marked thread again");
  }

  @Test
  void itsThreadsAreDaemonsAndNamed() throws Exception {
    Thread t = run(CompletionThreads.pool(), () -> {});
    assertThat(t.isDaemon()).isTrue();
    assertThat(t.getName()).startsWith("jrpcgen-completions-");
  }

  private static Thread run(Executor executor, Runnable task) throws Exception {
    CompletableFuture<Thread> ran = new CompletableFuture<>();
    executor.execute(
        () -> {
          task.run();
          ran.complete(Thread.currentThread());
        });
    return ran.get(10, TimeUnit.SECONDS);
  }
}
