package io.tokenapi.sdk;

import java.time.Duration;

/** The upper bound every duration setting shares. */
final class Durations {
  /**
   * Longest duration a setting takes: 100 years. Beyond about 292 million years {@link
   * Duration#toMillis()} overflows, and a clock time plus a duration near that overflows sooner:
   * such a setting used to throw an {@link ArithmeticException} out of {@code build()}.
   */
  static final Duration MAX = Duration.ofDays(36_500);

  private Durations() {}

  /**
   * Returns {@code value} if it is at most {@link #MAX}.
   *
   * @throws IllegalArgumentException naming the setting otherwise
   */
  static Duration notHuge(Duration value, String name) {
    if (value.compareTo(MAX) > 0) {
      throw new IllegalArgumentException(
          name + " is longer than 100 years: " + value + "; pass a shorter one");
    }
    return value;
  }
}
