package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenapi.testkit.FakeTokenServer;
import io.tokenapi.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cache's state machine (fresh, stale, expired), its margins, and its failure handling, driven
 * by a fake clock against a real loopback token endpoint. Nothing here sleeps: time moves only when
 * a test moves it.
 *
 * <p>With the defaults a one-hour token is fresh for 55 minutes, stale until 59:30 and expired
 * after that.
 */
class TokenCacheStateTest {
  private static final Instant T0 = Instant.parse("2025-03-03T10:00:00Z");
  private static final Duration STALE_AT = Duration.ofSeconds(3600 - 300);
  private static final Duration EXPIRED_AT = Duration.ofSeconds(3600 - 30);

  @RegisterExtension final CacheTestClients clients = new CacheTestClients("cache");
  private final FakeTokenServer tokens = clients.tokens;
  private final MutableClock clock = new MutableClock(T0);
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final RecordingListener listener = new RecordingListener();
  private OAuthClient client;

  private OAuthClient.Builder builder() {
    return clients.builder(clock, listener).scheduler(scheduler).random(() -> 0.5);
  }

  private OAuthClient client() {
    client = clients.build(builder());
    return client;
  }

  private void advance(Duration d) {
    clock.advance(d);
  }

  private static List<CompletableFuture<AccessToken>> asyncCallers(OAuthClient client, int n) {
    List<CompletableFuture<AccessToken>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      futures.add(client.getTokenAsync());
    }
    return futures;
  }

  // ---- fresh, stale, expired ----

  @Test
  void getToken_whenFresh_servesCachedTokenWithoutRequest() {
    OAuthClient c = client();
    AccessToken first = c.getToken();

    advance(STALE_AT.minusMillis(1));
    for (int i = 0; i < 100; i++) {
      assertThat(c.getToken()).isSameAs(first);
    }
    assertThat(c.getTokenAsync()).isCompletedWithValue(first);

    assertThat(first.value()).isEqualTo("fake-token-1");
    assertThat(tokens.requestCount()).isEqualTo(1);
    assertThat(listener.refreshed).containsExactly(first.expiresAt());
  }

  @Test
  void getToken_whenStale_servesCachedWithoutWaitingAndRefreshesOnce() throws Exception {
    OAuthClient c = client();
    AccessToken old = c.getToken();
    advance(STALE_AT);
    tokens.holdAnswers();

    // The refresh is held on the server for the whole loop: a caller that waited for it would not
    // get the old token.
    for (int i = 0; i < 50; i++) {
      assertThat(c.getToken()).isSameAs(old);
      assertThat(c.getTokenAsync()).isCompletedWithValue(old);
    }
    tokens.awaitRequestCount(2);
    advance(EXPIRED_AT.minus(STALE_AT).minusMillis(1)); // the last millisecond of the stale window
    assertThat(c.getToken()).isSameAs(old);
    assertThat(tokens.requestCount()).isEqualTo(2);

    tokens.releaseAnswers();
    listener.awaitRefreshed(2);
    assertThat(c.getToken().value()).isEqualTo("fake-token-2");
    assertThat(tokens.requestCount()).isEqualTo(2);
  }

  @Test
  void getToken_whenExpired_callersWaitForTheOneRefresh() throws Exception {
    OAuthClient c = client();
    c.getToken();
    advance(EXPIRED_AT);
    tokens.holdAnswers();

    List<CompletableFuture<AccessToken>> waiting = asyncCallers(c, 20);
    CompletableFuture<AccessToken> blocking =
        Threads.start("test-blocking-caller", c::getToken).result;
    tokens.awaitRequestCount(2);
    assertThat(waiting).noneMatch(CompletableFuture::isDone);

    tokens.releaseAnswers();
    for (CompletableFuture<AccessToken> f : waiting) {
      assertThat(f.get(5, TimeUnit.SECONDS).value()).isEqualTo("fake-token-2");
    }
    assertThat(blocking.get(5, TimeUnit.SECONDS).value()).isEqualTo("fake-token-2");
    assertThat(tokens.requestCount()).isEqualTo(2);
  }

  @Test
  void refresh_storesTheNewTokenBeforeCompletingItsFuture() throws Exception {
    OAuthClient c = client();
    c.getToken();
    advance(EXPIRED_AT);
    tokens.holdAnswers();

    CompletableFuture<AccessToken> seenByFirstCallback =
        c.getTokenAsync().thenApply(t -> c.cachedToken());
    tokens.awaitRequestCount(2);
    tokens.releaseAnswers();

    // The dependent stage runs the moment the caller's future completes: the new token must already
    // be cached.
    assertThat(seenByFirstCallback.get(5, TimeUnit.SECONDS).value()).isEqualTo("fake-token-2");
  }

  // ---- margins ----

  @Test
  void getToken_withTwoSecondToken_isFreshForOneSecondAndStaleUntil1800Millis() throws Exception {
    tokens.tokenLifetime(Duration.ofSeconds(2));
    OAuthClient c = client();
    AccessToken first = c.getToken();

    advance(Duration.ofMillis(999));
    assertThat(c.getToken()).isSameAs(first);
    assertThat(tokens.requestCount()).isEqualTo(1);

    advance(Duration.ofMillis(1)); // 1000 ms: stale, half the lifetime before expiry
    tokens.holdAnswers();
    assertThat(c.getToken()).isSameAs(first);
    tokens.awaitRequestCount(2);

    advance(Duration.ofMillis(799)); // 1799 ms: still served
    assertThat(c.getToken()).isSameAs(first);

    advance(Duration.ofMillis(1)); // 1800 ms: expired, a tenth of the lifetime before expiry
    CompletableFuture<AccessToken> waiting = c.getTokenAsync();
    assertThat(waiting).isNotDone();

    tokens.releaseAnswers();
    assertThat(waiting.get(5, TimeUnit.SECONDS).value()).isEqualTo("fake-token-2");
    assertThat(tokens.requestCount()).isEqualTo(2);
  }

  @Test
  void getToken_withoutExpiresIn_livesDefaultTokenLifetime() throws Exception {
    tokens.omitExpiresIn(true);
    client = clients.build(builder().defaultTokenLifetime(Duration.ofMinutes(20)));
    AccessToken first = client.getToken();
    assertThat(first.expiresAt()).isEqualTo(T0.plus(Duration.ofMinutes(20)));

    advance(Duration.ofMinutes(15).minusMillis(1)); // refreshAhead 5 min before expiry
    assertThat(client.getToken()).isSameAs(first);
    assertThat(tokens.requestCount()).isEqualTo(1);

    advance(Duration.ofMillis(1));
    assertThat(client.getToken()).isSameAs(first);
    listener.awaitRefreshed(2);
    assertThat(tokens.requestCount()).isEqualTo(2);
  }

  @Test
  void getToken_withoutExpiresInAndDefaultSettings_livesFiveMinutesAndIsCached() {
    tokens.omitExpiresIn(true);
    OAuthClient c = client();
    AccessToken first = c.getToken();
    assertThat(first.expiresAt()).isEqualTo(T0.plus(OAuthClient.DEFAULT_TOKEN_LIFETIME));

    // refreshAhead shrinks to half of five minutes: fresh for 2.5 minutes.
    advance(Duration.ofSeconds(150).minusMillis(1));
    assertThat(c.getToken()).isSameAs(first);
    assertThat(tokens.requestCount()).isEqualTo(1);
  }

  @Test
  void
      getToken_withExpiresInZero_handsTheTokenToItsCallers_andTheNextRequestWaitsMinRefreshInterval()
          throws Exception {
    tokens.tokenLifetime(Duration.ZERO);
    OAuthClient c = client();

    AccessToken first = c.getToken();
    assertThat(first.value()).isEqualTo("fake-token-1");
    assertThat(first.expiresAt()).isEqualTo(T0);

    // Never served from cache; the next request waits for minRefreshInterval (1 s, #14), and all
    // callers meanwhile share it.
    List<CompletableFuture<AccessToken>> waiting = asyncCallers(c, 10);
    assertThat(tokens.requestCount()).isEqualTo(1);
    // getTokenAsync hands the refresh to the client's thread, which schedules the 1 s wait: moving
    // the clock before that wait is scheduled would leave it a second in the future for good.
    scheduler.awaitPending();
    scheduler.advance(Duration.ofSeconds(1));
    for (CompletableFuture<AccessToken> f : waiting) {
      assertThat(f.get(5, TimeUnit.SECONDS).value()).isEqualTo("fake-token-2");
    }
    assertThat(tokens.requestCount()).isEqualTo(2);
  }

  // ---- failures ----

  @Test
  void getToken_whenBackgroundRefreshFailsDuringStale_servesOldTokenAndRetriesOnlyAfterBackoff()
      throws Exception {
    // One attempt per background refresh; with jitter 0.5 the background backoff is half of 10 s.
    client =
        clients.build(
            builder()
                .retryPolicy(
                    RetryPolicy.builder()
                        .maxAttempts(1)
                        .initialBackoff(Duration.ofSeconds(10))
                        .maxBackoff(Duration.ofSeconds(10))
                        .build()));
    AccessToken old = client.getToken();
    advance(STALE_AT);
    tokens.failEveryRequest(500, "TEST", "scripted failure");

    assertThat(backgroundRefreshFails(old)).isInstanceOf(InternalServerErrorException.class);
    servesOldTokenForWaitThenRefreshes(old, Duration.ofSeconds(5));
  }

  @Test
  void getToken_whenExpiredAndServerFails_throwsTypedExceptionAndBoundsRequests() throws Exception {
    client = clients.build(builder().retryPolicy(RetryPolicy.none()));
    client.getToken();
    advance(EXPIRED_AT);
    tokens.failEveryRequest(500, "TEST", "scripted failure").holdAnswers();

    List<CompletableFuture<AccessToken>> waiting = asyncCallers(client, 10);
    CompletableFuture<AccessToken> blocking =
        Threads.start("test-blocking-caller", client::getToken).result;
    tokens.awaitRequestCount(2);
    tokens.releaseAnswers();
    for (CompletableFuture<AccessToken> f : waiting) {
      assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(InternalServerErrorException.class);
    }
    assertThatThrownBy(() -> blocking.get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(InternalServerErrorException.class);

    // Negative caching: with jitter 0.5 the failure is answered for 1.5 s without asking the server
    // again.
    for (int i = 0; i < 50; i++) {
      assertThatThrownBy(client::getToken).isInstanceOf(InternalServerErrorException.class);
    }
    advance(Duration.ofMillis(1499));
    assertThatThrownBy(client::getToken).isInstanceOf(InternalServerErrorException.class);
    assertThat(tokens.requestCount()).isEqualTo(2);

    tokens.stopFailing();
    advance(Duration.ofMillis(1));
    assertThat(client.getToken().value()).isEqualTo("fake-token-2");
    assertThat(tokens.requestCount()).isEqualTo(3);
  }

  @Test
  void getToken_whenStaleAndServerClosedWithRetryAfter_triesAgainNotBeforeRetryAt()
      throws Exception {
    // Default policy: a reopening two minutes away is past maxWait's reach for this refresh, so it
    // fails at once.
    client =
        clients.build(
            builder().retryPolicy(RetryPolicy.builder().maxWait(Duration.ofSeconds(30)).build()));
    AccessToken old = client.getToken();
    advance(STALE_AT);
    Instant retryAt = T0.plus(STALE_AT).plusSeconds(120);
    tokens.closedWhen(now -> true, now -> now.plusSeconds(120));

    assertThat(backgroundRefreshFails(old))
        .isInstanceOfSatisfying(
            ServiceUnavailableException.class, e -> assertThat(e.retryAt()).contains(retryAt));
    servesOldTokenForWaitThenRefreshes(old, Duration.ofSeconds(120));
  }

  /**
   * A stale token's background refresh fails: {@code old} is served at once; returns the failure
   * reported.
   */
  private OAuthException backgroundRefreshFails(AccessToken old) throws Exception {
    assertThat(client.getToken()).isSameAs(old);
    listener.awaitFailed(1);
    return listener.failed.get(0);
  }

  /**
   * After a failed background refresh, {@code old} is served without a new request until {@code
   * wait} has passed; then, with the server working again, one more request refreshes it.
   */
  private void servesOldTokenForWaitThenRefreshes(AccessToken old, Duration wait) throws Exception {
    for (int i = 0; i < 20; i++) {
      assertThat(client.getToken()).isSameAs(old);
    }
    advance(wait.minusMillis(1));
    assertThat(client.getToken()).isSameAs(old);
    assertThat(tokens.requestCount()).isEqualTo(2);

    tokens.stopFailing().alwaysOpen();
    advance(Duration.ofMillis(1));
    assertThat(client.getToken()).isSameAs(old);
    listener.awaitRefreshed(2);
    assertThat(client.getToken().value()).isEqualTo("fake-token-2");
    assertThat(tokens.requestCount()).isEqualTo(3);
  }

  @Test
  void getToken_whenExpiredAndServerClosedWithRetryAfter_failsFastAndProbesOncePerInterval()
      throws Exception {
    client =
        clients.build(
            builder().retryPolicy(RetryPolicy.builder().maxWait(Duration.ofSeconds(30)).build()));
    client.getToken();
    advance(EXPIRED_AT);
    tokens.closedWhen(now -> true, now -> now.plusSeconds(600));

    assertThatThrownBy(client::getToken).isInstanceOf(ServiceUnavailableException.class);
    // Inside closedProbeInterval (5 min, #14) the provider's window holds: no request.
    advance(OAuthClient.DEFAULT_CLOSED_PROBE_INTERVAL.minusMillis(1));
    assertThatThrownBy(client::getToken)
        .isInstanceOfSatisfying(
            ServiceUnavailableException.class,
            e -> assertThat(e.retryAt()).contains(T0.plus(EXPIRED_AT).plusSeconds(600)));
    assertThat(tokens.requestCount()).isEqualTo(2);

    // Then one probe; a probe that gets a token ends the window.
    tokens.alwaysOpen();
    advance(Duration.ofMillis(1));
    assertThat(client.getToken().value()).isEqualTo("fake-token-2");
  }

  // ---- refresh, invalidate, async ----

  @Test
  void refresh_whenTokenIsFresh_fetchesANewTokenAndCachesIt() {
    OAuthClient c = client();
    c.getToken();

    AccessToken refreshed = c.refresh();

    assertThat(refreshed.value()).isEqualTo("fake-token-2");
    assertThat(c.getToken()).isSameAs(refreshed);
    assertThat(tokens.requestCount()).isEqualTo(2);
  }

  @Test
  void refresh_whileARefreshIsInFlight_joinsIt() throws Exception {
    OAuthClient c = client();
    tokens.holdAnswers();
    CompletableFuture<AccessToken> first = c.getTokenAsync();
    tokens.awaitRequestCount(1);

    Threads.Caller<AccessToken> refresher = Threads.start("test-refresher", c::refresh);
    Threads.awaitParked(refresher.thread);
    tokens.releaseAnswers();

    assertThat(refresher.result.get(5, TimeUnit.SECONDS).value()).isEqualTo("fake-token-1");
    assertThat(first.get(5, TimeUnit.SECONDS).value()).isEqualTo("fake-token-1");
    assertThat(tokens.requestCount()).isEqualTo(1);
  }

  @Test
  void invalidate_ofTheCachedToken_causesOneRefresh() {
    OAuthClient c = client();
    AccessToken rejected = c.getToken();

    c.invalidate(rejected);
    c.invalidate(rejected);

    assertThat(c.getToken().value()).isEqualTo("fake-token-2");
    assertThat(c.getToken().value()).isEqualTo("fake-token-2");
    assertThat(tokens.requestCount()).isEqualTo(2);
  }

  @Test
  void invalidate_ofAnOldTokenAfterANewOneIsCached_isANoOp() {
    OAuthClient c = client();
    AccessToken old = c.getToken();
    AccessToken current = c.refresh();

    c.invalidate(old);

    assertThat(c.getToken()).isSameAs(current);
    assertThat(tokens.requestCount()).isEqualTo(2);
  }

  @Test
  void invalidate_withoutArgument_forgetsTheToken() {
    OAuthClient c = client();
    c.getToken();

    c.invalidate();

    assertThat(c.cachedToken()).isNull();
    assertThat(c.getToken().value()).isEqualTo("fake-token-2");
  }

  @Test
  void getTokenAsync_whenARetryIsNeeded_schedulesTheWaitInsteadOfSleeping() throws Exception {
    OAuthClient c = client();
    tokens.enqueueError(500, "TEST", "scripted failure");

    CompletableFuture<AccessToken> future = c.getTokenAsync();
    listener.awaitRetries(1);
    scheduler.awaitPending();
    assertThat(future).isNotDone();
    assertThat(scheduler.scheduledDelays())
        .containsExactly(250L); // full jitter 0.5 of the 500 ms first backoff

    scheduler.advance(Duration.ofMillis(250));
    assertThat(future.get(5, TimeUnit.SECONDS).value()).isEqualTo("fake-token-1");
    assertThat(tokens.requestCount()).isEqualTo(2);
  }
}
