package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.sdk.logcapture.CapturingLogs;
import io.tokenapi.testkit.MutableClock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.event.Level;

/**
 * With {@link WorkingHours}, a token that would turn stale after the provider closes is renewed in
 * the last minutes before closing, so it lasts as far into the closed period as its lifetime
 * allows; the listener and one INFO line tell, once per closing, when it expires and when the
 * provider reopens.
 */
class ClosingCoverageTest {
  /** Monday to Friday, 08:00 to 18:00 UTC. */
  private static final WorkingHours OFFICE =
      WorkingHours.of(
          ZoneOffset.UTC,
          LocalTime.of(8, 0),
          LocalTime.of(18, 0),
          EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY));

  @RegisterExtension final CacheTestClients clients = new CacheTestClients("closing");
  private final List<OAuthClientListener.ClosingCoverage> coverage = new CopyOnWriteArrayList<>();

  private OAuthClient client(MutableClock clock) {
    return clients.build(
        clients
            .builder(
                clock,
                new OAuthClientListener() {
                  @Override
                  public void onClosingCoverage(ClosingCoverage event) {
                    coverage.add(event);
                  }
                })
            .workingHours(OFFICE)
            .retryPolicy(RetryPolicy.none()));
  }

  @Test
  void weekdayClosing_renewsBeforeClosing_andTellsOnceUntilWhenTheTokenLasts() {
    checkClosing("2026-11-25", Instant.parse("2026-11-26T08:00:00Z")); // Wednesday -> Thursday
  }

  @Test
  void fridayClosing_coversAsFarIntoTheWeekendAsTheLifetimeAllows() {
    checkClosing("2026-11-27", Instant.parse("2026-11-30T08:00:00Z")); // Friday -> Monday
  }

  private void checkClosing(String day, Instant reopens) {
    Instant closes = Instant.parse(day + "T18:00:00Z");
    MutableClock clock = new MutableClock(Instant.parse(day + "T17:10:00Z"));
    OAuthClient client = client(clock);
    AccessToken first = client.getToken(); // expires 18:10: stale at 18:05, after closing
    assertThat(first.expiresAt()).isEqualTo(Instant.parse(day + "T18:10:00Z"));

    try (CapturingLogs logs = CapturingLogs.start()) {
      clock.set(Instant.parse(day + "T17:30:00Z"));
      assertThat(client.getToken()).isSameAs(first);
      assertThat(clients.tokens.requestCount()).as("not yet: too early").isEqualTo(1);

      clock.set(Instant.parse(day + "T17:58:00Z"));
      client.getToken();
      RetryTesting.awaitTrue(
          () -> !client.getToken().equals(first), "a renewal in the last minutes before closing");
      AccessToken renewed = client.getToken();
      assertThat(renewed.expiresAt()).isAfterOrEqualTo(Instant.parse(day + "T18:55:00Z"));

      clock.set(Instant.parse(day + "T17:59:00Z"));
      client.getToken();
      clock.set(Instant.parse(day + "T17:59:59Z"));
      client.getToken();
      assertThat(clients.tokens.requestCount()).as("one renewal per closing").isEqualTo(2);

      // Told on the refreshing thread just after the token is stored (INFO first, then the
      // listener).
      RetryTesting.awaitTrue(() -> !coverage.isEmpty(), "the closing coverage event");
      assertThat(coverage).hasSize(1);
      OAuthClientListener.ClosingCoverage told = coverage.get(0);
      assertThat(told.closesAt()).isEqualTo(closes);
      assertThat(told.reopensAt()).isEqualTo(reopens);
      assertThat(told.tokenExpiresAt()).isEqualTo(renewed.expiresAt());
      assertThat(told.uncovered()).isEqualTo(Duration.between(renewed.expiresAt(), reopens));
      assertThat(logs.messages(Level.INFO))
          .filteredOn(m -> m.contains(reopens.toString()) || m.contains("reopens"))
          .hasSize(1);
    }
  }
}
