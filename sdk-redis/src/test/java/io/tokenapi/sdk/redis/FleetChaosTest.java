package io.tokenapi.sdk.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.testkit.FakeTokenServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/**
 * A fleet of worker JVMs rotating 4-second tokens through a real Redis while Redis is restarted,
 * frozen (SIGSTOP/SIGCONT) and flushed, and while the provider answers slower than the lock TTL.
 * Every caller must get a valid token, within a bounded wait. The default run is one 6-second chaos
 * cycle; {@code -Dfleet.chaos.millis=60000} repeats the cycle for a minute (see RELIABILITY.md).
 */
class FleetChaosTest {
  private static final long CYCLE_MILLIS = 6_000;
  private static final long LIFETIME_MILLIS = 4_000;
  private static final long REFRESH_AHEAD_MILLIS = 1_000;
  private static final long LOCK_TTL_MILLIS = 500;
  private static final long PROVIDER_DELAY_MILLIS = 1_000; // past the lock TTL
  private static final int JVMS = 3;
  private static final int THREADS = 4;

  private static RedisServer redisServer;
  private final FakeTokenServer tokens = new FakeTokenServer();
  @TempDir Path dir;

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

  @AfterEach
  void stopTokenServer() throws Exception {
    tokens.close();
    redisServer.resume(); // never leave it frozen
    redisServer.restart();
  }

  @Test
  void fleetUnderRedisRestartPauseFlushAndASlowProvider_everyCallerGetsAValidToken()
      throws Exception {
    long runMillis = Math.max(CYCLE_MILLIS, Long.getLong("fleet.chaos.millis", CYCLE_MILLIS));
    tokens.tokenLifetime(Duration.ofMillis(LIFETIME_MILLIS)).start();
    long calls = 0;
    long maxMillis = 0;
    Set<String> seen = new LinkedHashSet<>();
    int[] events = new int[4]; // restarts, pauses, flushes, slow answers
    try (WorkerFleet fleet = new WorkerFleet(dir)) {
      for (int i = 1; i <= JVMS; i++) {
        Map<String, String> options = new HashMap<>();
        options.put("redisPort", String.valueOf(redisServer.port()));
        options.put("baseUrl", tokens.baseUrl());
        options.put("threads", String.valueOf(THREADS));
        options.put("runMillis", String.valueOf(runMillis));
        options.put("lockTtlMillis", String.valueOf(LOCK_TTL_MILLIS));
        options.put("refreshAheadMillis", String.valueOf(REFRESH_AHEAD_MILLIS));
        options.put("expiryMarginMillis", "400");
        options.put("storeTimeoutMillis", "1000");
        options.put("goFile", fleet.goFile().toString());
        fleet.start("jvm-" + i, options);
      }
      fleet.awaitReady(60_000);
      fleet.go();
      long start = System.currentTimeMillis();
      while (System.currentTimeMillis() - start < runMillis - 500) {
        long cycleStart = System.currentTimeMillis();
        slowProvider(events);
        at(cycleStart + 1_000);
        redisServer.stop();
        Thread.sleep(300);
        redisServer.restart();
        events[0]++;
        at(cycleStart + 2_500);
        redisServer.pause();
        events[1]++;
        Thread.sleep(1_200);
        redisServer.resume();
        at(cycleStart + 4_500);
        try (RedisClient redis = redisServer.client()) {
          redis.flushAll();
        }
        events[2]++;
        at(cycleStart + CYCLE_MILLIS);
      }
      fleet.awaitExit(60_000);
      for (int i = 1; i <= JVMS; i++) {
        WorkerFleet.Worker worker = fleet.worker("jvm-" + i);
        assertThat(worker.counter("FAILURES"))
            .as("jvm-%d failures: %s", i, worker.stderr())
            .isZero();
        assertThat(worker.counter("INVALID")).as("jvm-%d expired tokens", i).isZero();
        calls += worker.counter("CALLS");
        maxMillis = Math.max(maxMillis, worker.counter("MAXMS"));
        seen.addAll(worker.tokens());
      }
    }
    long withoutSharing = JVMS * (runMillis / (LIFETIME_MILLIS - REFRESH_AHEAD_MILLIS) + 1);
    System.out.printf(
        "fleet chaos: %d JVMs x %d threads for %d ms; %d Redis restarts, %d pauses (1.2 s), %d"
            + " flushes, %d provider answers delayed %d ms (lock TTL %d ms): %d getToken() calls,"
            + " 0 failures, 0 expired tokens, longest call %d ms, %d token requests (without"
            + " sharing ~%d)%n",
        JVMS,
        THREADS,
        runMillis,
        events[0],
        events[1],
        events[2],
        events[3],
        PROVIDER_DELAY_MILLIS,
        LOCK_TTL_MILLIS,
        calls,
        maxMillis,
        tokens.requestCount(),
        withoutSharing);

    assertThat(seen).isSubsetOf(tokens.issuedTokens());
    // Store timeout (1 s) + a delayed answer (1 s) + a second store step; loose for a loaded
    // machine.
    assertThat(maxMillis).isLessThan(6_000);
    assertThat(tokens.requestCount()).isLessThanOrEqualTo((int) withoutSharing);
  }

  private void slowProvider(int[] events) {
    for (int i = 0; i < 2; i++) {
      tokens.enqueueDelay(Duration.ofMillis(PROVIDER_DELAY_MILLIS));
      events[3]++;
    }
  }

  private static void at(long epochMillis) throws InterruptedException {
    long left = epochMillis - System.currentTimeMillis();
    if (left > 0) {
      Thread.sleep(left);
    }
  }
}
