package io.tokenapi.sdk.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.logcapture.CapturingLogs;
import io.tokenapi.testkit.FakeTokenServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * The fleet guarantees of issue 15, each against a real redis-server with separate clients (one
 * {@code OAuthClient} and one Jedis pool per instance), as separate services would have them.
 */
class FleetGuaranteesTest {
  private static RedisServer redisServer;

  private final FakeTokenServer tokens = new FakeTokenServer();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private RedisClient redis;
  private CapturingLogs logs;

  @BeforeAll
  static void startRedis() throws Exception {
    redisServer = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() {
    if (redisServer != null) {
      redisServer.close();
    }
  }

  @BeforeEach
  void start() {
    redis = redisServer.client();
    redis.flushAll();
    logs = CapturingLogs.start();
    tokens.start();
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
    redis.close();
    tokens.close();
    logs.close();
    redisServer.restart();
  }

  private RedisClient jedis() {
    RedisClient client = redisServer.client();
    closeables.add(client);
    return client;
  }

  private OAuthClient instance(RedisTokenStore store, UnaryOperator<OAuthClient.Builder> tune) {
    OAuthClient client =
        tune.apply(
                OAuthClient.builder()
                    .baseUrl(tokens.baseUrl())
                    .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
                    .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
                    .tokenStore(store))
            .build();
    closeables.add(client);
    return client;
  }

  private OAuthClient instance(UnaryOperator<OAuthClient.Builder> tune) {
    return instance(
        RedisTokenStore.builder(jedis()).encryptionKey(FleetWorker.fleetKey()).build(), tune);
  }

  /** The name under which the fleet's token lies in Redis (whatever the layout). */
  private String tokenName() {
    return redis.keys("*tokenapi:token:*").stream()
        .filter(k -> !k.endsWith(":lock"))
        .findFirst()
        .orElseThrow();
  }

  // Defect 1: the lock lapsed under a live holder.
  @Test
  void fourInstances_lockTtlOneSecond_tokenRequestThreeSeconds_makeOneRequest() throws Exception {
    tokens.enqueueDelay(Duration.ofSeconds(3));
    List<OAuthClient> fleet = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      fleet.add(instance(b -> b.tokenStoreLockTtl(Duration.ofSeconds(1))));
    }
    ExecutorService callers = Executors.newFixedThreadPool(4);
    try {
      List<Future<AccessToken>> calls = new ArrayList<>();
      for (OAuthClient c : fleet) {
        calls.add(callers.submit(c::getToken));
        Thread.sleep(100); // the first one takes the lock; the others find it held
      }
      Set<String> values = ConcurrentHashMap.newKeySet();
      for (Future<AccessToken> call : calls) {
        values.add(call.get(20, TimeUnit.SECONDS).value());
      }

      assertThat(tokens.requestCount()).isEqualTo(1);
      assertThat(values).hasSize(1);
    } finally {
      callers.shutdownNow();
    }
  }

  // Defect 1, fencing: a holder that lost its lock does not overwrite the newer token.
  @Test
  void holderThatLostItsLock_doesNotOverwriteTheTokenOfTheOneThatTookOver() throws Exception {
    tokens.enqueueDelay(Duration.ofSeconds(1));
    OAuthClient paused = instance(b -> b.tokenStoreLockTtl(Duration.ofSeconds(5)));
    RedisTokenStore other =
        RedisTokenStore.builder(jedis()).encryptionKey(FleetWorker.fleetKey()).build();
    CompletableFuture<AccessToken> slow = paused.getTokenAsync();
    String lock = awaitLock();
    String key = lock.replaceAll("[{}]", "").replace(":lock", "");

    // Another instance takes the lock over (as if the holder had paused past its TTL) and saves.
    redis.del(lock);
    AccessToken newer = AccessToken.of("newer-token", Instant.now().plusSeconds(3600));
    other.save(key, newer);
    AccessToken fetched = slow.get(10, TimeUnit.SECONDS);

    assertThat(fetched.value()).isNotEqualTo("newer-token");
    assertThat(other.load(key).map(AccessToken::value)).contains("newer-token");
  }

  private String awaitLock() throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      Set<String> locks = redis.keys("*:lock");
      if (!locks.isEmpty()) {
        return locks.iterator().next();
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no instance took the lock within 2 s");
  }

  // Defect 2: a writer 2 minutes fast made readers hold the token 2 minutes past its expiry.
  @Test
  void writerTwoMinutesFast_readerExpiresTheTokenWithTheProvider() {
    Clock fast = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(2));
    OAuthClient writer =
        instance(
            RedisTokenStore.builder(jedis())
                .encryptionKey(FleetWorker.fleetKey())
                .clock(fast)
                .build(),
            b -> b.clock(fast));
    OAuthClient reader = instance(b -> b);

    Instant before = Instant.now();
    writer.getToken();
    Instant providerExpiry = before.plus(FakeTokenServer.DEFAULT_TOKEN_LIFETIME);
    AccessToken read = reader.getToken();

    Duration off = Duration.between(providerExpiry, read.expiresAt());
    System.out.printf(
        "clock skew: writer 2 min fast, reader's expiresAt off by %d ms%n", off.toMillis());
    assertThat(tokens.requestCount()).isEqualTo(1);
    assertThat(off.abs()).isLessThan(Duration.ofSeconds(5));
  }

  // Defect 3: a stored token near its end was served until just before expiry.
  @Test
  void storedTokenPastItsRefreshPoint_isRefreshedLikeAFetchedOne() throws Exception {
    // 3-second tokens: stale after 1.5 s (refresh-ahead shrinks to half the lifetime).
    tokens.tokenLifetime(Duration.ofSeconds(3));
    OAuthClient writer = instance(b -> b);
    OAuthClient reader = instance(b -> b);
    AccessToken first = writer.getToken();

    Thread.sleep(1_800); // 1.2 s left: stale for a fetched token
    AccessToken read = reader.getToken();

    assertThat(read).isNotEqualTo(first);
    assertThat(tokens.requestCount()).isEqualTo(2);
  }

  // Defect 4: an exhausted pool made store calls, and so getToken(), wait without bound.
  @Test
  void poolExhausted_everyCallerGetsATokenWithinTheStoreTimeout() throws Exception {
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    pool.setMaxTotal(1);
    pool.setMaxWait(Duration.ofSeconds(30)); // bounded, but far beyond what a caller should wait
    RedisClient small =
        RedisClient.builder()
            .hostAndPort("127.0.0.1", redisServer.port())
            .clientConfig(DefaultJedisClientConfig.builder().socketTimeoutMillis(500).build())
            .poolConfig(pool)
            .build();
    closeables.add(small);
    OAuthClient client =
        instance(
            RedisTokenStore.builder(small).encryptionKey(FleetWorker.fleetKey()).build(),
            b -> b.tokenStoreTimeout(Duration.ofMillis(500)));
    Connection taken = small.getPool().getResource(); // the pool's one connection, held elsewhere
    try {
      long start = System.nanoTime();
      List<CompletableFuture<AccessToken>> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        calls.add(CompletableFuture.supplyAsync(client::getToken));
      }
      for (CompletableFuture<AccessToken> call : calls) {
        assertThat(call.get(10, TimeUnit.SECONDS)).isNotNull();
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      assertThat(millis).isLessThan(3_000);
      assertThat(tokens.requestCount()).isEqualTo(1);
      assertThat(logs.messages(Level.WARN))
          .singleElement()
          .satisfies(m -> assertThat(m).startsWith("Token store failed"));
      System.out.printf("pool exhausted: 8 callers served in %d ms%n", millis);
    } finally {
      taken.close();
    }
  }

  // Defect 4: a frozen Redis (SIGSTOP) with the store's own bounded client.
  @Test
  void redisPaused_everyCallerReturnsWithinTheDocumentedBound() throws Exception {
    OAuthClient client =
        instance(
            RedisTokenStore.builder("127.0.0.1", redisServer.port())
                .encryptionKey(FleetWorker.fleetKey())
                .build(),
            b -> b);
    redisServer.pause();
    try {
      long start = System.nanoTime();
      List<CompletableFuture<AccessToken>> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        calls.add(CompletableFuture.supplyAsync(client::getToken));
      }
      for (CompletableFuture<AccessToken> call : calls) {
        assertThat(call.get(10, TimeUnit.SECONDS)).isNotNull();
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      // tokenStoreTimeout (2 s) plus one loopback token request.
      assertThat(millis).isLessThan(OAuthClient.DEFAULT_TOKEN_STORE_TIMEOUT.toMillis() + 1_500);
      assertThat(tokens.requestCount()).isEqualTo(1);
      System.out.printf("redis paused: 8 callers served in %d ms%n", millis);
    } finally {
      redisServer.resume();
    }
  }

  // Defect 5: instances on the old and the new key share the fleet's token during a rotation.
  @Test
  void rollingKeyRotation_oldAndNewKeyInstancesShareOneToken() {
    SecretKey oldKey = RedisTokenStoreTest.aesKey(32, 1);
    SecretKey newKey = RedisTokenStoreTest.aesKey(32, 2);
    // Step 2 of the procedure, half rolled out: both keys known everywhere, encrypting differs.
    OAuthClient onOld =
        instance(
            RedisTokenStore.builder(jedis())
                .encryptionKey("2026-06", oldKey)
                .decryptionKey("2026-12", newKey)
                .build(),
            b -> b);
    OAuthClient onNew =
        instance(
            RedisTokenStore.builder(jedis())
                .encryptionKey("2026-12", newKey)
                .decryptionKey("2026-06", oldKey)
                .build(),
            b -> b);

    AccessToken first = onOld.getToken();
    assertThat(onNew.getToken()).isEqualTo(first);
    AccessToken second = onNew.refresh(); // written with the new key
    onOld.invalidate(first);

    assertThat(onOld.getToken()).isEqualTo(second);
    assertThat(tokens.requestCount()).isEqualTo(2);
  }

  // Defect 5: an old entry put back by someone with write access is not taken over a newer token.
  @Test
  void oldEntryRestoredIntoRedis_isNotTakenByAnInstanceThatSawANewerOne() {
    OAuthClient a = instance(b -> b);
    OAuthClient c = instance(b -> b);
    AccessToken first = a.getToken();
    String name = tokenName();
    String oldEntry = redis.get(name);
    AccessToken second = a.refresh(); // say the provider revoked the first one
    assertThat(c.getToken()).isEqualTo(second); // c has seen the newer token

    redis.set(name, oldEntry, SetParams.setParams().px(3_600_000));
    c.invalidate(second); // c needs a new token: the store now holds the old one

    AccessToken third = c.getToken();
    assertThat(third).isNotEqualTo(first).isNotEqualTo(second);
    assertThat(tokens.requestCount()).isEqualTo(3);
  }
}
