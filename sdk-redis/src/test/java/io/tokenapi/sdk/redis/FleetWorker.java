package io.tokenapi.sdk.redis;

import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.testkit.FakeTokenServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.SecretKey;
import redis.clients.jedis.RedisClient;

/**
 * One instance of a fleet, run as its own JVM by {@link WorkerFleet}: an {@link OAuthClient} with a
 * {@link RedisTokenStore}, and {@code threads} threads released together when the go file appears.
 * Each thread calls {@code getToken()} ({@code refresh()} with {@code refresh=true}) once ({@code
 * runMillis=0}) or in a loop for {@code runMillis}; with {@code warmUp=true} the worker first gets
 * one token and prints {@code WARM <value>}. Prints {@code READY}, then {@code TOKEN <value>} for
 * each token a thread got (once per distinct value in loop mode), {@code CALLS n}, {@code FAILURES
 * n}, {@code INVALID n} (tokens already expired when returned), {@code MAXMS n} (the longest call)
 * and {@code DONE}. Token values here are fakes of the test's {@link FakeTokenServer}.
 */
final class FleetWorker {
  static final String CLIENT_ID = FakeTokenServer.DEFAULT_CLIENT_ID;
  static final String CLIENT_SECRET = FakeTokenServer.DEFAULT_CLIENT_SECRET;

  /** Bounds every wait, so a worker the test forgot can never run forever. */
  private static final long MAX_LIFE_MILLIS = 60_000;

  private FleetWorker() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      options.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    int threads = Integer.parseInt(options.get("threads"));
    long runMillis = Long.parseLong(options.get("runMillis"));
    String goFile = options.get("goFile");
    boolean refresh = Boolean.parseBoolean(options.getOrDefault("refresh", "false"));
    long maxLife = MAX_LIFE_MILLIS + runMillis;
    Thread reaper =
        new Thread(
            () -> {
              sleep(maxLife);
              System.exit(3);
            });
    reaper.setDaemon(true);
    reaper.start();

    try (RedisServerClient redis =
            new RedisServerClient(Integer.parseInt(options.get("redisPort")));
        OAuthClient client = client(options, redis.client)) {
      AtomicInteger calls = new AtomicInteger();
      AtomicInteger failures = new AtomicInteger();
      AtomicInteger invalid = new AtomicInteger();
      java.util.concurrent.atomic.AtomicLong maxNanos =
          new java.util.concurrent.atomic.AtomicLong();
      List<Set<String>> seen = new ArrayList<>();
      CountDownLatch go = new CountDownLatch(1);
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Set<String> mine = new LinkedHashSet<>();
        seen.add(mine);
        Thread worker =
            new Thread(
                () -> {
                  try {
                    go.await();
                    long until = System.currentTimeMillis() + runMillis;
                    do {
                      long started = System.nanoTime();
                      try {
                        io.tokenapi.sdk.AccessToken token =
                            refresh ? client.refresh() : client.getToken();
                        String value = token.value();
                        calls.incrementAndGet();
                        if (!token.expiresAt().isAfter(java.time.Instant.now())) {
                          invalid.incrementAndGet();
                        }
                        if (runMillis == 0) {
                          System.out.println("TOKEN " + value);
                        } else {
                          mine.add(value);
                        }
                      } catch (RuntimeException e) {
                        failures.incrementAndGet();
                        System.err.println("FAILED " + e);
                      }
                      maxNanos.accumulateAndGet(System.nanoTime() - started, Math::max);
                      if (runMillis > 0) {
                        Thread.sleep(5);
                      }
                    } while (System.currentTimeMillis() < until);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "fleet-worker-" + t);
        workers.add(worker);
        worker.start();
      }
      if (Boolean.parseBoolean(options.getOrDefault("warmUp", "false"))) {
        // A first token before the go: classes loaded and connections open, as in a service that
        // has been running.
        System.out.println("WARM " + client.getToken().value());
      }
      System.out.println("READY");
      if (!"none".equals(goFile)) {
        while (!Files.exists(Path.of(goFile))) {
          Thread.sleep(2);
        }
      }
      go.countDown();
      for (Thread worker : workers) {
        worker.join(maxLife);
      }
      Set<String> distinct = new LinkedHashSet<>();
      seen.forEach(distinct::addAll);
      distinct.forEach(value -> System.out.println("TOKEN " + value));
      System.out.println("CALLS " + calls.get());
      System.out.println("FAILURES " + failures.get());
      System.out.println("INVALID " + invalid.get());
      System.out.println(
          "MAXMS " + java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(maxNanos.get()));
      System.out.println("DONE");
    }
    System.exit(0);
  }

  static OAuthClient client(Map<String, String> options, RedisClient redis) {
    return OAuthClient.builder()
        .baseUrl(options.get("baseUrl"))
        .clientId(CLIENT_ID)
        .clientSecret(CLIENT_SECRET)
        .tokenStore(RedisTokenStore.builder(redis).encryptionKey(fleetKey()).build())
        .tokenStoreLockTtl(Duration.ofMillis(Long.parseLong(options.get("lockTtlMillis"))))
        .refreshAhead(
            Duration.ofMillis(Long.parseLong(options.getOrDefault("refreshAheadMillis", "300000"))))
        .expiryMargin(
            Duration.ofMillis(Long.parseLong(options.getOrDefault("expiryMarginMillis", "30000"))))
        .tokenStoreTimeout(
            Duration.ofMillis(Long.parseLong(options.getOrDefault("storeTimeoutMillis", "2000"))))
        .build();
  }

  /**
   * The key every instance of the test fleet shares, as a real fleet shares one from its secret
   * store.
   */
  static SecretKey fleetKey() {
    return RedisTokenStoreTest.aesKey(32, 42);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The worker's own pooled Jedis client, closed with the worker. */
  private static final class RedisServerClient implements AutoCloseable {
    final RedisClient client;

    RedisServerClient(int port) {
      this.client = RedisServer.clientFor(port);
    }

    @Override
    public void close() {
      client.close();
    }
  }
}
