package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.sdk.logcapture.CapturingLogs;
import io.tokenapi.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.event.Level;

/**
 * Tokens that arrive already (nearly) expired, {@code expires_in: 0} or a lifetime shorter than the
 * margins: callers that waited get them, but the client sends at most one token request per {@code
 * minRefreshInterval} (default 1 second) and logs one WARN naming the lifetime.
 */
class NearlyExpiredTokenTest {
  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

  @RegisterExtension final CacheTestClients clients = new CacheTestClients("expired");
  private final MutableClock clock = new MutableClock(NOW);
  private final ManualScheduler scheduler = new ManualScheduler(clock);

  @Test
  void expiresInZero_atMostOneRequestPerSecond_andOneWarn() {
    clients.tokens.tokenLifetime(Duration.ZERO);
    OAuthClient client =
        clients.build(
            clients
                .builder(clock, new OAuthClientListener() {})
                .retryPolicy(RetryPolicy.none())
                .scheduler(scheduler));
    try (CapturingLogs logs = CapturingLogs.start()) {
      for (int i = 0; i < 30; i++) {
        AccessToken token = RetryTesting.drive(scheduler, client.getTokenAsync());
        assertThat(token.value()).startsWith("fake-token-");
        clock.advance(Duration.ofMillis(100));
      }
      long elapsedSeconds = Duration.between(NOW, clock.instant()).toSeconds();
      assertThat(clients.tokens.requestCount())
          .as("token requests in %s s of calls every 100 ms", elapsedSeconds)
          .isLessThanOrEqualTo((int) elapsedSeconds + 2);
      assertThat(logs.messages(Level.WARN)).filteredOn(m -> m.contains("lifetime")).hasSize(1);
    }
  }
}
