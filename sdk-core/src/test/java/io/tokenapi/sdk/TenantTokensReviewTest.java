package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenapi.sdk.logcapture.CapturingLogs;
import io.tokenapi.sdk.okhttp.TenantBearerTokenInterceptor;
import io.tokenapi.testkit.FakeTokenServer;
import io.tokenapi.testkit.MutableClock;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A hostile review of TenantTokens and TenantBearerTokenInterceptor: tenant ids, lookups,
 * tenantFrom functions, 401s, eviction, hosts and builder bounds, over a real loopback token server
 * and resource server. Each test holds a guarantee no other test held.
 */
class TenantTokensReviewTest {
  private final FakeTokenServer server = new FakeTokenServer();
  private final MockWebServer api = new MockWebServer();
  private final List<TenantTokens> opened = new ArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();
  private volatile Function<RecordedRequest, MockResponse> answer =
      r -> new MockResponse.Builder().code(200).build();

  @BeforeEach
  void start() throws IOException {
    server.start();
    server.client("id-a", "secret-a").client("id-b", "secret-b");
    api.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            authorizations.add(String.valueOf(request.getHeaders().get("Authorization")));
            return answer.apply(request);
          }
        });
    api.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  @AfterEach
  void stop() {
    opened.forEach(TenantTokens::close);
    server.releaseAnswers();
    server.close();
    api.close();
  }

  /** Every tenant is client "id-a" with "secret-a" unless its id starts with "b". */
  private TenantCredentials lookup(String tenant) {
    lookups.computeIfAbsent(tenant, k -> new AtomicInteger()).incrementAndGet();
    return tenant.startsWith("b")
        ? TenantCredentials.clientSecret("id-b", "secret-b")
        : TenantCredentials.clientSecret("id-a", "secret-a");
  }

  private TenantTokens.Builder builder() {
    return TenantTokens.builder().baseUrl(server.baseUrl()).credentials(this::lookup);
  }

  private TenantTokens open(TenantTokens.Builder b) {
    TenantTokens tokens = b.build();
    opened.add(tokens);
    return tokens;
  }

  private OkHttpClient http(TenantTokens tokens, Function<Request, String> tenantFrom) {
    return new OkHttpClient.Builder()
        .addInterceptor(
            TenantBearerTokenInterceptor.builder(tokens)
                .tenantFrom(tenantFrom)
                .allowHost("127.0.0.1")
                .build())
        .build();
  }

  private Request request(String tenant) {
    Request.Builder r =
        new Request.Builder().url(api.url("/v1/payments").newBuilder().host("127.0.0.1").build());
    if (tenant != null) {
      r.tag(String.class, tenant);
    }
    return r.build();
  }

  private static int code(OkHttpClient http, Request request) throws IOException {
    try (Response response = http.newCall(request).execute()) {
      return response.code();
    }
  }

  // ---- eviction ----

  @Test
  void evictAfterIdleAtItsMinimum_aTenantUsedAMomentBeforeTheSweep_keepsItsCachedToken() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-05T10:00:00Z"));
    ManualScheduler scheduler = new ManualScheduler(clock);
    TenantTokens tokens =
        open(
            builder()
                .clock(clock)
                .scheduler(scheduler)
                .retryPolicy(RetryPolicy.none())
                .evictAfterIdle(Duration.ofSeconds(1)));
    AccessToken first = tokens.getToken("a");

    clock.advance(Duration.ofMillis(999));
    assertThat(tokens.getToken("a")).isEqualTo(first); // used 1 ms before the sweep
    scheduler.advance(Duration.ofMillis(1)); // the tick at 1 s sweeps

    assertThat(tokens.getToken("a")).isEqualTo(first);
    assertThat(server.requestCount()).isEqualTo(1);
    assertThat(lookups.get("a")).hasValue(1);
  }

  @Test
  void maxTenantsOne_aCallerHoldingAnEvictedTenantsToken_canInvalidateIt_andGetsOneNewFetch() {
    TenantTokens tokens = open(builder().maxTenants(1));
    AccessToken held = tokens.getToken("a");
    tokens.getToken("b"); // drops a

    tokens.invalidate("a", held); // a tenant not held: nothing happens, nothing is sent
    assertThat(server.requestCount()).isEqualTo(2);
    assertThat(tokens.status("a").state()).isEqualTo(TokenStatus.State.EXPIRED);

    assertThat(tokens.getToken("a")).isNotEqualTo(held);
    assertThat(server.requestCount()).isEqualTo(3);
    assertThat(tokens.size()).isEqualTo(1);
  }

  @Test
  void maxTenantsOne_asyncCallers_invalidations_andIdleSweeps_racing_neverCrossTenants()
      throws Exception {
    server.failClient("id-b", 400, "invalid_request", "b is refused: any token b gets is a's");
    TenantTokens tokens =
        open(
            builder()
                .maxTenants(1)
                .retryPolicy(RetryPolicy.none())
                .evictAfterIdle(Duration.ofSeconds(1)));
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(8);
    List<java.util.concurrent.Future<List<String>>> results = new ArrayList<>();
    try {
      for (int th = 0; th < 8; th++) {
        int start = th;
        results.add(
            pool.submit(
                () -> {
                  List<String> wrong = new ArrayList<>();
                  for (int i = 0; i < 100; i++) {
                    boolean a = (start + i) % 2 == 0;
                    String tenant = a ? "a" : "b";
                    if (start == 0 && i % 10 == 0) {
                      tokens.sweepNow();
                    }
                    try {
                      AccessToken got = tokens.getTokenAsync(tenant).get(30, TimeUnit.SECONDS);
                      if (!a) {
                        wrong.add("b got a token");
                      } else if (i % 3 == 0) {
                        tokens.invalidate("a", got);
                      }
                    } catch (java.util.concurrent.ExecutionException e) {
                      if (a || !(e.getCause() instanceof OAuthException)) {
                        wrong.add(tenant + " failed: " + e.getCause());
                      }
                    }
                  }
                  return wrong;
                }));
      }
      for (java.util.concurrent.Future<List<String>> r : results) {
        assertThat(r.get(60, TimeUnit.SECONDS)).isEmpty();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(tokens.size()).isLessThanOrEqualTo(2);
  }

  // ---- the credentials lookup ----

  @Test
  void oneRequestSlot_aSlowLookupForOneTenant_doesNotHoldUpAnotherTenantsLookup() throws Exception {
    CountDownLatch slowEntered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    TenantTokens tokens =
        open(
            TenantTokens.builder()
                .baseUrl(server.baseUrl())
                .maxConcurrentRequests(1)
                .retryPolicy(RetryPolicy.builder().maxWait(Duration.ofSeconds(20)).build())
                .credentials(
                    t -> {
                      if (t.equals("slow")) {
                        slowEntered.countDown();
                        try {
                          release.await();
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                      }
                      return TenantCredentials.clientSecret("id-a", "secret-a");
                    }));
    try {
      CompletableFuture<AccessToken> slow = tokens.getTokenAsync("slow");
      assertThat(slowEntered.await(10, TimeUnit.SECONDS)).isTrue();

      // Well inside the slow lookup's 20 s: the other tenant must not wait for it.
      assertThat(tokens.getTokenAsync("fast")).succeedsWithin(8, TimeUnit.SECONDS);
      assertThat(slow).isNotDone();
    } finally {
      release.countDown();
    }
  }

  @Test
  void aLookupThatThrowsAnError_isTypedWithoutItsMessage_andTheLookupThreadsKeepServing() {
    TenantTokens tokens =
        open(
            TenantTokens.builder()
                .baseUrl(server.baseUrl())
                .retryPolicy(RetryPolicy.none())
                .credentials(
                    t -> {
                      if (t.equals("so")) {
                        throw new StackOverflowError("secret-a");
                      }
                      if (t.equals("ae")) {
                        throw new AssertionError("secret-a");
                      }
                      return TenantCredentials.clientSecret("id-a", "secret-a");
                    }));

    for (String bad : List.of("so", "ae", "so", "ae", "so", "ae", "so", "ae", "so", "ae")) {
      assertThatThrownBy(() -> tokens.getToken(bad))
          .isInstanceOf(OAuthException.class)
          .hasMessageContaining("tenant '" + bad + "'")
          .hasMessageNotContaining("secret-a");
    }
    assertThat(tokens.getToken("a")).isNotNull();
  }

  @Test
  void aLookupThatCallsBackIntoTheSameTenant_failsTypedWithinMaxWait_andTheTenantRecovers() {
    AtomicReference<TenantTokens> self = new AtomicReference<>();
    AtomicInteger calls = new AtomicInteger();
    MutableClock clock = new MutableClock(Instant.now());
    TenantTokens tokens =
        open(
            TenantTokens.builder()
                .baseUrl(server.baseUrl())
                .clock(clock)
                .retryPolicy(RetryPolicy.builder().maxWait(Duration.ofSeconds(1)).build())
                .credentials(
                    t -> {
                      if (t.equals("a") && calls.incrementAndGet() == 1) {
                        self.get().getToken("a"); // waits on its own fetch
                      }
                      if (t.equals("c")) {
                        self.get().getToken("b"); // another tenant: fine
                      }
                      return lookup(t);
                    }));
    self.set(tokens);

    long started = System.nanoTime();
    assertThatThrownBy(() -> tokens.getToken("a")).isInstanceOf(OAuthException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    clock.advance(Duration.ofMinutes(10)); // past the failure's back-off
    assertThat(tokens.getToken("a")).isNotNull();
    assertThat(tokens.getToken("c")).isNotNull();
  }

  // ---- tenant ids ----

  @Test
  void hostileTenantIds_areTenantsOfTheirOwn_andNeverForgeALogLineOrAMessage() {
    TenantTokens tokens = open(builder().retryPolicy(RetryPolicy.none()));
    List<String> ids =
        List.of(
            "a",
            "A",
            "a ",
            " a",
            "\u0430", // Cyrillic a
            "a\r\nINFO forged",
            "a\u0000",
            "a\u0007",
            "a\u2028forged",
            "a\u202Eevil",
            "a%000A",
            " ",
            "x".repeat(256));
    Set<AccessToken> seen = new HashSet<>();
    try (CapturingLogs logs = CapturingLogs.start()) {
      for (String id : ids) {
        seen.add(tokens.getToken(id));
      }
      server.failClient("id-a", 401, "invalid_client", "no");
      for (String id : ids) {
        tokens.invalidate(id, tokens.getToken(id));
        assertThatThrownBy(() -> tokens.getToken(id))
            .isInstanceOf(OAuthException.class)
            .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\r", "\n", "\u0000"));
      }
      assertThat(logs.allText()).doesNotContain("\nINFO forged", "\u2028", "\u202E", "\u0000");
    }
    assertThat(seen).hasSize(ids.size());
    ids.forEach(id -> assertThat(lookups.get(id)).as(id).hasValueGreaterThanOrEqualTo(1));
  }

  @Test
  void overlongTenantIds_areRefusedWithAShortMessage_andNeverSent() {
    TenantTokens tokens = open(builder());
    for (String id : List.of("x".repeat(257), "x".repeat(1 << 20))) {
      assertThatThrownBy(() -> tokens.getToken(id))
          .isInstanceOf(IllegalArgumentException.class)
          .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
      assertThatThrownBy(() -> tokens.getTokenAsync(id))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(tokens.status(id).state()).isEqualTo(TokenStatus.State.EXPIRED);
    }
    assertThat(tokens.size()).isZero();
    assertThat(server.requestCount()).isZero();
  }

  // ---- the interceptor: tenantFrom ----

  @Test
  void tenantFrom_thatThrowsOrAnswersGarbage_sendsNothing_andSaysWhatBroke() {
    TenantTokens tokens = open(builder());
    List<Function<Request, String>> hostile =
        List.of(
            r -> {
              throw new IllegalStateException("secret-a");
            },
            r -> "",
            r -> "x".repeat(1 << 20),
            r -> null);
    for (Function<Request, String> f : hostile) {
      OkHttpClient http = http(tokens, f);
      assertThatThrownBy(() -> code(http, request("a")))
          .isInstanceOf(IOException.class)
          .hasMessageNotContaining("secret-a")
          .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300));
    }
    OkHttpClient erroring =
        http(
            tokens,
            r -> {
              throw new StackOverflowError();
            });
    assertThatThrownBy(() -> code(erroring, request("a"))).isInstanceOf(StackOverflowError.class);
    assertThat(authorizations).isEmpty();
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void interceptor_overAClosedTenantTokens_failsWithAnIOException_neverAnNpeOrAHang() {
    TenantTokens tokens = builder().build();
    OkHttpClient http = http(tokens, r -> r.tag(String.class));
    tokens.close();
    tokens.close();

    assertThatThrownBy(() -> code(http, request("a")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> tokens.getTokenAsync("a")).isInstanceOf(IllegalStateException.class);
    tokens.invalidate("a", AccessToken.of("t", Instant.now().plusSeconds(60)));
    assertThat(tokens.status("a").state()).isEqualTo(TokenStatus.State.EXPIRED);
    assertThat(authorizations).isEmpty();
  }

  // ---- the interceptor: 401 ----

  @Test
  void aResourceServerThatAlways401s_getsAtMostTwoRequestsPerCall_andTokenRequestsStayBounded()
      throws IOException {
    answer = r -> new MockResponse.Builder().code(401).build();
    TenantTokens tokens = open(builder());
    OkHttpClient http = http(tokens, r -> r.tag(String.class));

    for (int i = 0; i < 10; i++) {
      assertThat(code(http, request("a"))).isEqualTo(401);
    }

    assertThat(authorizations).hasSizeLessThanOrEqualTo(20);
    // The first rejection renews at once; later ones are damped (minRefreshInterval, backoff).
    assertThat(server.requestCount()).isLessThanOrEqualTo(11);
    assertThat(tokens.getToken("b")).isNotNull(); // other tenants untouched
  }

  @Test
  void a401ForATokenAnotherCallerAlreadyRenewed_replaysWithTheNewOne_withoutAnotherRequest()
      throws Exception {
    TenantTokens tokens = open(builder());
    AccessToken old = tokens.getToken("a");
    CountDownLatch arrived = new CountDownLatch(1);
    CountDownLatch renewed = new CountDownLatch(1);
    answer =
        r -> {
          if (old.authorizationHeader().equals(r.getHeaders().get("Authorization"))) {
            arrived.countDown();
            try {
              renewed.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return new MockResponse.Builder().code(401).build();
          }
          return new MockResponse.Builder().code(200).build();
        };
    OkHttpClient http = http(tokens, r -> r.tag(String.class));
    CompletableFuture<Integer> call =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return code(http, request("a"));
              } catch (IOException e) {
                throw new RuntimeException(e);
              }
            });
    assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();
    tokens.invalidate("a", old); // another caller's 401 for the same token
    AccessToken fresh = tokens.getToken("a");
    renewed.countDown();

    assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo(200);
    assertThat(authorizations)
        .containsExactly(old.authorizationHeader(), fresh.authorizationHeader());
    assertThat(server.requestCount()).isEqualTo(2);
  }

  // ---- the interceptor: hosts ----

  @Test
  void noTokenLeavesForAnotherHost_byRedirect_spoofedHostHeader_orPlainHttpToAName()
      throws Exception {
    TenantTokens tokens = open(builder());
    List<String> otherAuth = new CopyOnWriteArrayList<>();
    try (MockWebServer other = new MockWebServer()) {
      other.setDispatcher(
          new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
              otherAuth.add(String.valueOf(request.getHeaders().get("Authorization")));
              return new MockResponse.Builder().code(200).build();
            }
          });
      other.start(InetAddress.getByName("127.0.0.2"), 0);
      OkHttpClient http = http(tokens, r -> r.tag(String.class));

      answer =
          r ->
              new MockResponse.Builder()
                  .code(302)
                  .addHeader("Location", other.url("/stolen").toString())
                  .build();
      assertThat(code(http, request("a"))).isEqualTo(200);

      Request spoofed =
          new Request.Builder()
              .url(other.url("/spoofed"))
              .header("Host", "127.0.0.1:" + api.getPort())
              .tag(String.class, "a")
              .build();
      assertThat(code(http, spoofed)).isEqualTo(200);
      assertThat(otherAuth).containsExactly("null", "null");
      assertThat(authorizations).singleElement().asString().startsWith("Bearer ");

      // A name (not loopback) over http://, resolved to loopback here: refused before sending.
      OkHttpClient named =
          new OkHttpClient.Builder()
              .dns(host -> List.of(InetAddress.getByName("127.0.0.1")))
              .addInterceptor(
                  TenantBearerTokenInterceptor.builder(tokens)
                      .tenantFrom(r -> r.tag(String.class))
                      .allowHost("api.example.com")
                      .build())
              .build();
      Request plain =
          new Request.Builder()
              .url("http://api.example.com:" + api.getPort() + "/v1")
              .tag(String.class, "a")
              .build();
      assertThatThrownBy(() -> code(named, plain))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("http://");
      assertThat(authorizations).hasSize(1);
    }
  }

  // ---- secrets ----

  @Test
  void secretsAndTokens_neverInLogsMessagesOrStatus_acrossFailuresAnd401s() throws Exception {
    answer = r -> new MockResponse.Builder().code(401).build();
    TenantTokens tokens = open(builder().retryPolicy(RetryPolicy.none()));
    OkHttpClient http = http(tokens, r -> r.tag(String.class));
    List<String> tokenValues = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    try (CapturingLogs logs = CapturingLogs.start()) {
      tokenValues.add(tokens.getToken("a").value());
      code(http, request("a"));
      tokenValues.add(tokens.getToken("a").value());
      texts.add(tokens.status("a").toString());
      server.failClient("id-b", 400, "BAD", "echo secret-b");
      Consumer<Throwable> keep = e -> texts.add(String.valueOf(e));
      try {
        tokens.getToken("b");
      } catch (OAuthException e) {
        keep.accept(e);
      }
      try {
        code(http, request("b"));
      } catch (IOException e) {
        keep.accept(e);
        keep.accept(e.getCause());
      }
      texts.add(tokens.status("b").toString());
      texts.add(tokens.toString());
      texts.add(TenantCredentials.clientSecret("id-a", "secret-a").toString());
      texts.add(logs.allText());
    }
    String all = String.join("\n", texts);
    assertThat(all).doesNotContain("secret-a", "secret-b");
    for (String t : tokenValues) {
      assertThat(all).doesNotContain(t);
    }
  }

  // ---- the builder ----

  @Test
  void builder_numbersAtTheirEdges_areRefusedAtTheSetter_orWork() {
    assertThatThrownBy(() -> builder().maxTenants(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder().maxTenants(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder().maxConcurrentRequests(Integer.MAX_VALUE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder().maxConcurrentRequests(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder().evictAfterIdle(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder().evictAfterIdle(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);

    TenantTokens.Builder max = builder().maxTenants(Integer.MAX_VALUE).maxConcurrentRequests(1024);
    TenantTokens one = open(max);
    TenantTokens two = open(max); // build() twice: two independent instances
    assertThat(one.getToken("a")).isNotEqualTo(two.getToken("a"));
  }

  @Test
  void builder_hugeDurations_areRefusedAtTheSetterByName_andTheLongestAcceptedOnesWork() {
    Duration huge = Duration.ofSeconds(Long.MAX_VALUE); // toMillis() overflows
    Duration hundredYears = Duration.ofDays(36_500);
    Duration okHttpMax = Duration.ofMillis(Integer.MAX_VALUE);
    Map<String, BiConsumer<TenantTokens.Builder, Duration>> setters = new LinkedHashMap<>();
    setters.put("evictAfterIdle", TenantTokens.Builder::evictAfterIdle);
    setters.put("refreshAhead", TenantTokens.Builder::refreshAhead);
    setters.put("expiryMargin", TenantTokens.Builder::expiryMargin);
    setters.put("defaultTokenLifetime", TenantTokens.Builder::defaultTokenLifetime);
    setters.put("connectTimeout", TenantTokens.Builder::connectTimeout);
    setters.put("readTimeout", TenantTokens.Builder::readTimeout);
    setters.put("callTimeout", TenantTokens.Builder::callTimeout);
    setters.put("closedProbeInterval", TenantTokens.Builder::closedProbeInterval);
    setters.put("minRefreshInterval", TenantTokens.Builder::minRefreshInterval);
    setters.forEach(
        (name, setter) -> {
          for (Duration tooLong : List.of(huge, hundredYears.plusDays(1))) {
            assertThatThrownBy(() -> setter.accept(builder(), tooLong))
                .as(name)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(name);
          }
          boolean okHttps = name.equals("connectTimeout") || name.equals("readTimeout");
          TenantTokens.Builder longest = builder();
          setter.accept(longest, okHttps ? okHttpMax : hundredYears);
          assertThat(open(longest).getToken("a")).as(name).isNotNull();
        });
    // RetryPolicy takes a maxWait of centuries on purpose (RetryPolicyTest): so must TenantTokens.
    TenantTokens centuries =
        open(builder().retryPolicy(RetryPolicy.builder().maxWait(huge).maxBackoff(huge).build()));
    assertThat(centuries.getToken("a")).isNotNull();
    assertThatThrownBy(() -> builder().connectTimeout(okHttpMax.plusMillis(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("connectTimeout is longer than OkHttp allows");
  }
}
