package io.tokenapi.sdk.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.testkit.FakeTokenServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/**
 * A fleet of separate JVMs sharing tokens through a real Redis: each worker JVM has its own {@link
 * OAuthClient}, {@link RedisTokenStore} and Jedis pool, as the instances of a service do.
 */
class FleetProcessesTest {
  private static RedisServer redisServer;
  private static RedisClient redis;

  private final FakeTokenServer tokens = new FakeTokenServer();
  @TempDir Path dir;

  @BeforeAll
  static void startRedis() throws Exception {
    redisServer = RedisServer.start();
    redis = redisServer.client();
  }

  @AfterAll
  static void stopRedis() {
    if (redis != null) {
      redis.close();
    }
    if (redisServer != null) {
      redisServer.close();
    }
  }

  @BeforeEach
  void emptyRedisAndStartTokenServer() {
    redis.flushAll();
    tokens.start();
  }

  @AfterEach
  void stopTokenServer() {
    tokens.close();
  }

  @Test
  void fourJvmsTimesSixteenThreads_coldCache_makeExactlyOneTokenRequest() throws Exception {
    tokens.enqueueDelay(Duration.ofMillis(200)); // a slightly slow token server widens the race
    List<String> everyToken = new ArrayList<>();
    long launched = System.nanoTime();
    long started;
    try (WorkerFleet fleet = new WorkerFleet(dir)) {
      for (int i = 1; i <= 4; i++) {
        fleet.start("jvm-" + i, options(16, 0, 10_000, fleet));
      }
      fleet.awaitReady(60_000);
      started = System.nanoTime();
      fleet.go();
      fleet.awaitExit(30_000);
      for (int i = 1; i <= 4; i++) {
        List<String> got = workerTokens(fleet, i);
        assertThat(got).as("jvm-%d tokens", i).hasSize(16);
        everyToken.addAll(got);
      }
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    System.out.printf(
        "fleet cold start: 4 JVMs x 16 threads, %d getToken() results, %d distinct, %d token request(s),"
            + " %d ms from go to the last exit (the JVMs took %d ms to start)%n",
        everyToken.size(),
        new LinkedHashSet<>(everyToken).size(),
        tokens.requestCount(),
        millis,
        TimeUnit.NANOSECONDS.toMillis(started - launched));

    assertThat(tokens.requestCount()).isEqualTo(1);
    assertThat(new LinkedHashSet<>(everyToken)).containsExactly("fake-token-1");
  }

  @Test
  void threeJvmsRotatingTwoSecondTokens_makeOneRequestPerLifetimeForTheFleet() throws Exception {
    long lifetimeMillis = 2_000;
    long refreshAheadMillis = 300;
    long runMillis = 6_000;
    tokens.tokenLifetime(Duration.ofMillis(lifetimeMillis));
    Set<String> seen = new LinkedHashSet<>();
    long calls = 0;
    try (WorkerFleet fleet = new WorkerFleet(dir)) {
      for (int i = 1; i <= 3; i++) {
        Map<String, String> options = options(4, runMillis, 5_000, fleet);
        options.put("refreshAheadMillis", String.valueOf(refreshAheadMillis));
        options.put("expiryMarginMillis", "100");
        fleet.start("jvm-" + i, options);
      }
      fleet.awaitReady(60_000);
      fleet.go();
      fleet.awaitExit(30_000);
      for (int i = 1; i <= 3; i++) {
        WorkerFleet.Worker worker = worker(fleet, i);
        assertThat(worker.counter("FAILURES")).as("jvm-%d failures", i).isZero();
        // Every instance went through the rotation, not just one of them.
        assertThat(worker.tokens()).as("jvm-%d tokens", i).hasSizeGreaterThanOrEqualTo(2);
        seen.addAll(worker.tokens());
        calls += worker.counter("CALLS");
      }
    }
    long perInstanceWithoutSharing = runMillis / (lifetimeMillis - refreshAheadMillis) + 1;
    System.out.printf(
        "fleet rotation: 3 JVMs x 4 threads for %d ms, tokens living %d ms (refreshed %d ms ahead):"
            + " %d getToken() calls, %d token requests, %d distinct tokens seen; without sharing ~%d%n",
        runMillis,
        lifetimeMillis,
        refreshAheadMillis,
        calls,
        tokens.requestCount(),
        seen.size(),
        3 * perInstanceWithoutSharing);

    // One request per refresh cycle for the whole fleet: at most run / (lifetime - refresh ahead) +
    // the first, where three instances on their own would make three times that. (A loaded machine
    // slows the first request, so the lower bound only asks that the tokens rotated.)
    assertThat(tokens.requestCount()).isBetween(2, (int) perInstanceWithoutSharing + 1);
    assertThat(seen).isSubsetOf(tokens.issuedTokens());
  }

  @Test
  void lockHolderKilled_anotherClientTakesOverAfterTheLockTtl() throws Exception {
    long lockTtlMillis = 1_500;
    // Two running instances that share fake-token-1; both will want to replace it. The taker is
    // built and warmed up first, and the holder gets its first token before the test starts, so the
    // times below measure the takeover, not class loading.
    try (WorkerFleet fleet = new WorkerFleet(dir);
        RedisClient ownRedis = redisServer.client();
        OAuthClient taker =
            FleetWorker.client(
                Map.of("baseUrl", tokens.baseUrl(), "lockTtlMillis", String.valueOf(lockTtlMillis)),
                ownRedis)) {
      Map<String, String> options = options(1, 0, lockTtlMillis, fleet);
      options.put("warmUp", "true");
      options.put("refresh", "true");
      WorkerFleet.Worker holder = fleet.start("holder", options);
      fleet.awaitReady(60_000);
      tokens.takeRequest(Duration.ofSeconds(1));
      assertThat(taker.getToken().value()).isEqualTo("fake-token-1");
      assertThat(tokens.requestCount()).isEqualTo(1);

      tokens.enqueueDelay(
          Duration.ofSeconds(20)); // the holder's refresh hangs; closing the server ends the wait
      fleet.go();
      tokens.takeRequest(Duration.ofSeconds(30)); // the holder has the lock and waits for its token
      Set<String> locks = redis.keys("{tokenapi:token:*}:lock");
      assertThat(locks).hasSize(1);
      String lockKey = locks.iterator().next();
      long measuredAt = System.nanoTime();
      long lockLeftMillis = redis.pttl(lockKey);
      assertThat(lockLeftMillis).isBetween(1L, lockTtlMillis);
      holder.process.destroyForcibly();
      assertThat(holder.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
      AccessToken token = taker.refresh();
      long gotAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - measuredAt);
      System.out.printf(
          "lock takeover: holder killed with %d ms of its %d ms lock left; the next client got %s"
              + " %d ms after, %d token requests%n",
          lockLeftMillis, lockTtlMillis, token.value(), gotAfterMillis, tokens.requestCount());

      assertThat(token.value()).isEqualTo("fake-token-3");
      // Not before the dead holder's lock expired; then promptly (the bound is loose for a loaded
      // CI machine).
      assertThat(gotAfterMillis).isBetween(lockLeftMillis - 20, lockLeftMillis + 5_000);
      // It took the lock, so it saved the token for the fleet. "{K}:lock" -> K
      String tokenKey =
          lockKey.substring(1, lockKey.length() - RedisTokenStore.LOCK_SUFFIX.length() - 1);
      RedisTokenStore store =
          RedisTokenStore.builder(redis).encryptionKey(FleetWorker.fleetKey()).build();
      assertThat(store.load(tokenKey).map(AccessToken::value)).contains("fake-token-3");
      assertThat(tokens.requestCount()).isEqualTo(3);
    }
  }

  private Map<String, String> options(
      int threads, long runMillis, long lockTtlMillis, WorkerFleet fleet) {
    Map<String, String> options = new java.util.HashMap<>();
    options.put("redisPort", String.valueOf(redisServer.port()));
    options.put("baseUrl", tokens.baseUrl());
    options.put("threads", String.valueOf(threads));
    options.put("runMillis", String.valueOf(runMillis));
    options.put("lockTtlMillis", String.valueOf(lockTtlMillis));
    options.put("goFile", fleet.goFile().toString());
    return options;
  }

  private static WorkerFleet.Worker worker(WorkerFleet fleet, int i) {
    return fleet.worker("jvm-" + i);
  }

  private static List<String> workerTokens(WorkerFleet fleet, int i) {
    return worker(fleet, i).tokens();
  }
}
