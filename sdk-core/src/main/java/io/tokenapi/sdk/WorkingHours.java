package io.tokenapi.sdk;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The provider's weekly opening hours: a daily window in a time zone, on a set of opening days.
 *
 * <p>The client uses it to wait out a {@code 503} ("closed: non-working hours") that came without
 * {@code Retry-After}: it waits until {@link #nextOpening(Instant)}.
 *
 * <p>A window opens at {@code opens} local time on each of {@code days} and closes at {@code
 * closes}:
 *
 * <ul>
 *   <li>{@code opens < closes}: the same day, e.g. {@code 08:00-16:00};
 *   <li>{@code closes < opens}: the next day, e.g. {@code 22:00-06:00} opening on Friday is open
 *       from Friday 22:00 to Saturday 06:00 (the window belongs to the day on which it opens);
 *   <li>{@code opens == closes}: a full day, from {@code opens} until {@code opens} the next day.
 * </ul>
 *
 * Windows include their opening instant and exclude their closing instant. Windows of neighbouring
 * days may overlap or touch; the schedule is open when any window is.
 *
 * <p>Times are local wall-clock times in the zone, so a window keeps its local times across
 * daylight saving changes: {@code 08:00-16:00} lasts 7 or 9 hours of real time when the clocks
 * change inside it, and a full-day window lasts 23 or 25 hours on such days. Each local time is
 * resolved as {@link ZonedDateTime#of} does:
 *
 * <ul>
 *   <li>in a gap (clocks spring forward), the time is moved later by the length of the gap, so an
 *       opening at 02:30 on a day the clocks jump from 02:00 to 03:00 happens at 03:30;
 *   <li>in an overlap (clocks fall back), the earlier of the two instants is used.
 * </ul>
 *
 * On the rare day where this puts the resolved closing at or before the resolved opening (for
 * example {@code 02:30-03:00} on a day the clocks jump from 02:00 to 03:00), that day's window is
 * empty.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class WorkingHours {

  /**
   * Looked-at opening days before {@code now}'s local date: a window may open a day earlier and
   * still run.
   */
  private static final int DAYS_BEFORE = 2;

  /**
   * Opening days looked at after {@code now}'s local date in the first pass: a full week plus a day
   * of slack for offsets that change by up to a day. Only days in {@link #days} are resolved, so
   * this is at most 8 windows for a five-day week.
   */
  private static final int DAYS_AFTER = 8;

  /**
   * A second week, needed only when the single opening day of the first week has an empty window.
   */
  private static final int DAYS_AFTER_MAX = 15;

  private final ZoneId zone;
  private final LocalTime opens;
  private final LocalTime closes;
  private final Set<DayOfWeek> days;

  private WorkingHours(ZoneId zone, LocalTime opens, LocalTime closes, Set<DayOfWeek> days) {
    this.zone = zone;
    this.opens = opens;
    this.closes = closes;
    this.days = days;
  }

  /**
   * Returns opening hours from {@code opens} to {@code closes} local time in {@code zone}, on
   * {@code days}.
   *
   * @param zone the time zone in which {@code opens} and {@code closes} are read, e.g. {@code
   *     Europe/Oslo}
   * @param opens the local time at which each window opens (inclusive)
   * @param closes the local time at which each window closes (exclusive); before {@code opens} for
   *     a window that closes the next day, equal to {@code opens} for a window that lasts a full
   *     day
   * @param days the days on which a window opens; copied, so later changes to the set have no
   *     effect
   * @return the opening hours
   * @throws IllegalArgumentException if an argument is null, {@code days} contains null, or {@code
   *     days} is empty
   */
  public static WorkingHours of(
      ZoneId zone, LocalTime opens, LocalTime closes, Set<DayOfWeek> days) {
    if (zone == null) {
      throw new IllegalArgumentException("zone == null");
    }
    if (opens == null) {
      throw new IllegalArgumentException("opens == null");
    }
    if (closes == null) {
      throw new IllegalArgumentException("closes == null");
    }
    if (days == null) {
      throw new IllegalArgumentException("days == null");
    }
    EnumSet<DayOfWeek> copy = EnumSet.noneOf(DayOfWeek.class);
    // Iterate rather than call contains(null): some sets (Set.of) throw on it.
    for (DayOfWeek day : days) {
      if (day == null) {
        throw new IllegalArgumentException("days contains null");
      }
      copy.add(day);
    }
    if (copy.isEmpty()) {
      throw new IllegalArgumentException(
          "days is empty: a schedule that never opens would wait forever");
    }
    return new WorkingHours(zone, opens, closes, Collections.unmodifiableSet(copy));
  }

  /**
   * Returns the time zone in which {@link #opens()} and {@link #closes()} are read.
   *
   * @return the zone
   */
  public ZoneId zone() {
    return zone;
  }

  /**
   * Returns the local time at which each window opens (inclusive).
   *
   * @return the opening time
   */
  public LocalTime opens() {
    return opens;
  }

  /**
   * Returns the local time at which each window closes (exclusive): on the opening day when after
   * {@link #opens()}, otherwise on the next day.
   *
   * @return the closing time
   */
  public LocalTime closes() {
    return closes;
  }

  /**
   * Returns the days on which a window opens.
   *
   * @return an unmodifiable, non-empty set in {@link DayOfWeek} order
   */
  public Set<DayOfWeek> days() {
    return days;
  }

  /**
   * Tells whether the schedule is open at {@code instant}.
   *
   * @param instant the instant to check
   * @return true if a window contains {@code instant}
   * @throws IllegalArgumentException if {@code instant} is null or so close to {@link Instant#MIN}
   *     or {@link Instant#MAX} that it has no date in {@link #zone()}
   */
  public boolean isOpen(Instant instant) {
    if (instant == null) {
      throw new IllegalArgumentException("instant == null");
    }
    try {
      return openAt(instant);
    } catch (DateTimeException e) {
      throw outOfRange("instant", instant, e);
    }
  }

  /**
   * Returns the earliest instant at or after {@code now} at which the schedule is open: {@code now}
   * itself when it is open, otherwise the opening of the next window. The schedule is closed at
   * every instant from {@code now} up to (excluding) the result.
   *
   * <p>The result is at most about a week after {@code now} (two weeks if a daylight saving change
   * empties the only window of a week). It is computed from about a week of windows, not by
   * scanning.
   *
   * @param now the instant to start from, usually {@code clock.instant()}
   * @return the earliest open instant that is not before {@code now}
   * @throws IllegalArgumentException if {@code now} is null or so close to {@link Instant#MIN} or
   *     {@link Instant#MAX} that it has no date in {@link #zone()}
   */
  public Instant nextOpening(Instant now) {
    if (now == null) {
      throw new IllegalArgumentException("now == null");
    }
    try {
      if (openAt(now)) {
        return now;
      }
      LocalDate today = LocalDate.ofInstant(now, zone);
      // Not open at now, so the answer is the earliest window opening after now. Openings grow with
      // their date, but take the minimum anyway: resolving local times at DST changes is not
      // strictly monotonic.
      Instant earliest = null;
      for (int offset = -DAYS_BEFORE; offset <= DAYS_AFTER_MAX; offset++) {
        if (earliest != null && offset > DAYS_AFTER) {
          break;
        }
        LocalDate day = today.plusDays(offset);
        if (!days.contains(day.getDayOfWeek())) {
          continue;
        }
        Instant start = start(day);
        if (start.isAfter(now)
            && start.isBefore(end(day))
            && (earliest == null || start.isBefore(earliest))) {
          earliest = start;
        }
      }
      if (earliest == null) {
        // Cannot happen with real zone rules: some opening day in two weeks has a non-empty window.
        throw new IllegalStateException(
            this + " has no opening within " + DAYS_AFTER_MAX + " days of " + now);
      }
      return earliest;
    } catch (DateTimeException e) {
      throw outOfRange("now", now, e);
    }
  }

  /**
   * The end of the window open at {@code now}, or of the next window when the schedule is closed:
   * the closing a token held now has to outlast.
   */
  Instant nextClosing(Instant now) {
    Instant from = nextOpening(now);
    LocalDate today = LocalDate.ofInstant(from, zone);
    Instant closing = null;
    for (LocalDate day = today.minusDays(DAYS_BEFORE);
        !day.isAfter(today.plusDays(1));
        day = day.plusDays(1)) {
      if (days.contains(day.getDayOfWeek()) && windowContains(day, from)) {
        Instant end = end(day);
        if (closing == null || end.isAfter(closing)) {
          closing = end;
        }
      }
    }
    return closing;
  }

  private boolean openAt(Instant instant) {
    LocalDate today = LocalDate.ofInstant(instant, zone);
    // A window opening on today + 1 can already run when the clocks fell back across midnight.
    for (LocalDate day = today.minusDays(DAYS_BEFORE);
        !day.isAfter(today.plusDays(1));
        day = day.plusDays(1)) {
      if (days.contains(day.getDayOfWeek()) && windowContains(day, instant)) {
        return true;
      }
    }
    return false;
  }

  private boolean windowContains(LocalDate day, Instant instant) {
    return !instant.isBefore(start(day)) && instant.isBefore(end(day));
  }

  private Instant start(LocalDate day) {
    return ZonedDateTime.of(day, opens, zone).toInstant();
  }

  private Instant end(LocalDate day) {
    LocalDate closingDay = closes.isAfter(opens) ? day : day.plusDays(1);
    return ZonedDateTime.of(closingDay, closes, zone).toInstant();
  }

  private static IllegalArgumentException outOfRange(
      String name, Instant value, DateTimeException cause) {
    return new IllegalArgumentException(
        name + " is outside the supported range of dates: " + value, cause);
  }

  /**
   * Returns true if {@code other} is a {@code WorkingHours} with the same zone, times and days.
   *
   * @param other the object to compare with; may be null
   * @return whether the two describe the same schedule in the same terms
   */
  @Override
  public boolean equals(Object other) {
    if (this == other) {
      return true;
    }
    if (!(other instanceof WorkingHours)) {
      return false;
    }
    WorkingHours that = (WorkingHours) other;
    return zone.equals(that.zone)
        && opens.equals(that.opens)
        && closes.equals(that.closes)
        && days.equals(that.days);
  }

  /**
   * Returns a hash code consistent with {@link #equals(Object)}.
   *
   * @return the hash code
   */
  @Override
  public int hashCode() {
    return Objects.hash(zone, opens, closes, days);
  }

  /**
   * Returns a summary such as {@code WorkingHours[08:00-16:00 MONDAY..FRIDAY Europe/Oslo]}; runs of
   * consecutive days are shown as {@code FIRST..LAST}, other days separated by commas.
   *
   * @return the summary
   */
  @Override
  public String toString() {
    return "WorkingHours[" + opens + "-" + closes + " " + daysText() + " " + zone + "]";
  }

  private String daysText() {
    StringBuilder text = new StringBuilder();
    DayOfWeek[] all = DayOfWeek.values();
    int i = 0;
    while (i < all.length) {
      if (!days.contains(all[i])) {
        i++;
        continue;
      }
      int last = i;
      while (last + 1 < all.length && days.contains(all[last + 1])) {
        last++;
      }
      if (text.length() > 0) {
        text.append(',');
      }
      text.append(all[i]);
      if (last > i) {
        // Two days read better as a list than as a range.
        text.append(last == i + 1 ? "," : "..").append(all[last]);
      }
      i = last + 1;
    }
    return text.toString();
  }
}
