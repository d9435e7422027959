package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code Retry-After} as RFC 9110 10.2.3 defines it: delta-seconds or an HTTP-date, and what
 * servers really send.
 */
class RetryAfterTest {
  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z"); // a Wednesday

  @Test
  void deltaSeconds_isAddedToNow() {
    assertThat(RetryAfter.parse("120", NOW)).isEqualTo(NOW.plusSeconds(120));
    assertThat(RetryAfter.parse(" 7 ", NOW)).isEqualTo(NOW.plusSeconds(7));
    assertThat(RetryAfter.parse("0", NOW)).isEqualTo(NOW);
    assertThat(RetryAfter.parse("007", NOW)).isEqualTo(NOW.plusSeconds(7));
  }

  @Test
  void imfFixdate_isThatInstant() {
    assertThat(RetryAfter.parse("Wed, 25 Nov 2026 10:00:45 GMT", NOW))
        .isEqualTo(NOW.plusSeconds(45));
  }

  @Test
  void obsoleteRfc850Date_isThatInstant() {
    assertThat(RetryAfter.parse("Wednesday, 25-Nov-26 10:01:00 GMT", NOW))
        .isEqualTo(NOW.plusSeconds(60));
  }

  @Test
  void obsoleteAsctimeDate_withSpacePaddedDay_isThatInstant() {
    Instant now = Instant.parse("2026-11-06T10:00:00Z");

    assertThat(RetryAfter.parse("Fri Nov  6 10:00:30 2026", now)).isEqualTo(now.plusSeconds(30));
  }

  @Test
  void dateInThePast_meansNow() {
    assertThat(RetryAfter.parse("Wed, 25 Nov 2026 09:00:00 GMT", NOW)).isEqualTo(NOW);
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(
      strings = {
        "",
        "   ",
        "-5",
        "-0",
        "+5",
        "1.5",
        "1e3",
        "soon",
        "Thu, 99 Foo 2026 10:00:00 GMT",
        "0x10",
        "12345678901234567890123456789012345678901234567890123456789012345"
      })
  void absentNegativeOrGarbage_isIgnored(String header) {
    assertThat(RetryAfter.parse(header, NOW)).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "604801",
        "99999999999",
        "99999999999999999999999",
        "Fri, 25 Nov 2033 10:00:00 GMT"
      })
  void hugeValue_isCappedAtSevenDays(String header) {
    assertThat(RetryAfter.parse(header, NOW)).isEqualTo(NOW.plus(Duration.ofDays(7)));
  }
}
