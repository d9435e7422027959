package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tokenapi.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A {@code 503 Retry-After: 86400} (a load balancer during a two-minute deploy) must not lock the
 * client out for a day: during the window the client sends at most one probe per {@code
 * closedProbeInterval} (default 5 minutes), and the window ends when a probe succeeds.
 */
class ClosedWindowProbeTest {
  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

  @RegisterExtension final CacheTestClients clients = new CacheTestClients("probe");
  private final MutableClock clock = new MutableClock(NOW);

  @Test
  void dayLongRetryAfter_withoutAToken_isProbedAfterFiveMinutes_andAProbeEndsIt() {
    clients.tokens.enqueueClosed(Duration.ofDays(1));
    OAuthClient client =
        clients.build(
            clients.builder(clock, new OAuthClientListener() {}).retryPolicy(RetryPolicy.none()));

    ServiceUnavailableException closed =
        catchThrowableOfType(ServiceUnavailableException.class, client::getToken);
    assertThat(closed.retryAt()).contains(NOW.plusSeconds(86400));

    // Inside the probe interval the provider's window holds: no request storm.
    for (int i = 0; i < 29; i++) {
      clock.advance(Duration.ofSeconds(10));
      catchThrowableOfType(ServiceUnavailableException.class, client::getToken);
    }
    assertThat(clients.tokens.requestCount()).as("no request within 5 minutes").isEqualTo(1);

    clock.set(NOW.plus(Duration.ofMinutes(6)));
    AccessToken token = client.getToken();
    assertThat(token.value()).startsWith("fake-token-");
    assertThat(clients.tokens.requestCount()).isEqualTo(2);
    assertThat(client.getToken()).isSameAs(token);
  }

  @Test
  void dayLongRetryAfter_onABackgroundRefresh_doesNotStopRefreshingTheStaleToken() {
    AtomicInteger failed = new AtomicInteger();
    OAuthClient client =
        clients.build(
            clients
                .builder(
                    clock,
                    new OAuthClientListener() {
                      @Override
                      public void onFetchEnded(FetchEnded event) {
                        if (event.failure() != null) {
                          failed.incrementAndGet();
                        }
                      }
                    })
                .retryPolicy(RetryPolicy.none())
                .refreshAhead(Duration.ofMinutes(20)));
    AccessToken first = client.getToken();
    clients.tokens.enqueueClosed(Duration.ofDays(1));

    clock.set(NOW.plus(Duration.ofMinutes(41))); // stale: refreshed in the background
    assertThat(client.getToken()).isSameAs(first);
    RetryTesting.awaitTrue(() -> failed.get() == 1, "the background refresh to fail");

    clock.set(NOW.plus(Duration.ofMinutes(44)));
    assertThat(client.getToken()).isSameAs(first);
    assertThat(clients.tokens.requestCount()).as("the window holds between probes").isEqualTo(2);

    clock.set(NOW.plus(Duration.ofMinutes(47)));
    assertThat(client.getToken()).isSameAs(first);
    RetryTesting.awaitTrue(
        () -> !client.getToken().equals(first), "a probe that refreshes the stale token");
    assertThat(client.getToken().value()).startsWith("fake-token-");
  }

  @Test
  void aProbeThatMeetsATransientError_isOneRequest_notARetryLoop() {
    clients.tokens.enqueueClosed(Duration.ofDays(1));
    OAuthClient client =
        clients.build(
            clients
                .builder(clock, new OAuthClientListener() {})
                .retryPolicy(
                    RetryPolicy.builder()
                        .maxAttempts(4)
                        .initialBackoff(Duration.ofMillis(1))
                        .maxBackoff(Duration.ofMillis(2))
                        .build()));
    catchThrowableOfType(ServiceUnavailableException.class, client::getToken);
    assertThat(clients.tokens.requestCount()).isEqualTo(1);

    // The probe after closedProbeInterval meets a 500 (the provider is still deploying): the
    // default policy would retry it up to maxAttempts; a probe is one request.
    clients.tokens.enqueueError(500, "internal", "still deploying");
    clock.set(NOW.plus(Duration.ofMinutes(6)));
    catchThrowableOfType(InternalServerErrorException.class, client::getToken);
    assertThat(clients.tokens.requestCount()).as("one probe request").isEqualTo(2);
  }
}
