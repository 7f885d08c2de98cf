package io.jrpcgen.portmap;

import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * When the embedded portmapper forgets a registration: at once when a probe shows its server is
 * gone (a refusal), and after silence only when the server has not answered several probes in a row
 * over a whole give-up period, so that a server busy in a long call keeps its registration.
 * Thread-safe: the periodic sweep and lookups probe concurrently.
 */
final class LivenessPolicy {
  /** Unanswered probes in a row it takes, at least, to give up on a silent server. */
  static final int MIN_UNANSWERED = 3;

  /** A run of unanswered probes: since when, and how many. */
  private record Silence(long sinceNanos, int probes) {}

  private final Function<Rpcb, LivenessProbe.Verdict> probe;
  private final long giveUpNanos;
  private final LongSupplier nanoClock;
  private final Map<Rpcb, Silence> silences = new ConcurrentHashMap<>();

  LivenessPolicy(
      Function<Rpcb, LivenessProbe.Verdict> probe, long giveUpNanos, LongSupplier nanoClock) {
    this.probe = probe;
    this.giveUpNanos = giveUpNanos;
    this.nanoClock = nanoClock;
  }

  /** Probes the server of {@code rpcb}; true if the registration should be forgotten now. */
  boolean isGone(Rpcb rpcb) {
    switch (probe.apply(rpcb)) {
      case ALIVE -> {
        silences.remove(rpcb);
        return false;
      }
      case GONE -> {
        silences.remove(rpcb);
        return true;
      }
      default -> {
        long now = nanoClock.getAsLong();
        Silence s =
            silences.merge(
                rpcb,
                new Silence(now, 1),
                (old, first) -> new Silence(old.sinceNanos(), old.probes() + 1));
        if (s.probes() >= MIN_UNANSWERED && now - s.sinceNanos() >= giveUpNanos) {
          silences.remove(rpcb);
          return true;
        }
        return false;
      }
    }
  }

  /** Forgets the silences of registrations no longer in {@code registered}. */
  void retainOnly(Collection<Rpcb> registered) {
    silences.keySet().retainAll(new HashSet<>(registered));
  }
}
