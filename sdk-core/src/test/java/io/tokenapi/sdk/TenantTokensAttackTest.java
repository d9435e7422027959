package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.testkit.FakeTokenServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Hostile tenants, lookups and stores against TenantTokens on a real loopback token server. */
class TenantTokensAttackTest {
  private final FakeTokenServer server = new FakeTokenServer();
  private final List<TenantTokens> opened = new ArrayList<>();

  @BeforeEach
  void start() {
    server.start();
    server.client("id-a", "secret-a");
    server.client("id-shared", "secret-shared");
  }

  @AfterEach
  void stop() {
    opened.forEach(TenantTokens::close);
    server.releaseAnswers();
    server.close();
  }

  private TenantTokens open(TenantTokens.Builder b) {
    TenantTokens tokens = b.build();
    opened.add(tokens);
    return tokens;
  }

  @Test
  void eightHungLookups_thatTimedOut_doNotStarveTheNextTenantsLookup() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    TenantTokens tokens =
        open(
            TenantTokens.builder()
                .baseUrl(server.baseUrl())
                .retryPolicy(RetryPolicy.builder().maxWait(Duration.ofSeconds(2)).build())
                .credentials(
                    t -> {
                      if (t.startsWith("hung-")) {
                        try {
                          never.await();
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                          throw new IllegalStateException("interrupted");
                        }
                      }
                      return TenantCredentials.clientSecret("id-a", "secret-a");
                    }));
    try {
      List<CompletableFuture<AccessToken>> hung = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        hung.add(tokens.getTokenAsync("hung-" + i));
      }
      for (CompletableFuture<AccessToken> f : hung) {
        // failsWithin alone also passes on a timeout: each must have failed.
        assertThat(f)
            .failsWithin(10, TimeUnit.SECONDS)
            .withThrowableOfType(java.util.concurrent.ExecutionException.class)
            .havingCause()
            .isInstanceOf(OAuthException.class)
            .withMessageContaining("did not answer within");
      }

      // Every hung lookup has been given up on: the next tenant's lookup must get a thread.
      assertThat(tokens.getTokenAsync("a")).succeedsWithin(10, TimeUnit.SECONDS);
    } finally {
      never.countDown();
    }
  }

  @Test
  void tenantIdsThatDifferOnlyBeforeALineBreak_neverShareAStoredToken() {
    // "v\nclient_assertion" (a secret) and "v" (an assertion, variant "client_assertion") once
    // hashed the same text: "tenant=v\nclient_assertion".
    String victim = "v\nclient_assertion";
    InMemoryTokenStore store = new InMemoryTokenStore();
    TenantTokens tokens =
        open(
            TenantTokens.builder()
                .baseUrl(server.baseUrl())
                .tokenStore(store)
                .credentials(
                    t ->
                        t.equals(victim)
                            ? TenantCredentials.clientSecret("id-shared", "secret-shared")
                            : TenantCredentials.clientAssertion("id-shared", () -> "assertion")));
    AccessToken victims = tokens.getToken(victim);
    assertThat(server.requestCount()).isEqualTo(1);

    AccessToken got;
    try {
      got = tokens.getToken("v");
    } catch (OAuthException e) {
      got = null; // the provider refused the assertion: fine, it is not the victim's token
    }
    assertThat(got).isNotEqualTo(victims);
    assertThat(server.requestCount()).isEqualTo(2);
  }

  @Test
  void aLoneSurrogateAndAQuestionMark_areTwoTenants_inTheTokenStore() {
    // UTF-8 turns a lone surrogate into '?': "v\uD800" and "v?" once hashed the same bytes.
    TenantTokens tokens =
        open(
            TenantTokens.builder()
                .baseUrl(server.baseUrl())
                .tokenStore(new InMemoryTokenStore())
                .credentials(t -> TenantCredentials.clientSecret("id-shared", "secret-shared")));

    AccessToken first = tokens.getToken("v\uD800");
    AccessToken second = tokens.getToken("v?");

    assertThat(second).isNotEqualTo(first);
    assertThat(server.requestCount()).isEqualTo(2);
  }

  private TenantTokens stormClient(int maxWaitMillis) {
    return open(
        TenantTokens.builder()
            .baseUrl(server.baseUrl())
            .maxConcurrentRequests(1)
            .retryPolicy(RetryPolicy.builder().maxWait(Duration.ofMillis(maxWaitMillis)).build())
            .credentials(t -> TenantCredentials.clientSecret("id-a", "secret-a")));
  }

  @Test
  void oneSlot_aHungServer_andAStormOfTimeoutsAndCancellations_leakNoSlot() throws Exception {
    TenantTokens tokens = stormClient(1_000);
    server.holdAnswers();
    List<CompletableFuture<AccessToken>> storm = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      CompletableFuture<AccessToken> f = tokens.getTokenAsync("t" + (i % 50));
      if (i % 3 == 0) {
        f.cancel(true);
      }
      storm.add(f);
    }
    for (CompletableFuture<AccessToken> f : storm) {
      assertThat(f)
          .failsWithin(20, TimeUnit.SECONDS)
          .withThrowableOfType(Exception.class)
          // failed (maxWait) or cancelled: a TimeoutException would mean the future hung.
          .isInstanceOfAny(
              java.util.concurrent.ExecutionException.class,
              java.util.concurrent.CancellationException.class);
    }
    server.releaseAnswers();

    assertThat(tokens.getTokenAsync("after")).succeedsWithin(10, TimeUnit.SECONDS);
    assertThat(tokens.assembly().gate.queued()).isZero();
  }

  @Test
  void close_withAThousandCallersInFlight_failsEveryOneTyped_andHangsNothing() throws Exception {
    TenantTokens tokens = stormClient(60_000);
    server.holdAnswers();
    List<CompletableFuture<AccessToken>> callers = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      callers.add(tokens.getTokenAsync("t" + (i % 300)));
    }
    tokens.close();
    for (CompletableFuture<AccessToken> f : callers) {
      assertThat(f)
          .failsWithin(10, TimeUnit.SECONDS)
          .withThrowableOfType(java.util.concurrent.ExecutionException.class)
          .havingCause()
          .isInstanceOfAny(OAuthException.class, IllegalStateException.class);
    }
  }

  @Test
  void maxTenantsOne_twoTenantsAlternatingOnSixteenThreads_neverHandOneTheOthersToken()
      throws Exception {
    // Tenant b's client is always refused: any token b gets can only be a's.
    server.client("id-b", "secret-b");
    server.failClient("id-b", 400, "invalid_request", "refused for the test");
    TenantTokens tokens =
        open(
            TenantTokens.builder()
                .baseUrl(server.baseUrl())
                .maxTenants(1)
                .retryPolicy(RetryPolicy.none())
                .credentials(t -> TenantCredentials.clientSecret("id-" + t, "secret-" + t)));
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(16);
    List<java.util.concurrent.Future<List<String>>> results = new ArrayList<>();
    try {
      for (int th = 0; th < 16; th++) {
        int start = th;
        results.add(
            pool.submit(
                () -> {
                  List<String> wrong = new ArrayList<>();
                  for (int i = 0; i < 100; i++) {
                    boolean a = (start + i) % 2 == 0;
                    try {
                      AccessToken got = tokens.getToken(a ? "a" : "b");
                      if (!a) {
                        wrong.add("b got " + got);
                      }
                    } catch (OAuthException e) {
                      if (a) {
                        wrong.add("a failed: " + e.getMessage());
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

  @Test
  void aStreamOfUnknownTenantIds_withAFailingLookup_staysWithinMaxTenants() throws Exception {
    AtomicInteger lookups = new AtomicInteger();
    TenantTokens tokens =
        open(
            TenantTokens.builder()
                .baseUrl(server.baseUrl())
                .maxTenants(100)
                .credentials(
                    t -> {
                      lookups.incrementAndGet();
                      throw new IllegalStateException("no such tenant " + t);
                    }));
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      List<java.util.concurrent.Future<?>> done = new ArrayList<>();
      for (int th = 0; th < 8; th++) {
        int start = th;
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 500; i++) {
                    try {
                      tokens.getToken("attacker-" + start + "-" + i);
                    } catch (OAuthException expected) {
                      // every one unknown
                    }
                  }
                }));
      }
      for (java.util.concurrent.Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    tokens.getTokenAsync("last").exceptionally(e -> null).get(10, TimeUnit.SECONDS);
    assertThat(tokens.size()).isLessThanOrEqualTo(101);
    assertThat(lookups.get()).isEqualTo(4_001);
  }
}
