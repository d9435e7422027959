package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A 10-minute outage of the token endpoint (every request answered 500) under steady traffic (a
 * caller every 100 ms), in fake time: the window in which callers get the remembered failure grows
 * with consecutive failed refreshes (full jitter, capped) and is reset by a success, so an instance
 * sends few token requests per minute late in the outage and still recovers soon after it ends.
 * Prints one {@code OUTAGE} line with the token requests per minute.
 */
class OutageDampingTest {
  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
  private static final Duration OUTAGE = Duration.ofMinutes(10);
  private static final Duration CALL_EVERY = Duration.ofMillis(100);

  @RegisterExtension final CacheTestClients clients = new CacheTestClients("outage");
  private final MutableClock clock = new MutableClock(NOW);
  private final ManualScheduler scheduler = new ManualScheduler(clock);

  @Test
  void tenMinuteOutage_tokenRequestsPerMinuteFall_andTheClientRecoversSoonAfter() {
    Random random = new Random(14);
    OAuthClient client =
        clients.build(
            clients
                .builder(clock, new OAuthClientListener() {})
                .scheduler(scheduler)
                .random(random::nextDouble));
    clients.tokens.failEveryRequest(500, "TEST", "outage");

    List<Integer> perMinute = new ArrayList<>();
    int before = 0;
    Instant minuteEnds = NOW.plus(Duration.ofMinutes(1));
    Instant outageEnds = NOW.plus(OUTAGE);
    while (clock.instant().isBefore(outageEnds)) {
      call(client);
      clock.advance(CALL_EVERY);
      while (!clock.instant().isBefore(minuteEnds) && perMinute.size() < OUTAGE.toMinutes()) {
        perMinute.add(clients.tokens.requestCount() - before);
        before = clients.tokens.requestCount();
        minuteEnds = minuteEnds.plus(Duration.ofMinutes(1));
      }
    }
    System.out.println("OUTAGE token requests per minute, 10-minute 500 outage: " + perMinute);

    clients.tokens.stopFailing();
    Instant recovered = null;
    while (recovered == null && clock.instant().isBefore(outageEnds.plus(Duration.ofMinutes(10)))) {
      if (call(client) != null) {
        recovered = clock.instant();
      }
      clock.advance(CALL_EVERY);
    }
    System.out.println(
        "OUTAGE first token "
            + (recovered == null ? "none" : Duration.between(outageEnds, recovered))
            + " after the outage ended; requests in all "
            + clients.tokens.requestCount());

    int lastFive = perMinute.subList(5, 10).stream().mapToInt(Integer::intValue).sum();
    assertThat(lastFive / 5.0)
        .as("token requests per minute in minutes 5 to 10: %s", perMinute)
        .isLessThanOrEqualTo(8.0);
    assertThat(recovered).as("a token soon after the outage ended").isNotNull();
    assertThat(Duration.between(outageEnds, recovered)).isLessThanOrEqualTo(Duration.ofMinutes(6));
  }

  /** One caller: the token, or null when it got a failure; retry waits run in fake time. */
  private AccessToken call(OAuthClient client) {
    CompletableFuture<AccessToken> future = client.getTokenAsync();
    try {
      return RetryTesting.drive(scheduler, future);
    } catch (OAuthException e) {
      return null;
    }
  }
}
