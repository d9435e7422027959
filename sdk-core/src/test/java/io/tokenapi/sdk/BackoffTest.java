package io.tokenapi.sdk;

import static io.tokenapi.sdk.RetryTesting.ALMOST_ONE;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BackoffTest {
  private static final Duration HALF_SECOND = Duration.ofMillis(500);
  private static final Duration THIRTY_SECONDS = Duration.ofSeconds(30);

  @Test
  void cap_doublesPerFailure_upToMaxBackoff() {
    assertThat(Backoff.capMillis(HALF_SECOND, THIRTY_SECONDS, 1)).isEqualTo(500);
    assertThat(Backoff.capMillis(HALF_SECOND, THIRTY_SECONDS, 2)).isEqualTo(1_000);
    assertThat(Backoff.capMillis(HALF_SECOND, THIRTY_SECONDS, 3)).isEqualTo(2_000);
    assertThat(Backoff.capMillis(HALF_SECOND, THIRTY_SECONDS, 7)).isEqualTo(30_000);
    assertThat(Backoff.capMillis(HALF_SECOND, THIRTY_SECONDS, Integer.MAX_VALUE)).isEqualTo(30_000);
  }

  @Test
  void cap_withHugeDurations_saturatesInsteadOfOverflowing() {
    Duration forever = Duration.ofSeconds(Long.MAX_VALUE);

    assertThat(Backoff.capMillis(Duration.ofDays(365 * 100_000L), forever, 64))
        .isEqualTo(Long.MAX_VALUE);
    // Positive and near the cap: a wrapped long would be negative and end the retry loop.
    assertThat(Backoff.fullJitterMillis(forever, forever, 64, () -> ALMOST_ONE))
        .isGreaterThan(Long.MAX_VALUE / 2);
  }

  @Test
  void fullJitter_spansZeroToCap_bothEndsIncluded() {
    assertThat(Backoff.fullJitterMillis(HALF_SECOND, THIRTY_SECONDS, 3, () -> 0.0)).isZero();
    assertThat(Backoff.fullJitterMillis(HALF_SECOND, THIRTY_SECONDS, 3, () -> ALMOST_ONE))
        .isEqualTo(2_000);
    assertThat(Backoff.fullJitterMillis(HALF_SECOND, THIRTY_SECONDS, 3, () -> 0.5))
        .isEqualTo(1_000);
  }

  @ParameterizedTest
  @ValueSource(doubles = {-1.0, Double.NaN, 1.0, 7.5, Double.POSITIVE_INFINITY})
  void fullJitter_withRandomOutsideUnitInterval_staysWithinBounds(double random) {
    assertThat(Backoff.fullJitterMillis(HALF_SECOND, THIRTY_SECONDS, 2, () -> random))
        .isBetween(0L, 1_000L);
  }

  @Test
  void openingSpread_isAtMostATenthOfTheWait() {
    assertThat(Backoff.openingSpreadMillis(60_000, () -> ALMOST_ONE)).isEqualTo(6_000);
    assertThat(Backoff.openingSpreadMillis(60_000, () -> 0.0)).isZero();
    assertThat(Backoff.openingSpreadMillis(9, () -> ALMOST_ONE)).isZero();
    assertThat(Backoff.openingSpreadMillis(0, () -> ALMOST_ONE)).isZero();
  }

  @Test
  void openingSpread_isAtMostThirtySeconds_however_longTheWait() {
    assertThat(Backoff.openingSpreadMillis(Duration.ofHours(12).toMillis(), () -> ALMOST_ONE))
        .isEqualTo(30_000);
    assertThat(Backoff.maxOpeningSpreadMillis(Long.MAX_VALUE)).isEqualTo(30_000);
  }
}
