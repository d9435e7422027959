package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Renewals after rejections on their own: one per rejected token, at most one per interval. */
class RejectionDampingTest {
  private static final long NOW = 1_000_000_000L;
  private static final long INTERVAL = RejectionDamping.INTERVAL.toMillis();
  private static final AccessToken FIRST =
      AccessToken.of("first", Instant.ofEpochMilli(NOW + 3_600_000));
  private static final AccessToken SECOND =
      AccessToken.of("second", Instant.ofEpochMilli(NOW + 3_600_000));

  @Test
  void aFirstRejection_isNeverKept() {
    assertThat(new RejectionDamping().keeps(FIRST, FIRST, NOW)).isFalse();
  }

  @Test
  void theReplacementRejectedWithinTheInterval_isKept_untilTheIntervalPassed() {
    RejectionDamping damping = new RejectionDamping();
    damping.forgot(FIRST, NOW);

    assertThat(damping.keeps(SECOND, SECOND, NOW + 1)).isTrue();
    assertThat(damping.keeps(SECOND, SECOND, NOW + INTERVAL - 1)).isTrue();
    assertThat(damping.keeps(SECOND, SECOND, NOW + INTERVAL)).isFalse();
  }

  @Test
  void theSameTokenRejectedAgain_orAnotherOne_isNotKept() {
    RejectionDamping damping = new RejectionDamping();
    damping.forgot(FIRST, NOW);

    assertThat(damping.keeps(FIRST, FIRST, NOW + 1)).isFalse();
    assertThat(damping.keeps(SECOND, FIRST, NOW + 1)).isFalse();
    assertThat(damping.keeps(null, SECOND, NOW + 1)).isFalse();
  }

  @Test
  void anExpiredReplacement_isNotKept() {
    RejectionDamping damping = new RejectionDamping();
    damping.forgot(FIRST, NOW);
    AccessToken expired = AccessToken.of("expired", Instant.ofEpochMilli(NOW + 1));

    assertThat(damping.keeps(expired, expired, NOW + 1)).isFalse();
  }
}
