package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** {@code nextClosing}: the closing a token held now has to outlast. */
class WorkingHoursClosingTest {
  private static final WorkingHours OFFICE =
      WorkingHours.of(
          ZoneOffset.UTC,
          LocalTime.of(8, 0),
          LocalTime.of(18, 0),
          EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY));

  @Test
  void nextClosing_whenOpen_isTheEndOfTodaysWindow() {
    assertThat(OFFICE.nextClosing(Instant.parse("2026-11-25T10:00:00Z")))
        .isEqualTo(Instant.parse("2026-11-25T18:00:00Z"));
  }

  @Test
  void nextClosing_whenClosed_isTheEndOfTheNextWindow_acrossTheWeekend() {
    assertThat(OFFICE.nextClosing(Instant.parse("2026-11-25T19:00:00Z")))
        .isEqualTo(Instant.parse("2026-11-26T18:00:00Z"));
    assertThat(OFFICE.nextClosing(Instant.parse("2026-11-27T18:00:00Z")))
        .isEqualTo(Instant.parse("2026-11-30T18:00:00Z"));
  }

  @Test
  void nextClosing_ofAWindowAcrossMidnight_isTheNextMorning() {
    WorkingHours night =
        WorkingHours.of(
            ZoneId.of("Europe/Berlin"),
            LocalTime.of(22, 0),
            LocalTime.of(6, 0),
            EnumSet.allOf(DayOfWeek.class));
    assertThat(night.nextClosing(Instant.parse("2026-11-25T23:30:00Z")))
        .isEqualTo(Instant.parse("2026-11-26T05:00:00Z"));
  }
}
