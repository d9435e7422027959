package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The cache's failure window on its own: negative caching, its growth, background hold, probes. */
class FailureWindowTest {
  private static final long NOW = 1_000_000_000L;
  private static final Duration PROBE = Duration.ofMinutes(5);

  private static FailureWindow window(double random) {
    return new FailureWindow(RetryPolicy.defaults(), () -> random, PROBE);
  }

  private static OAuthException transport() {
    return new TransportException("connection refused", null);
  }

  @Test
  void firstFailure_holdsExpiredCallersForOneToTwoSeconds() {
    FailureWindow.Failure low = window(0).after(null, transport(), NOW);
    FailureWindow.Failure high = window(0.999).after(null, transport(), NOW);

    assertThat(low.consecutive).isEqualTo(1);
    assertThat(low.negativeUntil).isEqualTo(NOW + FailureWindow.NEGATIVE_CACHE_MILLIS);
    assertThat(high.negativeUntil).isBetween(NOW + 1_000, NOW + 1_999);
    assertThat(low.holdsCallers(NOW + 999)).isTrue();
    assertThat(low.holdsCallers(NOW + 1_000)).isFalse();
    assertThat(low.closedAt(NOW)).isFalse();
  }

  @Test
  void consecutiveFailures_doubleTheBound_upToTwoMinutes() {
    FailureWindow w = window(0.999);
    FailureWindow.Failure f = null;
    long previousBound = 0;
    for (int i = 1; i <= 12; i++) {
      f = w.after(f, transport(), NOW);
      long held = f.negativeUntil - NOW;
      assertThat(f.consecutive).isEqualTo(i);
      assertThat(held).isGreaterThanOrEqualTo(previousBound);
      assertThat(held).isLessThan(FailureWindow.MAX_NEGATIVE_CACHE_MILLIS);
      previousBound = held;
    }
    assertThat(previousBound).isGreaterThan(FailureWindow.MAX_NEGATIVE_CACHE_MILLIS - 1_000);
  }

  @Test
  void backgroundRefresh_waitsAtLeastTheNegativeCacheTime() {
    FailureWindow.Failure f = window(0).after(null, transport(), NOW);

    assertThat(f.nextBackgroundAttempt).isEqualTo(NOW + FailureWindow.NEGATIVE_CACHE_MILLIS);
    assertThat(f.holdsBackground(NOW + 999)).isTrue();
    assertThat(f.holdsBackground(NOW + 1_000)).isFalse();
  }

  @Test
  void closedUntilTomorrow_holdsUntilTheNextProbe_notTheWholeDay() {
    Instant reopens = Instant.ofEpochMilli(NOW).plus(Duration.ofDays(1));
    OAuthException closed = new ServiceUnavailableException("closed", null, reopens);

    FailureWindow.Failure f = window(0).after(null, closed, NOW);

    assertThat(f.negativeUntil).isEqualTo(NOW + PROBE.toMillis());
    assertThat(f.nextBackgroundAttempt).isEqualTo(NOW + PROBE.toMillis());
    assertThat(f.reopensAt).isEqualTo(reopens.toEpochMilli());
    assertThat(f.closedAt(NOW + PROBE.toMillis())).isTrue();
    assertThat(f.closedAt(reopens.toEpochMilli())).isFalse();
  }

  @Test
  void closedForSeconds_holdsUntilItReopens() {
    Instant reopens = Instant.ofEpochMilli(NOW + 10_000);
    OAuthException closed = new ServiceUnavailableException("closed", null, reopens);

    FailureWindow.Failure f = window(0).after(null, closed, NOW);

    assertThat(f.negativeUntil).isEqualTo(NOW + 10_000);
    assertThat(f.nextBackgroundAttempt).isEqualTo(NOW + 10_000);
  }

  @Test
  void aRateLimit_isNotAClosedWindow() {
    OAuthException limited =
        new RateLimitedException("slow down", null, Instant.ofEpochMilli(NOW + 60_000));

    FailureWindow.Failure f = window(0).after(null, limited, NOW);

    assertThat(f.closedAt(NOW)).isFalse();
    assertThat(f.negativeUntil).isEqualTo(NOW + FailureWindow.NEGATIVE_CACHE_MILLIS);
  }
}
