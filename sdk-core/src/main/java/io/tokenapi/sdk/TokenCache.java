package io.tokenapi.sdk;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token cache: fresh, stale and expired states over an immutable snapshot in a volatile field, and one shared
 * refresh for all callers.
 *
 * <pre>
 *   fetched ──▶ FRESH ──(refreshAhead before expiry)──▶ STALE ──(expiryMargin before expiry)──▶ EXPIRED
 *                 ▲          served from cache             served from cache;           callers wait for
 *                 │                                        one background refresh      the one refresh
 *                 └──────────────── refresh stores the new token, then completes ◀──────────┘
 * </pre>
 *
 * <p>The hit path is one volatile read, one clock read and a compare: no lock, no allocation.
 */
final class TokenCache {
  private static final Logger LOG = LoggerFactory.getLogger(OAuthClient.class);
  private static final VarHandle SNAPSHOT;
  /** Expired callers after a failure get the same exception for about this long, not a new request each. */
  static final long NEGATIVE_CACHE_MILLIS = 1_000;

  static {
    try {
      SNAPSHOT = MethodHandles.lookup().findVarHandle(TokenCache.class, "snapshot", Snapshot.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Supplier<CompletableFuture<AccessToken>> fetcher;
  private final Clock clock;
  private final long refreshAheadMillis;
  private final long expiryMarginMillis;
  private final RetryPolicy backgroundBackoff;
  private final OAuthClientListener listener;
  private final DoubleSupplier random;
  private final AtomicReference<CompletableFuture<AccessToken>> inFlight = new AtomicReference<>();

  @SuppressWarnings("unused") // accessed through SNAPSHOT as well as directly
  private volatile Snapshot snapshot;
  /** The last failure, for negative caching and the background backoff; null after a success. */
  private volatile Failure failure;
  private volatile boolean closed;

  TokenCache(
      Supplier<CompletableFuture<AccessToken>> fetcher,
      Clock clock,
      Duration refreshAhead,
      Duration expiryMargin,
      RetryPolicy backgroundBackoff,
      OAuthClientListener listener,
      DoubleSupplier random) {
    this.fetcher = fetcher;
    this.clock = clock;
    this.refreshAheadMillis = refreshAhead.toMillis();
    this.expiryMarginMillis = expiryMargin.toMillis();
    this.backgroundBackoff = backgroundBackoff;
    this.listener = listener;
    this.random = random;
  }

  /** The cached token while it is fresh or stale; otherwise waits for the one refresh. */
  AccessToken get() {
    Snapshot s = snapshot;
    if (s != null && clock.millis() < s.staleAt) {
      return s.token;
    }
    return slowGet();
  }

  CompletableFuture<AccessToken> getAsync() {
    Snapshot s = snapshot;
    if (s != null && clock.millis() < s.staleAt) {
      return CompletableFuture.completedFuture(s.token);
    }
    ensureOpen();
    long now = clock.millis();
    s = snapshot;
    if (s != null && now < s.expiredAt) {
      if (now >= s.staleAt) {
        refreshInBackground(now);
      }
      return CompletableFuture.completedFuture(s.token);
    }
    Failure f = failure;
    if (f != null && now < f.negativeUntil && inFlight.get() == null) {
      return CompletableFuture.failedFuture(f.exception);
    }
    // A copy per caller: one caller cancelling its future must not cancel the refresh for the others.
    return refreshShared().copy();
  }

  /** A new token from the server now, joining a refresh already in flight. */
  CompletableFuture<AccessToken> refresh() {
    ensureOpen();
    return refreshShared().copy();
  }

  void invalidate() {
    snapshot = null;
  }

  /** Forgets {@code rejected} only if it is still the cached token, so a burst of 401s causes one refresh. */
  boolean invalidate(AccessToken rejected) {
    for (;;) {
      Snapshot s = snapshot;
      if (s == null || !s.token.equals(rejected)) {
        return false;
      }
      if (SNAPSHOT.compareAndSet(this, s, null)) {
        LOG.debug("Cached token invalidated after the server rejected it");
        return true;
      }
    }
  }

  /** The cached token, fresh or not, or null. */
  AccessToken peek() {
    Snapshot s = snapshot;
    return s == null ? null : s.token;
  }

  void close() {
    closed = true;
    snapshot = null;
    CompletableFuture<AccessToken> pending = inFlight.get();
    if (pending != null) {
      pending.completeExceptionally(closedException());
    }
  }

  private AccessToken slowGet() {
    return await(getAsync());
  }

  /** Waits for a token future on the caller's thread, interruptibly, and rethrows its typed exception. */
  static AccessToken await(CompletableFuture<AccessToken> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OAuthException(
          "Interrupted while waiting for an access token; the refresh goes on for other callers."
              + " Call getToken() again if the work should continue.",
          e);
    } catch (ExecutionException e) {
      Throwable cause = RetryingTokenFetcher.unwrap(e);
      if (cause instanceof OAuthException) {
        throw (OAuthException) cause;
      }
      throw new OAuthException("Token refresh failed unexpectedly (" + cause.getClass().getName() + ")", cause);
    }
  }

  private void refreshInBackground(long now) {
    Failure f = failure;
    if (f != null && now < f.nextBackgroundAttempt) {
      return;
    }
    if (inFlight.get() == null) {
      LOG.debug("Cached token is stale; refreshing in the background");
      refreshShared();
    }
  }

  private CompletableFuture<AccessToken> refreshShared() {
    for (;;) {
      CompletableFuture<AccessToken> current = inFlight.get();
      if (current != null) {
        return current;
      }
      CompletableFuture<AccessToken> mine = new CompletableFuture<>();
      if (inFlight.compareAndSet(null, mine)) {
        start(mine);
        return mine;
      }
    }
  }

  private void start(CompletableFuture<AccessToken> mine) {
    CompletableFuture<AccessToken> fetch;
    try {
      fetch = fetcher.get();
    } catch (RuntimeException e) {
      fetch = CompletableFuture.failedFuture(e);
    }
    fetch.whenComplete((token, error) -> {
      if (error == null) {
        onSuccess(token);
      } else {
        onFailure(RetryingTokenFetcher.unwrap(error));
      }
      // Clear before completing: a caller woken by the completion that needs another refresh can start one.
      inFlight.compareAndSet(mine, null);
      if (error == null) {
        mine.complete(token);
      } else {
        mine.completeExceptionally(RetryingTokenFetcher.unwrap(error));
      }
    });
  }

  private void onSuccess(AccessToken token) {
    if (closed) {
      return;
    }
    long now = clock.millis();
    // Store before the shared future completes, so every caller it wakes finds the new token cached.
    snapshot = Snapshot.of(token, now, refreshAheadMillis, expiryMarginMillis);
    failure = null;
    LOG.debug("Token refreshed; expires at {}", token.expiresAt());
    listener.onTokenRefreshed(token);
  }

  private void onFailure(Throwable error) {
    OAuthException e = error instanceof OAuthException
        ? (OAuthException) error
        : new OAuthException("Token refresh failed unexpectedly (" + error.getClass().getName() + ")", error);
    long now = clock.millis();
    Failure previous = failure;
    int failures = previous == null ? 1 : previous.consecutive + 1;
    long backoff = Math.max(
        NEGATIVE_CACHE_MILLIS,
        Backoff.fullJitterMillis(
            backgroundBackoff.initialBackoff(), backgroundBackoff.maxBackoff(), failures, random));
    long negativeUntil = now + NEGATIVE_CACHE_MILLIS + (long) (random.getAsDouble() * NEGATIVE_CACHE_MILLIS);
    long nextBackground = now + backoff;
    if (e instanceof ServiceUnavailableException) {
      Instant retryAt = ((ServiceUnavailableException) e).retryAt().orElse(null);
      if (retryAt != null) {
        // The provider said when it reopens: nobody asks before then.
        negativeUntil = Math.max(negativeUntil, retryAt.toEpochMilli());
        nextBackground = Math.max(nextBackground, retryAt.toEpochMilli());
      }
    }
    failure = new Failure(e, failures, negativeUntil, nextBackground);
    listener.onRefreshFailed(e);
  }

  private void ensureOpen() {
    if (closed) {
      throw closedException();
    }
  }

  private static IllegalStateException closedException() {
    return new IllegalStateException("OAuthClient is closed: build a new client to get tokens.");
  }

  /** An immutable cache entry; the two instants are precomputed so the hit path only compares longs. */
  static final class Snapshot {
    final AccessToken token;
    final long staleAt;
    final long expiredAt;

    private Snapshot(AccessToken token, long staleAt, long expiredAt) {
      this.token = token;
      this.staleAt = staleAt;
      this.expiredAt = expiredAt;
    }

    /**
     * Both margins shrink for short-lived tokens, so a 2-second token is still cached: refresh ahead at most half
     * the lifetime, expiry margin at most a tenth of it.
     */
    static Snapshot of(AccessToken token, long now, long refreshAheadMillis, long expiryMarginMillis) {
      long expiresAt = token.expiresAt().toEpochMilli();
      long lifetime = Math.max(0, expiresAt - now);
      long expiredAt = expiresAt - Math.min(expiryMarginMillis, lifetime / 10);
      long staleAt = Math.min(expiredAt, expiresAt - Math.min(refreshAheadMillis, lifetime / 2));
      return new Snapshot(token, staleAt, expiredAt);
    }
  }

  private static final class Failure {
    final OAuthException exception;
    final int consecutive;
    final long negativeUntil;
    final long nextBackgroundAttempt;

    Failure(OAuthException exception, int consecutive, long negativeUntil, long nextBackgroundAttempt) {
      this.exception = exception;
      this.consecutive = consecutive;
      this.negativeUntil = negativeUntil;
      this.nextBackgroundAttempt = nextBackgroundAttempt;
    }
  }
}
