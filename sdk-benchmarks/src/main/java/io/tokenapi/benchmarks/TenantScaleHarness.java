package io.tokenapi.benchmarks;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.OAuthClientListener;
import io.tokenapi.sdk.RetryPolicy;
import io.tokenapi.sdk.TenantCredentials;
import io.tokenapi.sdk.TenantTokens;
import io.tokenapi.testkit.FakeTokenServer;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jol.info.GraphLayout;

/**
 * The scale figures of {@link TenantTokens}, each in one run against a loopback {@link
 * FakeTokenServer}:
 *
 * <ol>
 *   <li>{@code memory}: 100,000 tenants holding a token; retained heap per tenant (JOL, the whole
 *       graph reachable from the {@code TenantTokens}, shared parts included) and the threads.
 *   <li>{@code cold}: 10,000 tenants asked at once with {@code maxConcurrentRequests} 64: token
 *       requests, the most in flight at the server, callers served, wait percentiles.
 *   <li>{@code churn}: more tenants than {@code maxTenants}, Zipf-distributed calls: hit rate,
 *       token requests per minute, and whether any request was for a tenant still held.
 *   <li>{@code scan}: what the least-recently-used scan costs an admitting caller at 100,000.
 * </ol>
 *
 * <pre>
 * ./mvnw -B -q -Pbenchmarks -pl sdk-benchmarks -am package -DskipTests
 * java -cp sdk-benchmarks/target/benchmarks.jar io.tokenapi.benchmarks.TenantScaleHarness [memory|cold|churn|scan]
 * </pre>
 */
public final class TenantScaleHarness {
  private TenantScaleHarness() {}

  /**
   * Runs the named parts, or all three.
   *
   * @param args {@code memory}, {@code cold}, {@code churn}; none for all
   * @throws Exception if a part fails
   */
  public static void main(String[] args) throws Exception {
    List<String> parts = args.length == 0 ? List.of("memory", "cold", "churn") : List.of(args);
    System.out.println(
        "java "
            + System.getProperty("java.version")
            + ", "
            + Runtime.getRuntime().availableProcessors()
            + " cores");
    if (parts.contains("memory")) {
      memory(100_000);
    }
    if (parts.contains("cold")) {
      cold(10_000, 64);
    }
    if (parts.contains("churn")) {
      churn(5_000, 1_000, Duration.ofSeconds(20));
    }
    if (parts.contains("scan")) {
      scan(100_000, 5);
    }
  }

  /**
   * What the least-recently-used scan costs the caller that admits a tenant beyond {@code
   * maxTenants}: {@code n} tenants held (their lookups fail at once, no requests), then {@code
   * batches} eviction batches' worth of new tenants, each admission timed on the caller's thread.
   */
  static void scan(int n, int batches) throws Exception {
    try (TenantTokens tokens =
        TenantTokens.builder()
            .baseUrl("http://127.0.0.1:9")
            .maxTenants(n)
            .credentials(
                t -> {
                  throw new IllegalStateException("no lookups in this run");
                })
            .build()) {
      for (int i = 0; i < n; i++) {
        tokens.getTokenAsync(tenant(i)).exceptionally(e -> null);
      }
      int batch = Math.max(1, n / 64);
      int extra = batches * batch;
      long[] nanos = new long[extra];
      for (int k = 0; k < extra; k++) {
        long start = System.nanoTime();
        tokens.getTokenAsync(tenant(n + k)).exceptionally(e -> null);
        nanos[k] = System.nanoTime() - start;
      }
      long[] sorted = nanos.clone();
      Arrays.sort(sorted);
      StringBuilder slow = new StringBuilder();
      for (long t : nanos) {
        if (t > 1_000_000) {
          slow.append(String.format(" %.1f", t / 1e6));
        }
      }
      System.out.printf(
          "scan: %,d tenants held, %,d admitted beyond maxTenants (batch %,d): admission p50 %.3f"
              + " ms, p99 %.3f ms, max %.1f ms; admissions over 1 ms (ms):%s; held after: %,d%n",
          n,
          extra,
          batch,
          sorted[extra / 2] / 1e6,
          sorted[(int) (extra * 0.99)] / 1e6,
          sorted[extra - 1] / 1e6,
          slow,
          tokens.size());
    }
  }

  /** Failed attempts by outcome and type: a retried attempt is an extra token request. */
  static final class Failures implements OAuthClientListener {
    final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    @Override
    public void onAttemptEnded(AttemptEnded event) {
      if (event.outcome() != AttemptOutcome.SUCCESS) {
        counts
            .computeIfAbsent(
                event.outcome() + " " + event.statusCode() + " " + event.errorType(),
                k -> new LongAdder())
            .increment();
      }
    }

    @Override
    public String toString() {
      return counts.isEmpty() ? "none" : counts.toString();
    }
  }

  /**
   * The retained heap of the tenants: the graph of the tenant map (its table, nodes, tenants,
   * caches, tokens, ids) without the objects every tenant points to but shares (clock, listener,
   * policies, pools), which are left out of the walk. Each tenant's back-reference to the {@code
   * TenantTokens} is cut while measuring, so the shared threads and client are not walked.
   */
  static long tenantBytes(TenantTokens tokens) throws ReflectiveOperationException {
    Field mapField = TenantTokens.class.getDeclaredField("tenants");
    mapField.setAccessible(true);
    Map<?, ?> map = (Map<?, ?>) mapField.get(tokens);
    Class<?> tenantClass = Class.forName("io.tokenapi.sdk.Tenant");
    Field owner = tenantClass.getDeclaredField("owner");
    Field cacheField = tenantClass.getDeclaredField("cache");
    owner.setAccessible(true);
    cacheField.setAccessible(true);
    List<Object> tenants = new ArrayList<>(map.values());
    // Shared fields are left out of the walk (nulled for its length) rather than subtracted: the
    // request pool and the listener's event thread are live threads that reach everything, the
    // tenant map too, so subtracting their graphs took every tenant away (1 B per tenant).
    List<Field> pools = new ArrayList<>();
    if (tenants.size() >= 2) {
      // What two tenants' caches both point to is shared by all of them.
      Object a = cacheField.get(tenants.get(0));
      Object b = cacheField.get(tenants.get(1));
      for (Field f : a.getClass().getDeclaredFields()) {
        if (!Modifier.isStatic(f.getModifiers()) && !f.getType().isPrimitive()) {
          f.setAccessible(true);
          Object va = f.get(a);
          if (va != null && va == f.get(b)) {
            pools.add(f);
          }
        }
      }
    }
    Object ownerValue = tenants.isEmpty() ? null : owner.get(tenants.get(0));
    Object[] poolValues = new Object[pools.size()];
    for (int i = 0; i < pools.size(); i++) {
      poolValues[i] = pools.get(i).get(cacheField.get(tenants.get(0)));
    }
    try {
      for (Object t : tenants) {
        owner.set(t, null);
        for (Field f : pools) {
          f.set(cacheField.get(t), null);
        }
      }
      GraphLayout mine = GraphLayout.parseInstance(map);
      lastFootprint = mine.toFootprint();
      return mine.totalSize();
    } finally {
      for (Object t : tenants) {
        owner.set(t, ownerValue);
        for (int i = 0; i < pools.size(); i++) {
          pools.get(i).set(cacheField.get(t), poolValues[i]);
        }
      }
    }
  }

  private static String lastFootprint;

  private static TenantCredentials credentials(String tenant) {
    return TenantCredentials.clientSecret("id-" + tenant, "secret-of-" + tenant + "-0123456789");
  }

  private static FakeTokenServer server(int tenants) {
    FakeTokenServer server = new FakeTokenServer().start();
    for (int i = 0; i < tenants; i++) {
      String t = tenant(i);
      server.client("id-" + t, "secret-of-" + t + "-0123456789");
    }
    return server;
  }

  /** Tenant ids as a platform names its merchants. */
  private static String tenant(int i) {
    return "merchant-" + i;
  }

  static void memory(int n) throws Exception {
    Failures failures = new Failures();
    try (FakeTokenServer server = server(n);
        TenantTokens tokens =
            TenantTokens.builder()
                .baseUrl(server.baseUrl())
                .credentials(TenantScaleHarness::credentials)
                .maxTenants(n)
                .maxConcurrentRequests(64)
                .listener(failures)
                .build()) {
      long baseline = tenantBytes(tokens);
      int threadsBefore = Thread.activeCount();
      // In waves, so no request waits out its call timeout in the queue (the cold run is for that).
      for (int wave = 0; wave < n; wave += 5_000) {
        List<CompletableFuture<AccessToken>> all = new ArrayList<>(5_000);
        for (int i = wave; i < Math.min(n, wave + 5_000); i++) {
          all.add(tokens.getTokenAsync(tenant(i)));
        }
        for (CompletableFuture<AccessToken> f : all) {
          f.join();
        }
      }
      // Let the request threads idle out of the graph's way; they are not per tenant either way.
      System.gc();
      int threadsAfter = Thread.activeCount();
      long total = tenantBytes(tokens);
      System.out.printf(
          "memory: %,d tenants holding a token, %,d token requests (failed attempts: %s); retained"
              + " by the tenants (TenantTokens less its shared parts) %,d B (empty: %,d B) = %,d B"
              + " per tenant; JVM threads %d before, %d after (server's included)%n",
          tokens.size(),
          server.requestCount(),
          failures,
          total,
          baseline,
          (total - baseline) / n,
          threadsBefore,
          threadsAfter);
      String[] lines = lastFootprint.split("\n");
      System.out.println("largest classes (count, total bytes):");
      Arrays.stream(lines)
          .map(String::trim)
          .filter(l -> l.matches("\\d+\\s+\\d+\\s+\\d+\\s+.*"))
          .sorted(
              java.util.Comparator.comparingLong((String l) -> -Long.parseLong(l.split("\\s+")[2])))
          .limit(24)
          .forEach(l -> System.out.println("  " + l));
    }
  }

  static void cold(int n, int maxConcurrent) throws Exception {
    try (FakeTokenServer server = server(n);
        TenantTokens tokens =
            TenantTokens.builder()
                .baseUrl(server.baseUrl())
                .credentials(TenantScaleHarness::credentials)
                .maxTenants(n)
                .maxConcurrentRequests(maxConcurrent)
                .retryPolicy(RetryPolicy.builder().maxWait(Duration.ofSeconds(60)).build())
                .build()) {
      // Every answer takes 2 ms more, so the queue is real, as with a provider under load.
      server.delayAnswers(Duration.ofMillis(2));
      long[] waits = new long[n];
      List<CompletableFuture<AccessToken>> all = new ArrayList<>(n);
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        long asked = System.nanoTime();
        int slot = i;
        all.add(
            tokens
                .getTokenAsync(tenant(i))
                .whenComplete((t, e) -> waits[slot] = System.nanoTime() - asked));
      }
      int served = 0;
      for (CompletableFuture<AccessToken> f : all) {
        if (f.handle((t, e) -> t != null).join()) {
          served++;
        }
      }
      long elapsed = System.nanoTime() - start;
      Arrays.sort(waits);
      System.out.printf(
          "cold: %,d tenants at once, maxConcurrentRequests %d: %,d token requests, at most %d in"
              + " flight at the server, %,d of %,d callers served in %,d ms; wait p50 %,d ms, p99"
              + " %,d ms, max %,d ms%n",
          n,
          maxConcurrent,
          server.requestCount(),
          server.maxRequestsInFlight(),
          served,
          n,
          elapsed / 1_000_000,
          waits[n / 2] / 1_000_000,
          waits[(int) (n * 0.99)] / 1_000_000,
          waits[n - 1] / 1_000_000);
    }
  }

  static void churn(int population, int maxTenants, Duration run) throws Exception {
    AtomicLong lookups = new AtomicLong();
    try (FakeTokenServer server = server(population);
        TenantTokens tokens =
            TenantTokens.builder()
                .baseUrl(server.baseUrl())
                .credentials(
                    t -> {
                      lookups.incrementAndGet();
                      return credentials(t);
                    })
                .maxTenants(maxTenants)
                .maxConcurrentRequests(64)
                .build()) {
      double[] cumulative = zipf(population, 1.0);
      SplittableRandom random = new SplittableRandom(42);
      long calls = 0;
      long end = System.nanoTime() + run.toNanos();
      long start = System.nanoTime();
      while (System.nanoTime() < end) {
        for (int k = 0; k < 1000; k++) {
          int i = Arrays.binarySearch(cumulative, random.nextDouble());
          tokens.getToken(tenant(i < 0 ? -i - 1 : i));
          calls++;
        }
      }
      double minutes = (System.nanoTime() - start) / 60e9;
      long requests = server.requestCount();
      System.out.printf(
          "churn: %,d tenants, maxTenants %,d, Zipf s=1.0: %,d calls, %,d token requests (%.2f%%"
              + " hit rate), %,.0f token requests per minute; credentials lookups %,d (one per"
              + " tenant taken in: a request for a tenant still held would make requests exceed"
              + " them by that many: %,d)%n",
          population,
          maxTenants,
          calls,
          requests,
          100.0 * (calls - requests) / calls,
          requests / minutes,
          lookups.get(),
          requests - lookups.get());
    }
  }

  /** Cumulative Zipf probabilities over ranks 1..n. */
  private static double[] zipf(int n, double s) {
    double[] weights = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += 1 / Math.pow(i + 1, s);
      weights[i] = sum;
    }
    for (int i = 0; i < n; i++) {
      weights[i] /= sum;
    }
    return weights;
  }
}
