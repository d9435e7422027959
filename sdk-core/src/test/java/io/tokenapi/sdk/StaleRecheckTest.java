package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/**
 * A refresh that lands between the fast path's read and the slow path's re-read must not start
 * another request. The benchmarks' refresh-boundary run found this race (a second request at most
 * stale crossings); here a clock hook makes the interleaving happen every time.
 */
class StaleRecheckTest {
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  @StartStop final MockWebServer server = new MockWebServer();
  private final AtomicInteger issued = new AtomicInteger();

  @Test
  void getToken_whenARefreshLandsBetweenTheTwoReads_sendsNoSecondRequest() throws Exception {
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            return new MockResponse.Builder()
                .body(
                    "{\"access_token\":\"t" + issued.incrementAndGet() + "\",\"expires_in\":3600}")
                .build();
          }
        });
    MutableClock clock = new MutableClock(T0);
    try (OAuthClient client =
        OAuthClient.builder()
            .baseUrl(server.url("/").toString())
            .clientId("id")
            .clientSecret("secret")
            .clock(clock)
            .build()) {
      assertThat(client.getToken().value()).isEqualTo("t1");
      clock.set(T0.plus(Duration.ofMinutes(56))); // inside the 5-minute refresh-ahead window: stale
      // Read 0: the fast path's clock read; read 1: the slow path's.
      clock.beforeRead(
          1,
          () -> {
            // Another thread's refresh completes while this caller is between its two reads of the
            // cache.
            Thread other = new Thread(client::refresh);
            other.start();
            try {
              other.join(5_000);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });

      assertThat(client.getToken().value()).isEqualTo("t2");

      // Still open, so a request started by mistake would reach the server.
      assertThat(server.takeRequest(1, TimeUnit.SECONDS)).isNotNull();
      assertThat(server.takeRequest(1, TimeUnit.SECONDS)).isNotNull();
      assertThat(server.takeRequest(500, TimeUnit.MILLISECONDS))
          .as("a third token request")
          .isNull();
      assertThat(issued.get()).isEqualTo(2);
    }
  }
}
