package io.tokenapi.sdk.spring;

import java.time.Duration;

/**
 * The longest durations the factories pass on: longer ones make the SDK fail at build time with an
 * {@code ArithmeticException} (it adds durations to epoch milliseconds) or OkHttp's "timeout too
 * large", neither naming the property.
 */
final class DurationLimits {
  /** Any duration setting. */
  static final Duration MAX = Duration.ofDays(365_000);

  /** Connect and read timeouts: OkHttp keeps them in an {@code int} of milliseconds (24.8 days). */
  static final Duration MAX_SOCKET_TIMEOUT = Duration.ofDays(24);

  private DurationLimits() {}

  /**
   * The problem with {@code value} for {@code property}, or null when it is not over {@code max}.
   */
  static String tooLong(String property, Duration value, Duration max) {
    if (value == null || value.compareTo(max) <= 0) {
      return null;
    }
    return property + ": " + value + " is too long, the most is " + max.toDays() + "d";
  }
}
