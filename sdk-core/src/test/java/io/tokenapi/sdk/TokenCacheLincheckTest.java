package io.tokenapi.sdk;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * The cache's concurrent operations model-checked by Lincheck against a sequential specification:
 * every interleaving of get, refresh, invalidate and invalidate-if-rejected in each generated
 * scenario (up to the model checker's bounds), over a scripted source that numbers its tokens, must
 * give results some one-at-a-time order would give (linearizability). Two refreshes never overlap
 * ({@code nonParallelGroup}): a refresh joins one in flight by design, which no sequential order
 * shows for two refreshes. Close, which cancels a refresh in flight by contract, is checked by
 * {@link TokenCacheCloseLincheckTest}. Scenario counts are in RELIABILITY.md.
 */
@Param(name = "token", gen = IntGen.class, conf = "1:2")
public class TokenCacheLincheckTest {
  static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
  static final Duration LIFETIME = Duration.ofHours(1);

  /** Lincheck makes one instance per scenario. */
  public TokenCacheLincheckTest() {}

  private final TokenCache cache = cacheOver(new ScriptedSource());

  /** The cached token's number. */
  @Operation
  public String get() {
    return cache.get().value();
  }

  /** A new token's number (a blocking caller's refresh). */
  @Operation(nonParallelGroup = "refresh")
  public String refresh() {
    return Futures.await(cache.refresh(true)).value();
  }

  @Operation
  public void invalidate() {
    cache.invalidate();
  }

  /** A resource server rejected token {@code t<token>}: whether the cache forgot it. */
  @Operation
  public boolean invalidateIfRejected(@Param(name = "token") int token) {
    return cache.invalidate(ScriptedSource.token(token));
  }

  @Test
  void modelCheck_againstTheSequentialSpecification() {
    options(ITERATIONS, INVOCATIONS)
        .sequentialSpecification(Spec.class)
        .check(TokenCacheLincheckTest.class);
  }

  /** A cache on a clock that stands still, with the defaults' policies and no listener. */
  static TokenCache cacheOver(TokenSource source) {
    return new TokenCache(
        source,
        new Freshness(Duration.ofMinutes(5), Duration.ofSeconds(30)),
        Clock.fixed(NOW, ZoneOffset.UTC),
        RetryPolicy.defaults(),
        new SafeListener(List.of()),
        () -> 0.5,
        Duration.ofMinutes(5),
        Duration.ofSeconds(1),
        null,
        Runnable::run);
  }

  /**
   * One operation before, three threads of two in parallel, one after; {@code iterations}
   * scenarios, each explored for up to {@code invocations} interleavings.
   */
  static ModelCheckingOptions options(int iterations, int invocations) {
    return new ModelCheckingOptions()
        .iterations(iterations)
        .invocationsPerIteration(invocations)
        .threads(3)
        .actorsPerThread(2)
        .actorsBefore(1)
        .actorsAfter(1);
  }

  static final int ITERATIONS = scenarios(40);
  static final int INVOCATIONS = 500;

  /**
   * How many scenarios a Lincheck test explores: {@code full}, or that divided by the system
   * property {@code tokenapi.lincheck.divisor} (the JDK 25 leg of {@code .ci/run} sets 4: the full
   * exploration runs on JDK 17, the second JDK runs a quarter of it so the CI stays near 8
   * minutes).
   */
  static int scenarios(int full) {
    int divisor = Integer.getInteger("tokenapi.lincheck.divisor", 1);
    return Math.max(1, full / Math.max(1, divisor));
  }

  /** Numbers tokens by fetch, "t1", "t2", ...; answers at once, on the fetching thread. */
  static final class ScriptedSource implements TokenSource {
    private final AtomicInteger fetches = new AtomicInteger();

    static AccessToken token(int n) {
      return AccessToken.of("t" + n, NOW.plus(LIFETIME));
    }

    @Override
    public CompletableFuture<AccessToken> fetch(Fetch fetch) {
      return CompletableFuture.completedFuture(token(fetches.incrementAndGet()));
    }

    @Override
    public void reject(AccessToken token) {}

    @Override
    public void close() {}
  }

  /**
   * The cache one call at a time: a token fetched when none is cached (or on refresh), numbered by
   * fetch; invalidation forgets it; a rejection forgets it unless it replaced a different rejected
   * token (the clock stands still, so always within the damping interval).
   */
  public static final class Spec {
    private int fetches;
    private int cached;
    private int lastRejected;

    /** The state before any call: nothing fetched, nothing cached. */
    public Spec() {}

    public String get() {
      if (cached == 0) {
        cached = ++fetches;
      }
      return "t" + cached;
    }

    public String refresh() {
      cached = ++fetches;
      return "t" + cached;
    }

    public void invalidate() {
      cached = 0;
    }

    public boolean invalidateIfRejected(int token) {
      if (cached != token) {
        return false;
      }
      if (lastRejected != 0 && lastRejected != token) {
        return false;
      }
      cached = 0;
      lastRejected = token;
      return true;
    }
  }
}
