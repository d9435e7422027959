package io.tokenapi.sdk;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter: a fleet that failed together does not come back together.
 */
final class Backoff {
  /** The opening spread never exceeds this, however long the wait: {@value} ms. */
  static final long MAX_OPENING_SPREAD_MILLIS = 30_000;

  /** The opening spread is at most this share of the wait (one tenth). */
  static final long OPENING_SPREAD_DIVISOR = 10;

  private Backoff() {}

  /**
   * A wait drawn uniformly from {@code [0, min(max, initial * 2^(failures-1))]}.
   *
   * @param failures how many failures so far, at least 1
   * @param random uniform in {@code [0, 1)}; values outside are clamped
   */
  static long fullJitterMillis(
      Duration initial, Duration max, int failures, DoubleSupplier random) {
    return uniform(capMillis(initial, max, failures), random);
  }

  /**
   * The upper bound of the wait after {@code failures} failures; saturates instead of overflowing.
   */
  static long capMillis(Duration initial, Duration max, int failures) {
    long maxMillis = millis(max);
    long cap = millis(initial);
    for (int i = 1; i < failures && cap < maxMillis; i++) {
      cap = cap > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : cap * 2;
    }
    return Math.min(cap, maxMillis);
  }

  /**
   * A random spread added to a wait for the provider to reopen, so that a fleet does not arrive in
   * the same millisecond at opening time: uniform in {@code [0, min(30 s, waitMillis / 10)]}.
   */
  static long openingSpreadMillis(long waitMillis, DoubleSupplier random) {
    return uniform(maxOpeningSpreadMillis(waitMillis), random);
  }

  /** The largest opening spread for a wait: a tenth of it, at most 30 seconds. */
  static long maxOpeningSpreadMillis(long waitMillis) {
    return Math.min(MAX_OPENING_SPREAD_MILLIS, Math.max(0, waitMillis) / OPENING_SPREAD_DIVISOR);
  }

  /**
   * Milliseconds of a duration, saturated at {@code Long.MAX_VALUE} for durations too long to count
   * in millis.
   */
  static long millis(Duration d) {
    try {
      return d.toMillis();
    } catch (ArithmeticException tooLong) {
      return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /** Uniform in {@code [0, cap]}, both ends included, whatever the random source returns. */
  private static long uniform(long cap, DoubleSupplier random) {
    if (cap <= 0) {
      return 0;
    }
    double r = random.getAsDouble();
    if (!(r > 0)) { // also NaN
      return 0;
    }
    // cap + 1 buckets so that cap itself can be drawn; the check covers r >= 1 and rounding at huge
    // caps.
    double scaled = r * ((double) cap + 1);
    return scaled >= cap ? cap : (long) scaled;
  }
}
