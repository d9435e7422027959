package io.tokenapi.sdk;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Parses {@code Retry-After}: delta-seconds or an HTTP-date (RFC 9110 10.2.3, with the obsolete
 * date forms).
 */
final class RetryAfter {
  /**
   * A server that asks for more than this is treated as asking for this: nobody waits a year for a
   * token.
   */
  static final Duration MAX = Duration.ofDays(7);

  /** Longer values are not a delta or a date: ignored rather than parsed. */
  private static final int MAX_LENGTH = 64;

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");
  private static final List<DateTimeFormatter> HTTP_DATES =
      List.of(
          DateTimeFormatter.RFC_1123_DATE_TIME,
          DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss zzz", Locale.US),
          DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss yyyy", Locale.US)
              .withZone(ZoneOffset.UTC));

  private RetryAfter() {}

  /**
   * The instant a {@code Retry-After} value names, or null when the value is absent, negative or
   * garbage. A date in the past means "now"; anything later than {@link #MAX} from now means {@code
   * now + MAX}.
   */
  static Instant parse(String header, Instant now) {
    if (header == null) {
      return null;
    }
    String value = header.trim();
    if (value.isEmpty() || value.length() > MAX_LENGTH) {
      return null;
    }
    if (isDigits(value)) {
      long seconds;
      try {
        seconds = Long.parseLong(value);
      } catch (NumberFormatException tooLarge) {
        seconds = Long.MAX_VALUE;
      }
      return now.plus(seconds > MAX.getSeconds() ? MAX : Duration.ofSeconds(seconds));
    }
    // asctime pads a one-digit day with a space ("Nov  6"): one space between fields is what the
    // formats expect.
    value = WHITESPACE.matcher(value).replaceAll(" ");
    for (DateTimeFormatter format : HTTP_DATES) {
      try {
        Instant at = ZonedDateTime.parse(value, format).toInstant();
        if (at.isBefore(now)) {
          return now;
        }
        Instant latest = now.plus(MAX);
        return at.isAfter(latest) ? latest : at;
      } catch (DateTimeParseException | ArithmeticException ignored) {
        // try the next form
      }
    }
    return null;
  }

  private static boolean isDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
