package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.sdk.OAuthClientListener.ClosingCoverage;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** The closing-hours renewal plan on its own: when a token turns stale, and coverage told once. */
class ClosingRenewalTest {
  private static final WorkingHours OFFICE =
      WorkingHours.of(
          ZoneOffset.UTC,
          LocalTime.of(8, 0),
          LocalTime.of(18, 0),
          EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY));
  private static final Freshness FRESHNESS =
      new Freshness(Duration.ofMinutes(5), Duration.ofSeconds(30));

  /** Wednesday, 18:00 UTC: the office closes. */
  private static final Instant CLOSES = Instant.parse("2026-11-25T18:00:00Z");

  private static AccessToken hourLong(Instant obtained) {
    return AccessToken.of("t", obtained.plus(Duration.ofHours(1)));
  }

  @Test
  void withoutWorkingHours_nothingIsPlanned() {
    ClosingRenewal plan = new ClosingRenewal(null, FRESHNESS);
    Instant obtained = CLOSES.minus(Duration.ofMinutes(30));

    assertThat(plan.staleBy(hourLong(obtained), obtained.toEpochMilli())).isEqualTo(Long.MAX_VALUE);
    assertThat(plan.coverage(hourLong(obtained), obtained.toEpochMilli())).isNull();
  }

  @Test
  void aTokenThatWouldTurnStaleAfterClosing_turnsStaleItsMarginBeforeClosing() {
    ClosingRenewal plan = new ClosingRenewal(OFFICE, FRESHNESS);
    Instant obtained = CLOSES.minus(Duration.ofMinutes(30));

    assertThat(plan.staleBy(hourLong(obtained), obtained.toEpochMilli()))
        .isEqualTo(CLOSES.minus(Duration.ofMinutes(5)).toEpochMilli());
  }

  @Test
  void aTokenStaleBeforeClosing_keepsItsOwnTime() {
    ClosingRenewal plan = new ClosingRenewal(OFFICE, FRESHNESS);
    Instant obtained = CLOSES.minus(Duration.ofHours(3));

    assertThat(plan.staleBy(hourLong(obtained), obtained.toEpochMilli())).isEqualTo(Long.MAX_VALUE);
    assertThat(plan.coverage(hourLong(obtained), obtained.toEpochMilli())).isNull();
  }

  @Test
  void theTokenHeldOverClosing_hasItsCoverageToldOncePerClosing() {
    ClosingRenewal plan = new ClosingRenewal(OFFICE, FRESHNESS);
    Instant obtained = CLOSES.minus(Duration.ofMinutes(4));
    AccessToken token = hourLong(obtained);

    assertThat(plan.staleBy(token, obtained.toEpochMilli())).isEqualTo(Long.MAX_VALUE);
    ClosingCoverage told = plan.coverage(token, obtained.toEpochMilli());

    assertThat(told).isNotNull();
    assertThat(told.closesAt()).isEqualTo(CLOSES);
    assertThat(told.reopensAt()).isEqualTo(Instant.parse("2026-11-26T08:00:00Z"));
    assertThat(told.tokenExpiresAt()).isEqualTo(token.expiresAt());
    assertThat(told.uncovered())
        .isEqualTo(Duration.between(token.expiresAt(), Instant.parse("2026-11-26T08:00:00Z")));
    Instant again = obtained.plus(Duration.ofMinutes(1));
    assertThat(plan.coverage(hourLong(again), again.toEpochMilli())).isNull();
  }
}
