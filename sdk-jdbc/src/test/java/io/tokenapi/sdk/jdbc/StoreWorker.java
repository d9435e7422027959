package io.tokenapi.sdk.jdbc;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.FileTokenStore;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.RetryPolicy;
import io.tokenapi.sdk.TokenStore;
import io.tokenapi.sdk.storecontract.TestKeys;
import io.tokenapi.testkit.FakeTokenServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * A service process for {@link StoreProcessesTest}, run as its own JVM. {@code store=file dir=...}
 * or {@code store=postgres port=...}; then:
 *
 * <ul>
 *   <li>{@code mode=client baseUrl=...}: an {@link OAuthClient} on that store gets one token and
 *       prints {@code TOKEN <value>} and {@code EXPIRES <epoch ms>} (or {@code FAILED <type>}),
 *       then exits: a service that starts, works and stops.
 *   <li>{@code mode=read key=...}: reads the store once and prints {@code EMPTY}, {@code PRESENT}
 *       or {@code FAILED <type>} (an {@link OutOfMemoryError} included), then exits: the huge-row
 *       test runs it with a small heap.
 *   <li>{@code mode=writer}: saves tokens under {@link #CRASH_KEY} in a tight loop, printing {@code
 *       READY} after the first, until it is killed (or {@code MAX_LIFE_MILLIS} pass).
 * </ul>
 *
 * Token values are fakes of the test's {@link FakeTokenServer} or made up here.
 */
final class StoreWorker {
  static final String CRASH_KEY = "tokenapi:token:crash-test";
  static final int CRASH_PADDING = 2_000;
  static final String COLD_KEY = "tokenapi:token:cold-read";

  private static final long MAX_LIFE_MILLIS = 30_000;

  private StoreWorker() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      options.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    Thread reaper =
        new Thread(
            () -> {
              try {
                Thread.sleep(MAX_LIFE_MILLIS);
              } catch (InterruptedException e) {
                return;
              }
              // Where it hung, for the test's failure message.
              Thread.getAllStackTraces()
                  .forEach(
                      (t, stack) -> {
                        System.err.println(t);
                        for (StackTraceElement e : stack) {
                          System.err.println("    at " + e);
                        }
                      });
              System.exit(3);
            });
    reaper.setDaemon(true);
    reaper.start();

    if ("coldread".equals(options.get("mode"))) {
      coldRead(options);
      System.exit(0);
    }
    TokenStore store = store(options);
    if ("read".equals(options.get("mode"))) {
      try {
        System.out.println(store.read(options.get("key")).isPresent() ? "PRESENT" : "EMPTY");
      } catch (RuntimeException | OutOfMemoryError e) {
        System.out.println("FAILED " + e.getClass().getName());
        e.printStackTrace();
      }
      System.exit(0);
    }
    if ("writer".equals(options.get("mode"))) {
      write(store);
    } else {
      try (OAuthClient client =
          client(
              options.get("baseUrl"),
              store,
              Duration.ofMillis(Long.parseLong(options.getOrDefault("maxWaitMillis", "30000"))))) {
        AccessToken token = client.getToken();
        System.out.println("TOKEN " + token.value());
        System.out.println("EXPIRES " + token.expiresAt().toEpochMilli());
      } catch (RuntimeException e) {
        System.out.println("FAILED " + e.getClass().getName());
        e.printStackTrace();
      }
    }
    System.exit(0);
  }

  static TokenStore store(Map<String, String> options) {
    switch (options.get("store")) {
      case "file":
        return FileTokenStore.builder(Path.of(options.get("dir")))
            .encryptionKey("restart", TestKeys.aes256(9))
            .build();
      case "postgres":
        return JdbcTokenStore.builder(Databases.postgresAt(Integer.parseInt(options.get("port"))))
            .encryptionKey("restart", TestKeys.aes256(9))
            .build();
      case "redis":
        return redis(Integer.parseInt(options.get("port")));
      default:
        throw new IllegalArgumentException("store=" + options.get("store"));
    }
  }

  /** RedisTokenStore by reflection: this module does not read sdk-redis, its tests only run it. */
  private static TokenStore redis(int port) {
    try {
      Class<?> type = Class.forName("io.tokenapi.sdk.redis.RedisTokenStore");
      Object builder =
          type.getMethod("builder", String.class, int.class).invoke(null, "127.0.0.1", port);
      builder
          .getClass()
          .getMethod("encryptionKey", String.class, javax.crypto.SecretKey.class)
          .invoke(builder, "restart", TestKeys.aes256(9));
      return (TokenStore) builder.getClass().getMethod("build").invoke(builder);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("RedisTokenStore is not on the class path", e);
    }
  }

  static OAuthClient client(String baseUrl, TokenStore store, Duration maxWait) {
    return OAuthClient.builder()
        .baseUrl(baseUrl)
        .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
        .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
        .tokenStore(store)
        // The restarted JVM gets a short bound: a request to the closed provider shows as a failure
        // within the test instead of a wait until it opens.
        .retryPolicy(RetryPolicy.builder().maxWait(maxWait).build())
        .build();
  }

  /** A made-up token whose value says whether it was read whole. */
  static String crashValue(long n) {
    return "crash-" + n + "-" + "x".repeat(CRASH_PADDING) + "-end";
  }

  /**
   * A restarted service's first store read: build the store, then load the token a previous run
   * saved ({@code seed=true} saves it first). Prints {@code COLD <build µs> <first load µs> <warm
   * load µs>}, the last the mean of 200 further loads.
   */
  private static void coldRead(Map<String, String> options) {
    if (Boolean.parseBoolean(options.getOrDefault("seed", "false"))) {
      store(options)
          .save(
              COLD_KEY, AccessToken.of("cold-read-token", Instant.now().plus(Duration.ofHours(1))));
    }
    long start = System.nanoTime();
    TokenStore store = store(options);
    long built = System.nanoTime();
    AccessToken token = store.load(COLD_KEY).orElseThrow();
    long loaded = System.nanoTime();
    int warm = 200;
    for (int i = 0; i < warm; i++) {
      store.load(COLD_KEY).orElseThrow();
    }
    long warmNanos = (System.nanoTime() - loaded) / warm;
    if (!token.value().equals("cold-read-token")) {
      throw new AssertionError("read another token");
    }
    System.out.printf(
        "COLD %d %d %d%n", (built - start) / 1000, (loaded - built) / 1000, warmNanos / 1000);
  }

  private static void write(TokenStore store) {
    for (long n = 1; ; n++) {
      store.save(
          CRASH_KEY, AccessToken.of(crashValue(n), Instant.now().plus(Duration.ofMinutes(10))));
      if (n == 1) {
        System.out.println("READY");
        System.out.flush();
      }
    }
  }
}
