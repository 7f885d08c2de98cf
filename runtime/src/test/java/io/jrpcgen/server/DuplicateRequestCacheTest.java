package io.jrpcgen.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The duplicate request cache on its own: calls in progress, replies kept, calls forgotten. */
class DuplicateRequestCacheTest {
  private static final DuplicateRequestCache.Key KEY =
      new DuplicateRequestCache.Key(1, 2, 3, 4, new InetSocketAddress("127.0.0.1", 5));

  @Test
  void itHoldsAtLeastOneEntry() {
    assertThatThrownBy(() -> new DuplicateRequestCache(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxEntries <= 0: 0");
    DuplicateRequestCache one = new DuplicateRequestCache(1);
    assertThat(one.lookUpOrStart(KEY)).isNull();
  }

  @Test
  void aCallIsInProgressUntilCompletedThenItsReplyIsKept() {
    DuplicateRequestCache cache = new DuplicateRequestCache(4);
    assertThat(cache.lookUpOrStart(KEY)).isNull();
    assertThat(cache.lookUpOrStart(KEY)).isSameAs(DuplicateRequestCache.IN_PROGRESS);
    byte[] reply = {1, 2, 3};
    cache.complete(KEY, reply);
    assertThat(cache.lookUpOrStart(KEY)).isSameAs(reply);
  }

  @Test
  void aCallWithoutReplyIsForgotten() {
    DuplicateRequestCache cache = new DuplicateRequestCache(4);
    cache.lookUpOrStart(KEY);
    cache.complete(KEY, null);
    assertThat(cache.lookUpOrStart(KEY)).isNull();
  }
}
