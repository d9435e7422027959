package io.tokenapi.sdk.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.logcapture.CapturingLogs;
import io.tokenapi.testkit.FakeTokenServer;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * Two {@link OAuthClient}s, each with its own Jedis pool and {@link RedisTokenStore}, sharing
 * tokens through a real Redis that gets tampered with, stopped, restarted and frozen.
 */
class RedisTokenSharingTest {
  private static RedisServer redisServer;

  private final FakeTokenServer tokens = new FakeTokenServer();

  /** The test's own view of Redis; per test, because a restart breaks pooled connections. */
  private RedisClient redis;

  private RedisClient redisA;
  private RedisClient redisB;
  private OAuthClient a;
  private OAuthClient b;
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
  void twoInstances() {
    redis = redisServer.client();
    redis.flushAll();
    logs = CapturingLogs.start();
    tokens.start();
    redisA = redisServer.client();
    redisB = redisServer.client();
    a = client(redisA);
    b = client(redisB);
  }

  @AfterEach
  void closeInstances() throws Exception {
    for (AutoCloseable closeable :
        new AutoCloseable[] {a, b, redisA, redisB, redis, tokens, logs}) {
      if (closeable != null) {
        closeable.close();
      }
    }
    redisServer.restart(); // a test that stopped Redis leaves it running again for the next one
  }

  private OAuthClient client(RedisClient jedis) {
    return OAuthClient.builder()
        .baseUrl(tokens.baseUrl())
        .clientId(FleetWorker.CLIENT_ID)
        .clientSecret(FleetWorker.CLIENT_SECRET)
        .tokenStore(RedisTokenStore.builder(jedis).encryptionKey(FleetWorker.fleetKey()).build())
        .tokenStoreLockTtl(Duration.ofSeconds(2))
        .build();
  }

  @Test
  void secondInstance_takesTheTokenFromRedis() {
    AccessToken first = a.getToken();

    assertThat(b.getToken()).isEqualTo(first);
    assertThat(tokens.requestCount()).isEqualTo(1);
  }

  @Test
  void keyNames_holdNeitherTheClientIdNorTheSecret() {
    a.getToken();

    Set<String> keys = redis.keys("*");
    assertThat(keys)
        .singleElement()
        .satisfies(
            key ->
                assertThat(key)
                    .matches("\\{tokenapi:token:[0-9a-f]{32}\\}")
                    .doesNotContain(FleetWorker.CLIENT_ID)
                    .doesNotContain(FleetWorker.CLIENT_SECRET));
  }

  @Test
  void tamperedCiphertext_isRefetchedFromTheTokenServer() {
    AccessToken first = a.getToken();
    String name = redis.keys("{tokenapi:token:*").iterator().next();
    String key = name.substring(1, name.length() - 1);
    byte[] sealed = Base64.getDecoder().decode(redis.get(name));
    sealed[sealed.length / 2] ^= 0x40;
    redis.set(name, Base64.getEncoder().encodeToString(sealed), SetParams.setParams().keepTtl());

    AccessToken second = b.getToken();

    assertThat(second.value()).isEqualTo("fake-token-2");
    assertThat(second).isNotEqualTo(first);
    assertThat(tokens.requestCount()).isEqualTo(2);
    // The refetched token replaced the tampered entry, for the rest of the fleet.
    RedisTokenStore store =
        RedisTokenStore.builder(redis).encryptionKey(FleetWorker.fleetKey()).build();
    assertThat(store.load(key)).contains(second);
    assertThat(logs.events()).noneSatisfy(e -> assertThat(e.message()).contains("fake-token-1"));
  }

  @Test
  void redisStoppedMidRun_callersKeepGettingTokens_andSharingResumesAfterRestart()
      throws Exception {
    AccessToken shared = a.getToken();
    assertThat(b.getToken()).isEqualTo(shared);

    redisServer.stop();
    long outageStarted = System.nanoTime();
    AccessToken ownA = a.refresh();
    AccessToken ownB = b.refresh();
    long outageMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - outageStarted);

    // Each instance fetched on its own: tokens kept coming, without Redis.
    assertThat(Set.of(shared, ownA, ownB)).hasSize(3);
    assertThat(a.getToken()).isEqualTo(ownA);
    assertThat(logs.messages(Level.WARN))
        .filteredOn(m -> m.startsWith("Token store failed"))
        .hasSize(2); // one per client for the whole outage
    assertThat(outageMillis).isLessThan(5_000);

    redisServer.restart();
    // Pooled connections broken by the restart fail once each, and are replaced: a few rounds at
    // most.
    boolean sharing = false;
    for (int round = 0; round < 10 && !sharing; round++) {
      AccessToken renewed = a.refresh();
      b.invalidate();
      sharing = b.getToken().equals(renewed);
    }

    assertThat(sharing).as("B takes A's token from Redis again").isTrue();
    assertThat(logs.messages(Level.INFO))
        .anySatisfy(m -> assertThat(m).startsWith("Token store answers again"));
    System.out.printf(
        "redis outage: two refreshes without Redis took %d ms; %d token requests in all%n",
        outageMillis, tokens.requestCount());
  }

  @Test
  void redisFrozen_refreshFallsBackToTheTokenServerAfterASocketTimeoutOrTwo() throws Exception {
    a.getToken();

    redisServer.pause();
    AccessToken renewed;
    long millis;
    try {
      long started = System.nanoTime();
      renewed = a.refresh();
      millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    } finally {
      redisServer.resume();
    }

    assertThat(renewed.value()).isEqualTo("fake-token-2");
    // The store read hits the 500 ms socket timeout (Jedis may spend a second one dropping the
    // broken connection), then the client fetches on its own. The upper bound is loose for a loaded
    // CI machine.
    assertThat(millis).isBetween(450L, 4_000L);
    assertThat(logs.messages(Level.WARN)).anySatisfy(m -> assertThat(m).contains("Token store"));
    System.out.printf("redis frozen: refresh took %d ms with a 500 ms socket timeout%n", millis);
  }
}
