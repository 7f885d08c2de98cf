package com.example;

import com.example.rpc.Extra;
import com.example.rpc.ServiceConstants;
import com.example.rpc.ServiceProg;
import java.time.Duration;
import java.util.List;

/** Uses what the configuration asked for: it compiles only if that was generated. */
public final class App {
  private App() {}

  public static void main(String[] args) {
    Extra extra = new Extra(List.of(1, 2));
    if (ServiceConstants.MAX_VALUES != 8
        || !ServiceProg.DEFAULT_TIMEOUT.equals(Duration.ofMillis(2500))) {
      throw new AssertionError(extra);
    }
  }
}
