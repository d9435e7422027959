package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * Clients sharing a {@link TokenStore}: one token request for the fleet, and a store outage never
 * fails a caller.
 */
class TokenStoreSharingTest {
  @StartStop final MockWebServer server = new MockWebServer();
  private final AtomicInteger issued = new AtomicInteger();

  @BeforeEach
  void slowTokenServer() {
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            return new MockResponse.Builder()
                .headersDelay(100, TimeUnit.MILLISECONDS)
                .body(
                    "{\"access_token\":\"shared-"
                        + issued.incrementAndGet()
                        + "\",\"expires_in\":3600}")
                .build();
          }
        });
  }

  private OAuthClient client(TokenStore store) {
    return OAuthClient.builder()
        .baseUrl(server.url("/").toString())
        .clientId("fleet-client")
        .clientSecret("fleet-secret")
        .tokenStore(store)
        .tokenStoreLockTtl(Duration.ofSeconds(2))
        .build();
  }

  @RepeatedTest(5)
  void eightClientsTimesEightThreads_coldStore_makeOneRequest() throws Exception {
    InMemoryTokenStore store = new InMemoryTokenStore();
    List<OAuthClient> clients = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      clients.add(client(store));
    }
    ExecutorService pool = Executors.newFixedThreadPool(64);
    CountDownLatch start = new CountDownLatch(1);
    Set<String> values = ConcurrentHashMap.newKeySet();
    try {
      List<Future<?>> calls = new ArrayList<>();
      for (OAuthClient c : clients) {
        for (int t = 0; t < 8; t++) {
          calls.add(
              pool.submit(
                  () -> {
                    start.await();
                    values.add(c.getToken().value());
                    return null;
                  }));
        }
      }
      start.countDown();
      for (Future<?> f : calls) {
        f.get(10, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
      clients.forEach(OAuthClient::close);
    }
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(values).containsExactly("shared-1");
  }

  @Test
  void tokenInStore_isUsedWithoutARequest() {
    InMemoryTokenStore store = new InMemoryTokenStore();
    try (OAuthClient first = client(store);
        OAuthClient second = client(store)) {
      AccessToken a = first.getToken();
      AccessToken b = second.getToken();
      assertThat(b).isEqualTo(a);
    }
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void rejectedToken_isNotTakenFromTheStoreAgain() {
    InMemoryTokenStore store = new InMemoryTokenStore();
    try (OAuthClient first = client(store);
        OAuthClient second = client(store)) {
      AccessToken old = first.getToken();
      second.getToken();
      second.invalidate(old);
      AccessToken renewed = second.getToken();
      assertThat(renewed).isNotEqualTo(old);
      // The new token reached the store: the first client, once it drops the old one too, takes it
      // from there.
      first.invalidate(old);
      assertThat(first.getToken()).isEqualTo(renewed);
    }
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void lockHeldByADeadHolder_isTakenOverAfterItsTtl() {
    InMemoryTokenStore store = new InMemoryTokenStore();
    String key = SharedTokenFetcher.key(server.url("/v1/oauth/token"), "fleet-client", null);
    assertThat(store.tryLock(key, Duration.ofMillis(600)))
        .isPresent(); // a holder that never comes back
    long start = System.nanoTime();
    try (OAuthClient c = client(store)) {
      assertThat(c.getToken().value()).isEqualTo("shared-1");
    }
    long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(waitedMillis).isBetween(500L, 5_000L);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void failingStore_degradesToLocalFetching_andRecovers() {
    AtomicBoolean down = new AtomicBoolean(true);
    InMemoryTokenStore healthy = new InMemoryTokenStore();
    TokenStore flaky =
        new TokenStore() {
          private void check() {
            if (down.get()) {
              throw new IllegalStateException("connection refused");
            }
          }

          @Override
          public Optional<AccessToken> load(String key) {
            check();
            return healthy.load(key);
          }

          @Override
          public void save(String key, AccessToken token) {
            check();
            healthy.save(key, token);
          }

          @Override
          public Optional<String> tryLock(String key, Duration ttl) {
            check();
            return healthy.tryLock(key, ttl);
          }

          @Override
          public void unlock(String key, String owner) {
            check();
            healthy.unlock(key, owner);
          }
        };
    try (OAuthClient a = client(flaky);
        OAuthClient b = client(flaky)) {
      assertThat(a.getToken().value()).startsWith("shared-");
      assertThat(b.getToken().value()).startsWith("shared-");
      assertThat(server.getRequestCount()).isEqualTo(2); // each on its own while the store is down
      down.set(false);
      a.invalidate();
      b.invalidate();
      AccessToken fromA = a.getToken();
      AccessToken fromB = b.getToken();
      assertThat(fromB).isEqualTo(fromA); // shared again once the store answers
      assertThat(server.getRequestCount()).isEqualTo(3);
    }
  }

  @Test
  void storeKey_hashesUrlIdAndScope_neverTheSecret() {
    String key =
        SharedTokenFetcher.key(
            okhttp3.HttpUrl.get("https://api.example.com/v1/oauth/token"), "id", "s");
    assertThat(key).startsWith("tokenapi:token:").hasSize("tokenapi:token:".length() + 32);
    assertThat(key)
        .isNotEqualTo(
            SharedTokenFetcher.key(
                okhttp3.HttpUrl.get("https://api.example.com/v1/oauth/token"), "id", null));
  }
}
