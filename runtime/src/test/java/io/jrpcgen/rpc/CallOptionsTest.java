package io.jrpcgen.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcgen.internal.rpc.CallHeader;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CallOptions has rpcgen's defaults, refuses non-positive durations and copies on change. */
class CallOptionsTest {
  @Test
  void defaultsAreRpcgensAndLibtirpcs() {
    assertThat(CallOptions.DEFAULTS.timeout()).isEqualTo(Duration.ofSeconds(25));
    assertThat(CallOptions.DEFAULTS.retryInterval()).isEqualTo(Duration.ofSeconds(15));
    assertThat(CallOptions.DEFAULTS.credential()).isEqualTo(OpaqueAuth.NONE);
    assertThat(CallOptions.DEFAULTS.verifier()).isEqualTo(OpaqueAuth.NONE);
  }

  @Test
  void zeroOrNegativeDurationsAreRefused() {
    assertThatThrownBy(() -> CallOptions.DEFAULTS.withTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout <= 0: PT0S");
    assertThatThrownBy(() -> CallOptions.DEFAULTS.withRetryInterval(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("retryInterval <= 0: PT-0.001S");
    assertThatThrownBy(() -> CallOptions.DEFAULTS.withTimeout(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout <= 0: null");
  }

  @Test
  void withMethodsReturnCopies() {
    CallOptions two = CallOptions.DEFAULTS.withTimeout(Duration.ofSeconds(2));
    assertThat(two.timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(two.retryInterval()).isEqualTo(CallOptions.DEFAULT_RETRY_INTERVAL);
    assertThat(CallOptions.DEFAULTS.timeout()).isEqualTo(CallOptions.DEFAULT_TIMEOUT);
  }

  @Test
  void withAuthSysSendsItsCredentialAndANoneVerifier() {
    AuthSys sys = new AuthSys(1, "h", 2, 3, List.of(4));
    CallOptions options = CallOptions.DEFAULTS.withAuthSys(sys);
    assertThat(options.credential().is(AuthFlavor.AUTH_SYS)).isTrue();
    assertThat(AuthSys.fromOpaqueAuth(options.credential())).isEqualTo(sys);
    assertThat(options.verifier()).isEqualTo(OpaqueAuth.NONE);
  }

  @Test
  void callHeaderNeedsCredentialAndVerifier() {
    assertThatThrownBy(() -> new CallHeader(1, 2, 3, 4, null, OpaqueAuth.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("credential and verifier must not be null");
  }
}
