package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenapi.testkit.FakeTokenServer;
import io.tokenapi.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** TenantTokens against a real loopback token server that knows many clients. */
class TenantTokensTest {
  private final FakeTokenServer server = new FakeTokenServer();
  private final Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();
  private final List<TenantTokens> opened = new ArrayList<>();

  @BeforeEach
  void start() {
    server.start();
    for (String t : List.of("a", "b", "c", "d")) {
      server.client("id-" + t, "secret-" + t);
    }
  }

  @AfterEach
  void stop() {
    opened.forEach(TenantTokens::close);
    server.releaseAnswers();
    server.close();
  }

  /** Tenant "x" is client "id-x" with secret "secret-x"; every lookup is counted. */
  private TenantCredentials lookup(String tenant) {
    lookups.computeIfAbsent(tenant, k -> new AtomicInteger()).incrementAndGet();
    return TenantCredentials.clientSecret("id-" + tenant, "secret-" + tenant);
  }

  private TenantTokens.Builder builder() {
    return TenantTokens.builder().baseUrl(server.baseUrl()).credentials(this::lookup);
  }

  private TenantTokens open(TenantTokens.Builder b) {
    TenantTokens tokens = b.build();
    opened.add(tokens);
    return tokens;
  }

  @Test
  void getToken_eachTenantWithItsOwnCredentials_lookedUpOnceAndCached() {
    TenantTokens tokens = open(builder());

    AccessToken a = tokens.getToken("a");
    AccessToken b = tokens.getToken("b");

    assertThat(a).isNotEqualTo(b);
    assertThat(tokens.getToken("a")).isEqualTo(a);
    assertThat(tokens.getTokenAsync("b").join()).isEqualTo(b);
    assertThat(server.requestCount()).isEqualTo(2);
    assertThat(server.recordedRequests())
        .extracting(r -> r.clientId().orElse(null))
        .containsExactlyInAnyOrder("id-a", "id-b");
    assertThat(lookups.get("a")).hasValue(1);
    assertThat(lookups.get("b")).hasValue(1);
    assertThat(tokens.status("a").state()).isEqualTo(TokenStatus.State.FRESH);
    assertThat(tokens.status("never-used").state()).isEqualTo(TokenStatus.State.EXPIRED);
  }

  @Test
  void getToken_manyCallersOfEachTenant_oneRequestPerTenant() throws Exception {
    TenantTokens tokens = open(builder());
    server.holdAnswers();
    List<CompletableFuture<AccessToken>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      for (String t : List.of("a", "b")) {
        calls.add(CompletableFuture.supplyAsync(() -> tokens.getToken(t)));
      }
    }
    server.awaitRequestCount(2);
    server.releaseAnswers();

    Set<AccessToken> distinct = ConcurrentHashMap.newKeySet();
    for (CompletableFuture<AccessToken> call : calls) {
      distinct.add(call.get(10, TimeUnit.SECONDS));
    }
    assertThat(distinct).hasSize(2);
    assertThat(server.requestCount()).isEqualTo(2);
  }

  @Test
  void oneTenantsConflictClosureAndRejection_neverTouchAnothersToken() {
    TenantTokens tokens = open(builder().retryPolicy(RetryPolicy.none()));
    AccessToken a = tokens.getToken("a");
    int before = server.requestCount();

    server.failClient("id-b", 409, "CONFLICT", "conflict");
    assertThatThrownBy(() -> tokens.getToken("b")).isInstanceOf(ConflictException.class);
    server.failClient("id-c", 503, FakeTokenServer.CLOSED_CODE, FakeTokenServer.CLOSED_TEXT);
    assertThatThrownBy(() -> tokens.getToken("c")).isInstanceOf(ServiceUnavailableException.class);
    server.failClient("id-d", 401, "invalid_client", "Client authentication failed.");
    assertThatThrownBy(() -> tokens.getToken("d")).isInstanceOf(ApiException.class);

    assertThat(tokens.getToken("a")).isEqualTo(a);
    assertThat(tokens.status("a").state()).isEqualTo(TokenStatus.State.FRESH);
    assertThat(tokens.status("c").state())
        .isIn(TokenStatus.State.FAILING, TokenStatus.State.CLOSED_UNTIL);
    assertThat(server.requestCount()).isEqualTo(before + 3);
  }

  @Test
  void rejectedCredentials_areLookedUpAgainOnTheNextFetch() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-05T10:00:00Z"));
    server.clock(clock);
    TenantTokens tokens = open(builder().clock(clock).retryPolicy(RetryPolicy.none()));
    server.failClient("id-a", 401, "invalid_client", "Client authentication failed.");
    assertThatThrownBy(() -> tokens.getToken("a")).isInstanceOf(ApiException.class);
    server.stopFailingClient("id-a");
    clock.advance(Duration.ofMinutes(5)); // past the negative cache

    assertThat(tokens.getToken("a")).isNotNull();
    assertThat(lookups.get("a")).hasValue(2);
  }

  @Test
  void invalidate_forgetsOnlyThatTenantsToken() {
    TenantTokens tokens = open(builder());
    AccessToken a = tokens.getToken("a");
    AccessToken b = tokens.getToken("b");

    tokens.invalidate("a", a);

    assertThat(tokens.getToken("a")).isNotEqualTo(a);
    assertThat(tokens.getToken("b")).isEqualTo(b);
    assertThat(server.requestCount()).isEqualTo(3);
  }

  @Test
  void maxConcurrentRequests_boundsRequestsInFlightAcrossTenants_andServesEveryCaller()
      throws Exception {
    TenantTokens tokens = open(builder().maxConcurrentRequests(4));
    Function<Integer, String> tenant = i -> "t" + i;
    for (int i = 0; i < 40; i++) {
      server.client("id-t" + i, "secret-t" + i);
    }
    server.holdAnswers();
    List<CompletableFuture<AccessToken>> calls = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      calls.add(tokens.getTokenAsync(tenant.apply(i)));
    }
    server.awaitRequestCount(4);
    // The other 36 wait for a slot, not on a thread each.
    awaitCondition(() -> tokens.assembly().gate.queued() == 36);
    assertThat(server.requestsInFlight()).isEqualTo(4);
    server.releaseAnswers();

    for (CompletableFuture<AccessToken> call : calls) {
      assertThat(call.get(10, TimeUnit.SECONDS)).isNotNull();
    }
    assertThat(server.requestCount()).isEqualTo(40);
    assertThat(server.maxRequestsInFlight()).isLessThanOrEqualTo(4);
  }

  @Test
  void aRequestThatFindsNoSlotWithinItsTime_failsAsATimeout_withoutBeingSent() throws Exception {
    java.util.concurrent.ScheduledExecutorService scheduler =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    okhttp3.OkHttpClient http = new okhttp3.OkHttpClient();
    try {
      RequestGate gate = new RequestGate(1, scheduler, 10_000);
      server.holdAnswers();
      okhttp3.Request request =
          new okhttp3.Request.Builder()
              .url(server.tokenUrl())
              .post(okhttp3.RequestBody.create(new byte[0]))
              .build();
      CompletableFuture<Integer> first = new CompletableFuture<>();
      gate.send(http.newCall(request), callback(first), 10_000);
      server.awaitRequestCount(1);
      CompletableFuture<Integer> second = new CompletableFuture<>();

      gate.send(http.newCall(request), callback(second), 200);

      assertThatThrownBy(() -> second.get(10, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(java.io.InterruptedIOException.class)
          .hasMessageContaining("no token request slot came free within 200 ms");
      assertThat(server.requestCount()).isEqualTo(1);
      assertThat(gate.queued()).isZero();
      server.releaseAnswers();
      assertThat(first.get(10, TimeUnit.SECONDS)).isNotNull();
      awaitCondition(() -> gate.inFlight() == 0);
    } finally {
      scheduler.shutdownNow();
      http.dispatcher().executorService().shutdownNow();
    }
  }

  private static okhttp3.Callback callback(CompletableFuture<Integer> result) {
    return new okhttp3.Callback() {
      @Override
      public void onFailure(okhttp3.Call call, java.io.IOException e) {
        result.completeExceptionally(e);
      }

      @Override
      public void onResponse(okhttp3.Call call, okhttp3.Response response) {
        try (response) {
          result.complete(response.code());
        }
      }
    };
  }

  @Test
  void credentialsLookup_thatThrows_isTypedAndNeverQuotesItsMessage() {
    TenantTokens tokens =
        open(
            TenantTokens.builder()
                .baseUrl(server.baseUrl())
                .credentials(
                    t -> {
                      throw new IllegalStateException("db password=hunter2 for " + t);
                    }));

    assertThatThrownBy(() -> tokens.getToken("evil\nINFO forged line"))
        .isInstanceOf(OAuthException.class)
        .hasMessageContaining("credentials lookup failed for tenant 'evil\\nINFO forged line'")
        .hasMessageContaining("IllegalStateException")
        .hasMessageNotContaining("hunter2")
        .hasNoCause();
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void credentialsLookup_returningNull_isTyped() {
    TenantTokens tokens =
        open(TenantTokens.builder().baseUrl(server.baseUrl()).credentials(t -> null));

    assertThatThrownBy(() -> tokens.getToken("a"))
        .isInstanceOf(OAuthException.class)
        .hasMessageContaining("returned null for tenant 'a'");
  }

  @Test
  void credentialsLookup_thatBlocks_failsWithinMaxWait_andRunsOffTheCallersThread()
      throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    Set<String> lookupThreads = ConcurrentHashMap.newKeySet();
    TenantTokens tokens =
        open(
            TenantTokens.builder()
                .baseUrl(server.baseUrl())
                .retryPolicy(RetryPolicy.builder().maxWait(Duration.ofMillis(200)).build())
                .credentials(
                    t -> {
                      lookupThreads.add(Thread.currentThread().getName());
                      try {
                        never.await();
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      return null;
                    }));

    CompletableFuture<AccessToken> async = tokens.getTokenAsync("a");
    assertThat(async).isNotDone();
    assertThatThrownBy(() -> async.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(OAuthException.class)
        .hasMessageContaining("did not answer within 200 ms");
    assertThat(lookupThreads).allMatch(n -> n.startsWith("tokenapi-tenants-lookup-"));
    never.countDown();
  }

  @Test
  void maxTenants_dropsTheLeastRecentlyUsed_andADroppedTenantIsFetchedAgain() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-05T10:00:00Z"));
    TenantTokens tokens = open(builder().clock(clock).maxTenants(3));
    tokens.getToken("a");
    clock.advance(Duration.ofSeconds(2));
    tokens.getToken("b");
    clock.advance(Duration.ofSeconds(2));
    tokens.getToken("c");
    clock.advance(Duration.ofSeconds(2));
    tokens.sweepNow(); // the coarse time moves on
    tokens.getToken("a"); // a is used again: b is now the least recently used
    clock.advance(Duration.ofSeconds(2));

    tokens.getToken("d");

    assertThat(tokens.size()).isEqualTo(3);
    assertThat(tokens.status("b").state()).isEqualTo(TokenStatus.State.EXPIRED);
    assertThat(tokens.status("a").state()).isEqualTo(TokenStatus.State.FRESH);
    int before = server.requestCount();
    tokens.getToken("b");
    assertThat(server.requestCount()).isEqualTo(before + 1);
  }

  @Test
  void evictAfterIdle_dropsIdleTenants_butNeverOneWhoseCallerWaits() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-05T10:00:00Z"));
    TenantTokens tokens =
        open(builder().clock(clock).evictAfterIdle(Duration.ofMinutes(10)).maxTenants(1));
    tokens.getToken("a");
    server.holdAnswers();
    CompletableFuture<AccessToken> waiting = tokens.getTokenAsync("b");
    server.awaitRequestCount(2);

    clock.advance(Duration.ofHours(1));
    tokens.sweepNow();
    tokens.getTokenAsync("c"); // over maxTenants while b's request is in flight

    assertThat(tokens.status("a").state()).isEqualTo(TokenStatus.State.EXPIRED);
    server.releaseAnswers();
    AccessToken b = waiting.get(10, TimeUnit.SECONDS);
    assertThat(b).isNotNull();
    assertThat(
            server.recordedRequests().stream().filter(r -> r.clientId().orElse("").equals("id-b")))
        .hasSize(1);
  }

  @Test
  void close_leavesNoThread_andLaterCallsFail() throws Exception {
    SdkThreads threads = SdkThreads.snapshot();
    TenantTokens tokens = builder().maxConcurrentRequests(2).build();
    for (String t : List.of("a", "b", "c")) {
      tokens.getToken(t);
    }
    tokens.close();
    tokens.close();

    assertThat(threads.aliveAfter(Duration.ofSeconds(10))).isEmpty();
    assertThatThrownBy(() -> tokens.getToken("a")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> tokens.getToken("new")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void secretsNeverInToStringOrMessages() {
    TenantTokens tokens = open(builder().retryPolicy(RetryPolicy.none()));
    server.failClient("id-a", 400, "BAD", "echo secret-a");

    assertThatThrownBy(() -> tokens.getToken("a")).hasMessageNotContaining("secret-a");
    assertThat(tokens.toString()).doesNotContain("secret");
    assertThat(TenantCredentials.clientSecret("id\u0007x", "s3cr3t").toString())
        .isEqualTo("TenantCredentials[clientId=id\\u0007x, client_secret]");
  }

  @Test
  void badInput_isRejectedWithClearExceptions() {
    TenantTokens tokens = open(builder());
    assertThatThrownBy(() -> tokens.getToken(null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> tokens.getToken("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> tokens.getToken("x".repeat(257)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TenantCredentials.clientSecret("id", " "))
        .hasMessage("secret is blank");
    assertThatThrownBy(() -> TenantTokens.builder().baseUrl(server.baseUrl()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("credentials(");
    assertThatThrownBy(() -> TenantTokens.builder().credentials(t -> null).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("baseUrl");
    assertThatThrownBy(() -> builder().maxConcurrentRequests(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void tokenStore_sharesEachTenantsTokenUnderItsOwnKey() {
    InMemoryTokenStore store = new InMemoryTokenStore();
    TenantTokens one = open(builder().tokenStore(store));
    TenantTokens two = open(builder().tokenStore(store));

    AccessToken a = one.getToken("a");
    AccessToken b = one.getToken("b");

    assertThat(two.getToken("a")).isEqualTo(a);
    assertThat(two.getToken("b")).isEqualTo(b);
    assertThat(server.requestCount()).isEqualTo(2);
  }

  private static void awaitCondition(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(5);
    }
  }
}
