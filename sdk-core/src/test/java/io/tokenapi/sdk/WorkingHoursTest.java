package io.tokenapi.sdk;

import static java.time.DayOfWeek.FRIDAY;
import static java.time.DayOfWeek.MONDAY;
import static java.time.DayOfWeek.SATURDAY;
import static java.time.DayOfWeek.SUNDAY;
import static java.time.DayOfWeek.THURSDAY;
import static java.time.DayOfWeek.TUESDAY;
import static java.time.DayOfWeek.WEDNESDAY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Expected instants are written in UTC with the local time beside them, so that they do not depend
 * on the resolution rules under test. Oslo is UTC+1 in winter (CET) and UTC+2 in summer (CEST); New
 * York is UTC-5 (EST) and UTC-4 (EDT). 2025 changes: Oslo 30 Mar 02:00->03:00 and 26 Oct
 * 03:00->02:00; New York 9 Mar 02:00->03:00 and 2 Nov 02:00->01:00.
 */
class WorkingHoursTest {

  private static final ZoneId OSLO = ZoneId.of("Europe/Oslo");
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final Set<DayOfWeek> WEEKDAYS = EnumSet.range(MONDAY, FRIDAY);
  private static final Set<DayOfWeek> EVERY_DAY = EnumSet.allOf(DayOfWeek.class);

  /** Mon-Fri 08:00-16:00 Oslo. The week of 13 Jan 2025 (Mon) is in winter time, UTC+1. */
  private static final WorkingHours OFFICE =
      WorkingHours.of(OSLO, LocalTime.of(8, 0), LocalTime.of(16, 0), WEEKDAYS);

  private static Instant utc(String isoWithoutZ) {
    return Instant.parse(isoWithoutZ + "Z");
  }

  private static WorkingHours oslo(String opens, String closes, Set<DayOfWeek> days) {
    return WorkingHours.of(OSLO, LocalTime.parse(opens), LocalTime.parse(closes), days);
  }

  private static WorkingHours newYork(String opens, String closes, Set<DayOfWeek> days) {
    return WorkingHours.of(NEW_YORK, LocalTime.parse(opens), LocalTime.parse(closes), days);
  }

  @Nested
  class WeekdayWindow {

    @Test
    void isOpen_middleOfWeekdayWindow_isTrue() {
      assertThat(OFFICE.isOpen(utc("2025-01-15T11:00:00"))).isTrue(); // Wed 12:00
    }

    @Test
    void isOpen_atOpeningInstant_isTrue() {
      assertThat(OFFICE.isOpen(utc("2025-01-15T07:00:00"))).isTrue(); // Wed 08:00
    }

    @Test
    void isOpen_oneNanosecondBeforeOpening_isFalse() {
      assertThat(OFFICE.isOpen(utc("2025-01-15T07:00:00").minusNanos(1))).isFalse();
    }

    @Test
    void isOpen_oneNanosecondBeforeClosing_isTrue() {
      assertThat(OFFICE.isOpen(utc("2025-01-15T15:00:00").minusNanos(1)))
          .isTrue(); // Wed 15:59:59.999999999
    }

    @Test
    void isOpen_atClosingInstant_isFalse() {
      assertThat(OFFICE.isOpen(utc("2025-01-15T15:00:00"))).isFalse(); // Wed 16:00
    }

    @Test
    void isOpen_onWeekend_isFalse() {
      assertThat(OFFICE.isOpen(utc("2025-01-18T11:00:00"))).isFalse(); // Sat 12:00
      assertThat(OFFICE.isOpen(utc("2025-01-19T11:00:00"))).isFalse(); // Sun 12:00
    }

    @Test
    void nextOpening_whenOpen_returnsNowItself() {
      Instant now = utc("2025-01-15T11:22:33.444");
      assertThat(OFFICE.nextOpening(now)).isEqualTo(now);
    }

    @Test
    void nextOpening_atOpeningInstant_returnsNowItself() {
      Instant now = utc("2025-01-15T07:00:00");
      assertThat(OFFICE.nextOpening(now)).isEqualTo(now);
    }

    @Test
    void nextOpening_earlyMorning_returnsTodaysOpening() {
      assertThat(OFFICE.nextOpening(utc("2025-01-15T04:00:00"))) // Wed 05:00
          .isEqualTo(utc("2025-01-15T07:00:00")); // Wed 08:00
    }

    @Test
    void nextOpening_oneNanosecondBeforeOpening_returnsOpening() {
      Instant opening = utc("2025-01-15T07:00:00");
      assertThat(OFFICE.nextOpening(opening.minusNanos(1))).isEqualTo(opening);
    }

    @Test
    void nextOpening_atClosingInstant_returnsNextDaysOpening() {
      assertThat(OFFICE.nextOpening(utc("2025-01-15T15:00:00"))) // Wed 16:00
          .isEqualTo(utc("2025-01-16T07:00:00")); // Thu 08:00
    }

    @Test
    void nextOpening_onFridayEvening_returnsMondayOpening() {
      assertThat(OFFICE.nextOpening(utc("2025-01-17T17:30:00"))) // Fri 18:30
          .isEqualTo(utc("2025-01-20T07:00:00")); // Mon 08:00
    }

    @Test
    void nextOpening_onSunday_returnsMondayOpening() {
      assertThat(OFFICE.nextOpening(utc("2025-01-19T22:59:59"))) // Sun 23:59:59
          .isEqualTo(utc("2025-01-20T07:00:00")); // Mon 08:00
    }

    @Test
    void nextOpening_withSingleDayJustAfterClosing_waitsAlmostAWeek() {
      WorkingHours mondays = oslo("08:00", "16:00", EnumSet.of(MONDAY));
      assertThat(mondays.nextOpening(utc("2025-01-13T15:00:00"))) // Mon 16:00
          .isEqualTo(utc("2025-01-20T07:00:00")); // next Mon 08:00
    }

    @Test
    void nextOpening_readsTimesInTheScheduleZone_notInUtc() {
      // 07:30Z is 08:30 in Oslo (open) but 02:30 in New York (closed).
      Instant now = utc("2025-01-15T07:30:00");
      WorkingHours newYorkOffice = newYork("08:00", "16:00", WEEKDAYS);
      assertThat(OFFICE.nextOpening(now)).isEqualTo(now);
      assertThat(newYorkOffice.nextOpening(now))
          .isEqualTo(utc("2025-01-15T13:00:00")); // Wed 08:00 EST
    }
  }

  /** Opens Friday 22:00 and closes Saturday 06:00: the only window of the week. */
  @Nested
  class MidnightCrossingWindow {

    private final WorkingHours fridayNight = oslo("22:00", "06:00", EnumSet.of(FRIDAY));

    @Test
    void isOpen_fridayAfterOpening_isTrue() {
      assertThat(fridayNight.isOpen(utc("2025-01-17T21:00:00"))).isTrue(); // Fri 22:00
      assertThat(fridayNight.isOpen(utc("2025-01-17T22:59:59"))).isTrue(); // Fri 23:59:59
    }

    @Test
    void isOpen_saturdayMorningBeforeClosing_isTrue() {
      assertThat(fridayNight.isOpen(utc("2025-01-17T23:00:00"))).isTrue(); // Sat 00:00
      assertThat(fridayNight.isOpen(utc("2025-01-18T05:00:00").minusNanos(1)))
          .isTrue(); // Sat 05:59:59.99...
    }

    @Test
    void isOpen_saturdayAtClosing_isFalse() {
      assertThat(fridayNight.isOpen(utc("2025-01-18T05:00:00"))).isFalse(); // Sat 06:00
    }

    @Test
    void isOpen_fridayBeforeOpening_isFalse() {
      assertThat(fridayNight.isOpen(utc("2025-01-17T20:59:59"))).isFalse(); // Fri 21:59:59
    }

    @Test
    void isOpen_sundayMorning_isFalse_becauseSaturdayOpensNoWindow() {
      assertThat(fridayNight.isOpen(utc("2025-01-19T00:00:00"))).isFalse(); // Sun 01:00
    }

    @Test
    void isOpen_fridayMorning_isFalse_becauseThursdayOpensNoWindow() {
      assertThat(fridayNight.isOpen(utc("2025-01-17T02:00:00"))).isFalse(); // Fri 03:00
    }

    @Test
    void nextOpening_saturdayMorning_returnsNow() {
      Instant now = utc("2025-01-18T03:00:00"); // Sat 04:00
      assertThat(fridayNight.nextOpening(now)).isEqualTo(now);
    }

    @Test
    void nextOpening_saturdayAtClosing_returnsNextFridayNight() {
      assertThat(fridayNight.nextOpening(utc("2025-01-18T05:00:00"))) // Sat 06:00
          .isEqualTo(utc("2025-01-24T21:00:00")); // next Fri 22:00
    }

    @Test
    void nextOpening_thursdayNight_returnsFridayNight() {
      assertThat(fridayNight.nextOpening(utc("2025-01-16T23:00:00"))) // Fri 00:00
          .isEqualTo(utc("2025-01-17T21:00:00")); // Fri 22:00
    }

    @Test
    void isOpen_withConsecutiveNights_coversEachNightOnly() {
      WorkingHours nights = oslo("22:00", "06:00", EnumSet.of(MONDAY, TUESDAY));
      assertThat(nights.isOpen(utc("2025-01-14T03:00:00"))).isTrue(); // Tue 04:00, Monday's window
      assertThat(nights.isOpen(utc("2025-01-14T12:00:00"))).isFalse(); // Tue 13:00
      assertThat(nights.isOpen(utc("2025-01-15T03:00:00"))).isTrue(); // Wed 04:00, Tuesday's window
      assertThat(nights.isOpen(utc("2025-01-16T03:00:00"))).isFalse(); // Thu 04:00
    }
  }

  @Nested
  class FullDayWindow {

    @Test
    void isOpen_withOpensEqualToCloses_lastsUntilSameTimeNextDay() {
      WorkingHours mondayNineToNine = oslo("09:00", "09:00", EnumSet.of(MONDAY));
      assertThat(mondayNineToNine.isOpen(utc("2025-01-13T07:59:59"))).isFalse(); // Mon 08:59:59
      assertThat(mondayNineToNine.isOpen(utc("2025-01-13T08:00:00"))).isTrue(); // Mon 09:00
      assertThat(mondayNineToNine.isOpen(utc("2025-01-13T23:30:00"))).isTrue(); // Tue 00:30
      assertThat(mondayNineToNine.isOpen(utc("2025-01-14T08:00:00").minusMillis(1)))
          .isTrue(); // Tue 08:59:59.999
      assertThat(mondayNineToNine.isOpen(utc("2025-01-14T08:00:00"))).isFalse(); // Tue 09:00
    }

    @Test
    void nextOpening_midnightToMidnightEveryDay_isAlwaysNow_evenAcrossDstChanges() {
      WorkingHours always = oslo("00:00", "00:00", EVERY_DAY);
      for (String now :
          new String[] {
            "2025-03-30T00:59:59.999",
            "2025-03-30T01:00:00",
            "2025-03-29T23:00:00", // spring forward
            "2025-10-26T00:30:00",
            "2025-10-26T01:00:00",
            "2025-10-26T01:30:00",
            "2025-10-26T23:00:00"
          }) { // fall back
        assertThat(always.nextOpening(utc(now))).as(now).isEqualTo(utc(now));
      }
    }

    @Test
    void isOpen_fullDayWindowOnFallBackDay_lasts25Hours() {
      WorkingHours sundays = oslo("00:00", "00:00", EnumSet.of(SUNDAY));
      assertThat(sundays.isOpen(utc("2025-10-25T22:00:00"))).isTrue(); // Sun 00:00 CEST
      assertThat(sundays.isOpen(utc("2025-10-26T23:00:00").minusNanos(1)))
          .isTrue(); // Sun 23:59:59.9... CET
      assertThat(sundays.isOpen(utc("2025-10-26T23:00:00")))
          .isFalse(); // Mon 00:00 CET, 25 hours later
    }
  }

  /** Oslo, Sunday 30 March 2025: 02:00 CET (01:00Z) becomes 03:00 CEST. */
  @Nested
  class OsloSpringForward {

    @Test
    void windowAfterTheChange_opensAndClosesAtLocalTimes() {
      WorkingHours sunday = oslo("08:00", "16:00", EnumSet.of(SUNDAY));
      assertThat(sunday.nextOpening(utc("2025-03-29T12:00:00")))
          .isEqualTo(utc("2025-03-30T06:00:00")); // 08:00 CEST
      assertThat(sunday.isOpen(utc("2025-03-30T06:00:00").minusNanos(1))).isFalse();
      assertThat(sunday.isOpen(utc("2025-03-30T14:00:00").minusNanos(1))).isTrue();
      assertThat(sunday.isOpen(utc("2025-03-30T14:00:00"))).isFalse(); // 16:00 CEST
    }

    @Test
    void windowAcrossTheChange_isAnHourShorter() {
      WorkingHours sunday = oslo("01:00", "04:00", EnumSet.of(SUNDAY));
      Instant opening = sunday.nextOpening(utc("2025-03-29T12:00:00"));
      assertThat(opening).isEqualTo(utc("2025-03-30T00:00:00")); // 01:00 CET
      assertThat(sunday.isOpen(utc("2025-03-30T02:00:00").minusNanos(1))).isTrue();
      assertThat(sunday.isOpen(utc("2025-03-30T02:00:00")))
          .isFalse(); // 04:00 CEST: two real hours later
    }

    @Test
    void openingInTheGap_movesLaterByTheGapLength() {
      WorkingHours sunday = oslo("02:30", "10:00", EnumSet.of(SUNDAY));
      assertThat(sunday.nextOpening(utc("2025-03-29T12:00:00")))
          .isEqualTo(utc("2025-03-30T01:30:00")); // 03:30 CEST
      assertThat(sunday.isOpen(utc("2025-03-30T01:30:00").minusNanos(1)))
          .isFalse(); // 03:29:59.9... CEST
      assertThat(sunday.isOpen(utc("2025-03-30T01:00:00"))).isFalse(); // 03:00 CEST, end of the gap
      // The following Sunday the same schedule opens at 02:30 CEST again.
      assertThat(sunday.nextOpening(utc("2025-03-30T08:00:00")))
          .isEqualTo(utc("2025-04-06T00:30:00"));
    }

    @Test
    void closingInTheGap_movesLaterByTheGapLength() {
      WorkingHours sunday = oslo("01:00", "02:30", EnumSet.of(SUNDAY));
      assertThat(sunday.isOpen(utc("2025-03-30T01:15:00"))).isTrue(); // 03:15 CEST
      assertThat(sunday.isOpen(utc("2025-03-30T01:30:00"))).isFalse(); // 03:30 CEST
    }

    @Test
    void windowInsideTheGap_isEmptyThatDay_soNextOpeningIsAWeekLater() {
      // 02:30 resolves to 03:30 CEST, 03:00 is 03:00 CEST: the window would close before it opens.
      WorkingHours sunday = oslo("02:30", "03:00", EnumSet.of(SUNDAY));
      assertThat(sunday.isOpen(utc("2025-03-30T01:00:00"))).isFalse();
      assertThat(sunday.isOpen(utc("2025-03-30T01:30:00"))).isFalse();
      assertThat(sunday.nextOpening(utc("2025-03-29T12:00:00")))
          .isEqualTo(utc("2025-04-06T00:30:00")); // Sun 6 Apr 02:30 CEST
    }

    @Test
    void nightWindowAcrossTheChange_closesAtLocalMorningTime() {
      WorkingHours saturdayNight = oslo("22:00", "06:00", EnumSet.of(SATURDAY));
      assertThat(saturdayNight.nextOpening(utc("2025-03-29T12:00:00")))
          .isEqualTo(utc("2025-03-29T21:00:00")); // Sat 22:00 CET
      assertThat(saturdayNight.isOpen(utc("2025-03-30T04:00:00").minusNanos(1))).isTrue();
      assertThat(saturdayNight.isOpen(utc("2025-03-30T04:00:00")))
          .isFalse(); // Sun 06:00 CEST, 7 hours later
    }
  }

  /**
   * Oslo, Sunday 26 October 2025: 03:00 CEST (01:00Z) becomes 02:00 CET, so 02:00-03:00 happens
   * twice.
   */
  @Nested
  class OsloFallBack {

    @Test
    void windowAfterTheChange_opensAndClosesAtLocalTimes() {
      WorkingHours sunday = oslo("08:00", "16:00", EnumSet.of(SUNDAY));
      assertThat(sunday.nextOpening(utc("2025-10-25T12:00:00")))
          .isEqualTo(utc("2025-10-26T07:00:00")); // 08:00 CET
      assertThat(sunday.isOpen(utc("2025-10-26T15:00:00").minusNanos(1))).isTrue();
      assertThat(sunday.isOpen(utc("2025-10-26T15:00:00"))).isFalse(); // 16:00 CET
    }

    @Test
    void windowAcrossTheChange_isAnHourLonger() {
      WorkingHours sunday = oslo("01:00", "04:00", EnumSet.of(SUNDAY));
      assertThat(sunday.nextOpening(utc("2025-10-25T12:00:00")))
          .isEqualTo(utc("2025-10-25T23:00:00")); // 01:00 CEST
      assertThat(sunday.isOpen(utc("2025-10-26T03:00:00").minusNanos(1))).isTrue();
      assertThat(sunday.isOpen(utc("2025-10-26T03:00:00")))
          .isFalse(); // 04:00 CET: four real hours later
    }

    @Test
    void openingInTheOverlap_usesTheEarlierInstant() {
      WorkingHours sunday = oslo("02:30", "10:00", EnumSet.of(SUNDAY));
      assertThat(sunday.nextOpening(utc("2025-10-25T12:00:00")))
          .isEqualTo(utc("2025-10-26T00:30:00")); // the first 02:30, CEST
    }

    @Test
    void closingInTheOverlap_usesTheEarlierInstant() {
      WorkingHours sunday = oslo("01:00", "02:30", EnumSet.of(SUNDAY));
      assertThat(sunday.isOpen(utc("2025-10-26T00:29:59"))).isTrue(); // 02:29:59 CEST
      assertThat(sunday.isOpen(utc("2025-10-26T00:30:00"))).isFalse(); // 02:30 CEST
      assertThat(sunday.isOpen(utc("2025-10-26T01:15:00"))).isFalse(); // the second 02:15, CET
      assertThat(sunday.nextOpening(utc("2025-10-26T00:30:00")))
          .isEqualTo(utc("2025-11-02T00:00:00"));
    }

    @Test
    void nightWindowAcrossTheChange_closesAtLocalMorningTime() {
      WorkingHours saturdayNight = oslo("22:00", "06:00", EnumSet.of(SATURDAY));
      assertThat(saturdayNight.nextOpening(utc("2025-10-25T12:00:00")))
          .isEqualTo(utc("2025-10-25T20:00:00")); // Sat 22:00 CEST
      assertThat(saturdayNight.isOpen(utc("2025-10-26T05:00:00").minusNanos(1))).isTrue();
      assertThat(saturdayNight.isOpen(utc("2025-10-26T05:00:00")))
          .isFalse(); // Sun 06:00 CET, 9 hours later
    }
  }

  /** New York, Sunday 9 March 2025: 02:00 EST (07:00Z) becomes 03:00 EDT. */
  @Nested
  class NewYorkSpringForward {

    @Test
    void openingInTheGap_movesLaterByTheGapLength() {
      WorkingHours sunday = newYork("02:30", "09:00", EnumSet.of(SUNDAY));
      assertThat(sunday.nextOpening(utc("2025-03-09T02:00:00"))) // Sat 21:00 EST
          .isEqualTo(utc("2025-03-09T07:30:00")); // Sun 03:30 EDT
      assertThat(sunday.isOpen(utc("2025-03-09T07:30:00").minusNanos(1))).isFalse();
      assertThat(sunday.isOpen(utc("2025-03-09T13:00:00").minusNanos(1))).isTrue();
      assertThat(sunday.isOpen(utc("2025-03-09T13:00:00"))).isFalse(); // 09:00 EDT
    }

    @Test
    void weekdayWindows_followLocalTimeBeforeAndAfterTheChange() {
      WorkingHours office = newYork("09:00", "17:00", WEEKDAYS);
      assertThat(office.nextOpening(utc("2025-03-07T22:00:00"))) // Fri 17:00 EST
          .isEqualTo(utc("2025-03-10T13:00:00")); // Mon 09:00 EDT
      assertThat(office.isOpen(utc("2025-03-07T21:59:59"))).isTrue(); // Fri 16:59:59 EST
      assertThat(office.isOpen(utc("2025-03-10T20:59:59"))).isTrue(); // Mon 16:59:59 EDT
      assertThat(office.isOpen(utc("2025-03-10T21:00:00"))).isFalse(); // Mon 17:00 EDT
    }
  }

  /**
   * New York, Sunday 2 November 2025: 02:00 EDT (06:00Z) becomes 01:00 EST, so 01:00-02:00 happens
   * twice.
   */
  @Nested
  class NewYorkFallBack {

    @Test
    void openingInTheOverlap_usesTheEarlierInstant() {
      WorkingHours sunday = newYork("01:30", "01:45", EnumSet.of(SUNDAY));
      assertThat(sunday.nextOpening(utc("2025-11-02T04:00:00"))) // Sun 00:00 EDT
          .isEqualTo(utc("2025-11-02T05:30:00")); // the first 01:30, EDT
      assertThat(sunday.isOpen(utc("2025-11-02T05:44:59"))).isTrue();
      // The second 01:30-01:45 (EST) is outside the window: the next opening is a week later.
      assertThat(sunday.isOpen(utc("2025-11-02T06:35:00"))).isFalse();
      assertThat(sunday.nextOpening(utc("2025-11-02T06:30:00")))
          .isEqualTo(utc("2025-11-09T06:30:00")); // Sun 9 Nov 01:30 EST
    }

    @Test
    void windowEndingAfterTheOverlap_coversBothPassesThroughIt() {
      WorkingHours sunday = newYork("01:30", "02:00", EnumSet.of(SUNDAY));
      assertThat(sunday.isOpen(utc("2025-11-02T05:30:00"))).isTrue(); // 01:30 EDT
      assertThat(sunday.isOpen(utc("2025-11-02T06:15:00"))).isTrue(); // 01:15 EST
      assertThat(sunday.isOpen(utc("2025-11-02T07:00:00"))).isFalse(); // 02:00 EST
    }

    @Test
    void nightWindowAcrossTheChange_closesAtLocalMorningTime() {
      WorkingHours saturdayNight = newYork("22:00", "06:00", EnumSet.of(SATURDAY));
      assertThat(saturdayNight.isOpen(utc("2025-11-02T02:00:00"))).isTrue(); // Sat 22:00 EDT
      assertThat(saturdayNight.isOpen(utc("2025-11-02T11:00:00").minusNanos(1))).isTrue();
      assertThat(saturdayNight.isOpen(utc("2025-11-02T11:00:00")))
          .isFalse(); // Sun 06:00 EST, 9 hours later
    }
  }

  @Nested
  class Validation {

    private final LocalTime eight = LocalTime.of(8, 0);
    private final LocalTime four = LocalTime.of(16, 0);

    @Test
    void of_nullZone_throwsIllegalArgument() {
      assertThatThrownBy(() -> WorkingHours.of(null, eight, four, WEEKDAYS))
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessage("zone == null");
    }

    @Test
    void of_nullOpens_throwsIllegalArgument() {
      assertThatThrownBy(() -> WorkingHours.of(OSLO, null, four, WEEKDAYS))
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessage("opens == null");
    }

    @Test
    void of_nullCloses_throwsIllegalArgument() {
      assertThatThrownBy(() -> WorkingHours.of(OSLO, eight, null, WEEKDAYS))
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessage("closes == null");
    }

    @Test
    void of_nullDays_throwsIllegalArgument() {
      assertThatThrownBy(() -> WorkingHours.of(OSLO, eight, four, null))
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessage("days == null");
    }

    @Test
    void of_emptyDays_throwsIllegalArgumentSayingItWouldWaitForever() {
      assertThatThrownBy(() -> WorkingHours.of(OSLO, eight, four, Set.of()))
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessage("days is empty: a schedule that never opens would wait forever");
    }

    @Test
    void of_daysContainingNull_throwsIllegalArgument() {
      Set<DayOfWeek> withNull = new HashSet<>();
      withNull.add(MONDAY);
      withNull.add(null);
      assertThatThrownBy(() -> WorkingHours.of(OSLO, eight, four, withNull))
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessage("days contains null");
    }

    @Test
    void isOpen_null_throwsIllegalArgument() {
      assertThatThrownBy(() -> OFFICE.isOpen(null))
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessage("instant == null");
    }

    @Test
    void nextOpening_null_throwsIllegalArgument() {
      assertThatThrownBy(() -> OFFICE.nextOpening(null))
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessage("now == null");
    }

    @Test
    void nextOpening_instantMax_throwsIllegalArgumentNamingTheValue() {
      assertThatThrownBy(() -> OFFICE.nextOpening(Instant.MAX))
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessage("now is outside the supported range of dates: " + Instant.MAX);
    }

    @Test
    void isOpen_instantMin_throwsIllegalArgumentNamingTheValue() {
      assertThatThrownBy(() -> OFFICE.isOpen(Instant.MIN))
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessage("instant is outside the supported range of dates: " + Instant.MIN);
    }

    @Test
    void nextOpening_farButRepresentableInstants_work() {
      Instant farFuture = utc("+100000-01-01T00:00:00");
      assertThat(OFFICE.nextOpening(farFuture))
          .isBetween(farFuture, farFuture.plus(Duration.ofDays(4)));
    }
  }

  @Nested
  class ValueSemantics {

    @Test
    void days_isADefensiveCopy() {
      Set<DayOfWeek> days = EnumSet.of(MONDAY);
      WorkingHours hours = oslo("08:00", "16:00", days);
      days.add(TUESDAY);
      assertThat(hours.days()).containsExactly(MONDAY);
      assertThat(hours.isOpen(utc("2025-01-14T10:00:00"))).isFalse(); // Tue 11:00
    }

    @Test
    void days_isUnmodifiable() {
      assertThatThrownBy(() -> OFFICE.days().add(SATURDAY))
          .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void accessors_returnWhatWasGiven() {
      assertThat(OFFICE.zone()).isEqualTo(OSLO);
      assertThat(OFFICE.opens()).isEqualTo(LocalTime.of(8, 0));
      assertThat(OFFICE.closes()).isEqualTo(LocalTime.of(16, 0));
      assertThat(OFFICE.days()).containsExactly(MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY);
    }

    @Test
    void equals_sameSchedule_isEqualWithSameHashCode() {
      WorkingHours same =
          WorkingHours.of(
              OSLO,
              LocalTime.of(8, 0),
              LocalTime.of(16, 0),
              Set.of(FRIDAY, THURSDAY, WEDNESDAY, TUESDAY, MONDAY));
      assertThat(same).isEqualTo(OFFICE).hasSameHashCodeAs(OFFICE);
    }

    @Test
    void equals_anyDifference_isNotEqual() {
      assertThat(oslo("08:00", "16:00", EnumSet.range(MONDAY, THURSDAY))).isNotEqualTo(OFFICE);
      assertThat(oslo("08:00", "16:30", WEEKDAYS)).isNotEqualTo(OFFICE);
      assertThat(oslo("07:00", "16:00", WEEKDAYS)).isNotEqualTo(OFFICE);
      assertThat(newYork("08:00", "16:00", WEEKDAYS)).isNotEqualTo(OFFICE);
      assertThat(OFFICE).isNotEqualTo(null).isNotEqualTo("WorkingHours");
    }

    @Test
    void toString_showsTimesDayRangeAndZone() {
      assertThat(OFFICE).hasToString("WorkingHours[08:00-16:00 MONDAY..FRIDAY Europe/Oslo]");
    }

    @Test
    void toString_listsSeparateDaysAndPairs() {
      assertThat(newYork("22:00", "06:00", EnumSet.of(MONDAY, WEDNESDAY, THURSDAY, SATURDAY)))
          .hasToString(
              "WorkingHours[22:00-06:00 MONDAY,WEDNESDAY,THURSDAY,SATURDAY America/New_York]");
      assertThat(oslo("00:00", "00:00", EVERY_DAY))
          .hasToString("WorkingHours[00:00-00:00 MONDAY..SUNDAY Europe/Oslo]");
      assertThat(oslo("09:00", "17:00", EnumSet.of(MONDAY, TUESDAY, WEDNESDAY, FRIDAY)))
          .hasToString("WorkingHours[09:00-17:00 MONDAY..WEDNESDAY,FRIDAY Europe/Oslo]");
    }
  }
}
