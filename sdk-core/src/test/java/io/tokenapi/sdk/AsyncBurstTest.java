package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.testkit.FakeTokenServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A burst of async callers on cold caches: every one is served, none is refused because the
 * client's request pool and its queue were full (each caller's slow path used to be its own
 * hand-off to that pool).
 */
class AsyncBurstTest {
  private final FakeTokenServer server = new FakeTokenServer();

  @BeforeEach
  void start() {
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /**
   * The burst before any hand-off ran, made certain: the cache's threads run nothing until every
   * caller has asked. One hand-off is queued for all of them, not one each.
   */
  @Test
  void tokenCache_thousandAsyncCallersBeforeAnyHandOffRan_queueOneHandOff() {
    AtomicInteger fetches = new AtomicInteger();
    CompletableFuture<AccessToken> fetch = new CompletableFuture<>();
    TokenSource source =
        new TokenSource() {
          @Override
          public CompletableFuture<AccessToken> fetch(Fetch f) {
            fetches.incrementAndGet();
            return fetch;
          }

          @Override
          public void reject(AccessToken token) {}

          @Override
          public void close() {}
        };
    ArrayDeque<Runnable> pool = new ArrayDeque<>();
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    TokenCache cache =
        new TokenCache(
            source,
            new Freshness(Duration.ofMinutes(5), Duration.ofSeconds(30)),
            Clock.fixed(now, ZoneOffset.UTC),
            RetryPolicy.defaults(),
            new SafeListener(List.of()),
            () -> 0.5,
            Duration.ofMinutes(5),
            Duration.ofSeconds(1),
            null,
            pool::add);

    List<CompletableFuture<AccessToken>> callers = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      callers.add(cache.getAsync());
    }
    assertThat(pool).hasSize(1);
    pool.poll().run();
    AccessToken token = AccessToken.of("t1", now.plus(Duration.ofHours(1)));
    fetch.complete(token);

    assertThat(fetches).hasValue(1);
    assertThat(callers).allSatisfy(c -> assertThat(c).isCompletedWithValue(token));
    assertThat(pool).isEmpty();
  }

  /**
   * The first caller of a coalesced hand-off cancels its future before the hand-off ran: the
   * callers who joined it are still served (found by CI: the first caller was handed the shared
   * future itself, so its cancel cancelled everyone's).
   */
  @Test
  void tokenCache_firstCallerCancelsBeforeTheHandOffRan_theOthersAreStillServed() {
    CompletableFuture<AccessToken> fetch = new CompletableFuture<>();
    TokenSource source =
        new TokenSource() {
          @Override
          public CompletableFuture<AccessToken> fetch(Fetch f) {
            return fetch;
          }

          @Override
          public void reject(AccessToken token) {}

          @Override
          public void close() {}
        };
    ArrayDeque<Runnable> pool = new ArrayDeque<>();
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    TokenCache cache =
        new TokenCache(
            source,
            new Freshness(Duration.ofMinutes(5), Duration.ofSeconds(30)),
            Clock.fixed(now, ZoneOffset.UTC),
            RetryPolicy.defaults(),
            new SafeListener(List.of()),
            () -> 0.5,
            Duration.ofMinutes(5),
            Duration.ofSeconds(1),
            null,
            pool::add);

    CompletableFuture<AccessToken> first = cache.getAsync();
    CompletableFuture<AccessToken> second = cache.getAsync();
    assertThat(pool).hasSize(1);
    assertThat(first.cancel(true)).isTrue();
    CompletableFuture<AccessToken> third = cache.getAsync();
    pool.poll().run();
    AccessToken token = AccessToken.of("t1", now.plus(Duration.ofHours(1)));
    fetch.complete(token);

    assertThat(first).isCancelled();
    assertThat(second).isCompletedWithValue(token);
    assertThat(third).isCompletedWithValue(token);
  }

  @Test
  void getTokenAsync_thousandCallersOnAColdClient_oneRequestAllServed() throws Exception {
    int callers = 1_000;
    try (OAuthClient client =
        OAuthClient.builder()
            .baseUrl(server.baseUrl())
            .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
            .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
            .build()) {
      List<CompletableFuture<AccessToken>> futures =
          burst(callers, callers, i -> client.getTokenAsync());

      assertThat(failures(futures)).isEmpty();
      assertThat(futures).hasSize(callers);
      assertThat(server.requestCount()).isEqualTo(1);
    }
  }

  @Test
  void getTokenAsync_threeThousandColdTenantsAtOnce_allServed() throws Exception {
    int tenants = 3_000;
    for (int i = 0; i < tenants; i++) {
      server.client("id-t" + i, "secret-t" + i);
    }
    try (TenantTokens tokens =
        TenantTokens.builder()
            .baseUrl(server.baseUrl())
            .credentials(t -> TenantCredentials.clientSecret("id-" + t, "secret-" + t))
            .maxConcurrentRequests(8)
            .build()) {
      List<CompletableFuture<AccessToken>> futures =
          burst(tenants, 30, i -> tokens.getTokenAsync("t" + i));

      assertThat(failures(futures)).isEmpty();
      assertThat(server.requestCount()).isEqualTo(tenants);
      assertThat(server.maxRequestsInFlight()).isLessThanOrEqualTo(8);
    }
  }

  /**
   * {@code calls} calls made by {@code threads} threads released together by a latch, each thread
   * making its share back to back.
   */
  private static List<CompletableFuture<AccessToken>> burst(
      int calls, int threads, java.util.function.IntFunction<CompletableFuture<AccessToken>> call)
      throws InterruptedException {
    AtomicReferenceArray<CompletableFuture<AccessToken>> made = new AtomicReferenceArray<>(calls);
    CountDownLatch ready = new CountDownLatch(threads);
    CountDownLatch go = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(threads);
    int share = calls / threads;
    for (int t = 0; t < threads; t++) {
      int first = t * share;
      Thread thread =
          new Thread(
              () -> {
                ready.countDown();
                try {
                  go.await();
                  for (int i = first; i < first + share; i++) {
                    made.set(i, call.apply(i));
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } finally {
                  done.countDown();
                }
              },
              "burst-" + t);
      thread.setDaemon(true);
      thread.start();
    }
    assertThat(ready.await(30, TimeUnit.SECONDS)).isTrue();
    go.countDown();
    assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
    List<CompletableFuture<AccessToken>> all = new ArrayList<>(calls);
    for (int i = 0; i < calls; i++) {
      all.add(made.get(i));
    }
    return all;
  }

  /** The failures' messages, after every future completed (within 60 s). */
  private static List<String> failures(List<CompletableFuture<AccessToken>> futures)
      throws Exception {
    CompletableFuture.allOf(
            futures.stream().map(f -> f.handle((t, e) -> null)).toArray(CompletableFuture[]::new))
        .get(60, TimeUnit.SECONDS);
    List<String> failed = new ArrayList<>();
    for (CompletableFuture<AccessToken> f : futures) {
      f.handle(
              (t, e) -> {
                if (e != null) {
                  failed.add(String.valueOf(e));
                }
                return null;
              })
          .join();
    }
    // A summary, not 1,000 lines: how many, and the first.
    return failed.isEmpty() ? failed : List.of(failed.size() + " failed, first: " + failed.get(0));
  }
}
