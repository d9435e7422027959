package io.tokenapi.sdk;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

/**
 * Close against the cache's other operations, model-checked by Lincheck. Close cancels a refresh in
 * flight by contract (its callers get "closed" even when its token was just stored), which no
 * sequential order shows, so the operations check close's own promises as they run and the
 * specification only asks that none of them fails: under every interleaving explored, every call
 * returns (a waiting caller is woken, never left hanging: the model checker reports a deadlock
 * otherwise); a call that begins after close returned gets "closed"; and no caller gets a token
 * that was fetched after close returned.
 */
public class TokenCacheCloseLincheckTest {
  /** Lincheck makes one instance per scenario. */
  public TokenCacheCloseLincheckTest() {}

  private volatile boolean closeReturned;
  private final ScriptedSource source = new ScriptedSource();
  private final TokenCache cache = TokenCacheLincheckTest.cacheOver(source);

  @Operation
  public void get() {
    boolean after = closeReturned;
    try {
      check(cache.get(), after);
    } catch (IllegalStateException closed) {
      // Closed: what a caller of a closed client gets.
    }
  }

  @Operation(nonParallelGroup = "refresh")
  public void refresh() {
    boolean after = closeReturned;
    try {
      check(Futures.await(cache.refresh(true)), after);
    } catch (IllegalStateException closed) {
      // Closed: what a caller of a closed client gets.
    }
  }

  @Operation
  public void invalidate() {
    cache.invalidate();
  }

  @Operation(runOnce = true)
  public void close() {
    cache.close();
    closeReturned = true;
  }

  private void check(AccessToken token, boolean beganAfterClose) {
    if (beganAfterClose) {
      throw new AssertionError("a call that began after close() returned got " + token);
    }
    if (source.fetchedAfterClose.getOrDefault(token.value(), false)) {
      throw new AssertionError("a caller got " + token + ", fetched after close() returned");
    }
  }

  @Test
  void modelCheck_closeWakesEveryCaller_andServesNothingAfterIt() {
    TokenCacheLincheckTest.options(ITERATIONS, INVOCATIONS)
        .sequentialSpecification(Spec.class)
        .check(TokenCacheCloseLincheckTest.class);
  }

  static final int ITERATIONS = TokenCacheLincheckTest.scenarios(20);
  static final int INVOCATIONS = 500;

  /** Numbers tokens by fetch and notes which were fetched after close() returned. */
  final class ScriptedSource implements TokenSource {
    private final AtomicInteger fetches = new AtomicInteger();
    final Map<String, Boolean> fetchedAfterClose = new ConcurrentHashMap<>();

    @Override
    public CompletableFuture<AccessToken> fetch(Fetch fetch) {
      AccessToken token = TokenCacheLincheckTest.ScriptedSource.token(fetches.incrementAndGet());
      fetchedAfterClose.put(token.value(), closeReturned);
      return CompletableFuture.completedFuture(token);
    }

    @Override
    public void reject(AccessToken token) {}

    @Override
    public void close() {}
  }

  /** Every operation returns and none fails. */
  public static final class Spec {
    /** Nothing to hold: the operations check their promises themselves. */
    public Spec() {}

    public void get() {}

    public void refresh() {}

    public void invalidate() {}

    public void close() {}
  }
}
