package io.tokenapi.sdk;

import static io.tokenapi.sdk.RetryTesting.awaitTrue;
import static io.tokenapi.sdk.RetryTesting.drive;
import static io.tokenapi.sdk.RetryTesting.join;
import static io.tokenapi.sdk.RetryTesting.status;
import static io.tokenapi.sdk.RetryTesting.token;
import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retries seen through the cache: one retry loop per client, and a stale token stays in service
 * during a 503.
 */
class RetryWithCacheTest {
  private static final Instant START = Instant.parse("2026-11-25T10:00:00Z");

  /**
   * Tokens live an hour; they turn stale 5 minutes before expiry and expire 30 seconds before it.
   */
  private static final Duration INTO_STALE = Duration.ofMinutes(56);

  @StartStop final MockWebServer server = new MockWebServer();
  private final MutableClock clock = new MutableClock(START);
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final AtomicInteger refreshFailures = new AtomicInteger();
  private OAuthClient client;

  @BeforeEach
  void buildClient() {
    client =
        OAuthClient.builder()
            .baseUrl(server.url("/"))
            .clientId("id")
            .clientSecret("secret")
            .clock(clock)
            .scheduler(scheduler)
            .random(() -> 0.0)
            .listener(
                new OAuthClientListener() {
                  @Override
                  public void onFetchEnded(FetchEnded event) {
                    if (event.failure() != null) {
                      refreshFailures.incrementAndGet();
                    }
                  }
                })
            .build();
  }

  @AfterEach
  void close() {
    client.close();
  }

  private AccessToken firstToken() {
    server.enqueue(token("t1"));
    AccessToken t1 = drive(scheduler, client.getTokenAsync());
    assertThat(t1.value()).isEqualTo("t1");
    return t1;
  }

  @Test
  void staleRefreshMeeting503_keepsServingTheValidToken_whileItWaits() {
    firstToken();
    clock.advance(INTO_STALE);
    server.enqueue(status(503, "30"));
    server.enqueue(token("t2"));

    assertThat(client.getToken().value()).isEqualTo("t1");
    awaitTrue(() -> scheduler.pending() == 1, "the background refresh to schedule its wait");
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofSeconds(5));
      assertThat(client.getToken().value()).isEqualTo("t1");
    }
    assertThat(server.getRequestCount()).isEqualTo(2);

    scheduler.runNext();

    awaitTrue(() -> client.getToken().value().equals("t2"), "the retried refresh to store t2");
    assertThat(scheduler.scheduledDelays()).containsExactly(30_000L);
    assertThat(server.getRequestCount()).isEqualTo(3);
    assertThat(refreshFailures).hasValue(0);
  }

  @Test
  void staleRefreshGivingUpOn503_keepsServingTheValidToken_andTriesAgainOnlyAtRetryAt() {
    firstToken();
    clock.advance(INTO_STALE);
    server.enqueue(
        status(503, "120")); // beyond the default maxWait of 60 s: the refresh fails at once

    assertThat(client.getToken().value()).isEqualTo("t1");
    awaitTrue(() -> refreshFailures.get() == 1, "the background refresh to fail");
    for (int i = 0; i < 4; i++) {
      clock.advance(Duration.ofSeconds(29));
      assertThat(client.getToken().value()).isEqualTo("t1");
    }
    assertThat(server.getRequestCount()).isEqualTo(2);

    clock.advance(Duration.ofSeconds(5)); // 121 s after the 503: past its retryAt
    server.enqueue(token("t2"));
    assertThat(client.getToken().value()).isEqualTo("t1");
    awaitTrue(
        () -> client.getToken().value().equals("t2"), "the next background refresh to store t2");
    assertThat(server.getRequestCount()).isEqualTo(3);
    assertThat(scheduler.scheduledDelays()).isEmpty();
  }

  @Test
  void concurrentCallersDuringA503Wait_shareOneRetryLoop() throws InterruptedException {
    server.enqueue(status(503, "30"));
    server.enqueue(token("t1"));
    List<CompletableFuture<AccessToken>> futures = new ArrayList<>();
    futures.add(client.getTokenAsync());
    awaitTrue(() -> scheduler.pending() == 1, "the first caller's retry loop to schedule its wait");

    for (int i = 0; i < 9; i++) {
      futures.add(client.getTokenAsync());
    }
    List<Thread> blocked = new ArrayList<>();
    List<String> syncResults = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int i = 0; i < 3; i++) {
      Thread t = new Thread(() -> syncResults.add(client.getToken().value()), "sync-caller-" + i);
      t.start();
      blocked.add(t);
    }
    for (Thread t : blocked) {
      awaitTrue(
          () -> t.getState() == Thread.State.WAITING,
          t.getName() + " to block on the shared refresh");
    }

    scheduler.runNext();

    for (CompletableFuture<AccessToken> f : futures) {
      assertThat(join(f).value()).isEqualTo("t1");
    }
    for (Thread t : blocked) {
      t.join(RetryTesting.PATIENCE.toMillis());
    }
    assertThat(syncResults).containsExactly("t1", "t1", "t1");
    assertThat(server.getRequestCount()).isEqualTo(2);
    assertThat(scheduler.scheduledDelays()).containsExactly(30_000L);
  }
}
