package io.tokenapi.sdk;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/** Exponential backoff with full jitter: a fleet that failed together does not come back together. */
final class Backoff {
  private Backoff() {}

  /**
   * A wait drawn uniformly from {@code [0, min(max, initial * 2^(failures-1))]}.
   *
   * @param failures how many failures so far, at least 1
   * @param random uniform in {@code [0, 1)}
   */
  static long fullJitterMillis(Duration initial, Duration max, int failures, DoubleSupplier random) {
    long cap = capMillis(initial, max, failures);
    return (long) (random.getAsDouble() * (cap + 1));
  }

  /** The upper bound of the wait after {@code failures} failures. */
  static long capMillis(Duration initial, Duration max, int failures) {
    long maxMillis = max.toMillis();
    long cap = initial.toMillis();
    for (int i = 1; i < failures && cap < maxMillis; i++) {
      cap *= 2;
    }
    return Math.min(cap, maxMillis);
  }

  /**
   * A random spread added to a wait for the provider to reopen, so that a fleet does not arrive in the same
   * millisecond at opening time: up to a tenth of the wait, at most 30 seconds.
   */
  static long openingSpreadMillis(long waitMillis, DoubleSupplier random) {
    long cap = Math.min(Duration.ofSeconds(30).toMillis(), waitMillis / 10);
    return (long) (random.getAsDouble() * (cap + 1));
  }
}
