package io.tokenapi.benchmarks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.TenantCredentials;
import io.tokenapi.sdk.TenantTokens;
import io.tokenapi.testkit.FakeTokenServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The hit path of {@link TenantTokens#getToken(String)} beside the single client's, and the bounded
 * map it stands on (a {@link ConcurrentHashMap} with a coarse last-access stamp and a periodic
 * sweep) beside Caffeine's bounded cache ({@code maximumSize} + {@code expireAfterAccess}), the
 * library that would otherwise join sdk-core for the eviction.
 *
 * <p>{@code ...One} asks for one tenant every time; {@code ...Many} walks 16,384 tenants in a
 * shuffled order (each thread its own), so the map's nodes and the tokens come from memory, not
 * from L1, as with real traffic.
 *
 * <pre>
 * java -jar sdk-benchmarks/target/benchmarks.jar TenantHit -prof gc -t 1
 * java -jar sdk-benchmarks/target/benchmarks.jar TenantHit -prof gc -t 2
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TenantHitBenchmark {
  static final int TENANTS = 16_384;

  /** The single client: {@code OAuthClient.getToken()} on a fresh token. */
  @Benchmark
  public AccessToken singleClient(Shared s) {
    return s.client.getToken();
  }

  /** {@code TenantTokens.getToken(tenant)}, the same tenant every call. */
  @Benchmark
  public AccessToken tenantTokensOne(Shared s) {
    return s.tokens.getToken("merchant-42");
  }

  /** {@code TenantTokens.getToken(tenant)} over 16,384 tenants. */
  @Benchmark
  public AccessToken tenantTokensMany(Shared s, Keys k) {
    return s.tokens.getToken(k.next());
  }

  /** The hand-written bounded map alone: a map read and the coarse stamp, over many tenants. */
  @Benchmark
  public AccessToken handWrittenMapMany(Shared s, Keys k) {
    Entry e = s.map.get(k.next());
    long now = s.coarseNow;
    if (e.lastAccess != now) {
      e.lastAccess = now;
    }
    return e.token;
  }

  /** Caffeine's bounded cache alone ({@code getIfPresent}), over many tenants. */
  @Benchmark
  public AccessToken caffeineMany(Shared s, Keys k) {
    return s.caffeine.getIfPresent(k.next());
  }

  /** Caffeine's bounded cache alone, the same tenant every call. */
  @Benchmark
  public AccessToken caffeineOne(Shared s) {
    return s.caffeine.getIfPresent("merchant-42");
  }

  /** The hand-written map's entry: what TenantTokens keeps per tenant for eviction. */
  static final class Entry {
    final AccessToken token;
    volatile long lastAccess;

    Entry(AccessToken token) {
      this.token = token;
    }
  }

  /** One server, the single client, TenantTokens and both maps, all warm. */
  @State(Scope.Benchmark)
  public static class Shared {
    FakeTokenServer server;
    OAuthClient client;
    TenantTokens tokens;
    final ConcurrentHashMap<String, Entry> map = new ConcurrentHashMap<>();
    Cache<String, AccessToken> caffeine;
    volatile long coarseNow = System.currentTimeMillis();

    @Setup(Level.Trial)
    public void setUp() {
      server =
          new FakeTokenServer()
              .credentials(Credentials.CLIENT_ID, Credentials.CLIENT_SECRET)
              .start();
      for (int i = 0; i < TENANTS; i++) {
        server.client("id-" + i, "secret-" + i);
      }
      client = Contenders.ourClient(server).build();
      client.getToken();
      tokens =
          TenantTokens.builder()
              .baseUrl(server.baseUrl())
              .credentials(
                  t -> {
                    String n = t.substring("merchant-".length());
                    return TenantCredentials.clientSecret("id-" + n, "secret-" + n);
                  })
              .maxTenants(TENANTS)
              .maxConcurrentRequests(64)
              .build();
      caffeine =
          Caffeine.newBuilder().maximumSize(TENANTS).expireAfterAccess(Duration.ofHours(1)).build();
      List<CompletableFuture<AccessToken>> all = new ArrayList<>();
      for (int i = 0; i < TENANTS; i++) {
        all.add(tokens.getTokenAsync("merchant-" + i));
      }
      for (int i = 0; i < TENANTS; i++) {
        AccessToken token = all.get(i).join();
        map.put("merchant-" + i, new Entry(token));
        caffeine.put("merchant-" + i, token);
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      tokens.close();
      client.close();
      server.close();
    }
  }

  /** Each thread's own shuffled walk over the tenant ids (made once, so no allocation per call). */
  @State(Scope.Thread)
  public static class Keys {
    String[] keys;
    int i;

    @Setup(Level.Trial)
    public void setUp() {
      List<String> ids = new ArrayList<>();
      for (int n = 0; n < TENANTS; n++) {
        ids.add("merchant-" + n);
      }
      Collections.shuffle(ids);
      keys = ids.toArray(new String[0]);
      for (String key : keys) {
        key.hashCode(); // cached in the String, as for ids a server has used before
      }
    }

    String next() {
      return keys[i++ & (TENANTS - 1)];
    }
  }
}
