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
 * The token cache: fresh, stale and expired states over an immutable snapshot in a volatile field,
 * and one shared refresh for all callers.
 *
 * <pre>
 *   fetched ──▶ FRESH ──(refreshAhead before expiry)──▶ STALE ──(expiryMargin before expiry)──▶ EXPIRED
 *                 ▲          served from cache             served from cache;           callers wait for
 *                 │                                        one background refresh      the one refresh
 *                 └──────────────── refresh stores the new token, then completes ◀──────────┘
 * </pre>
 *
 * <p>The hit path is one volatile read, one clock read and a compare: no lock, no allocation.
 *
 * <p>A refresh publishes its outcome in this order: the snapshot (or the failure) is stored, {@code
 * inFlight} is cleared, the listener is told, and only then the shared future completes. So a
 * caller woken by the future finds the new token cached, and a caller that read the old state just
 * before the refresh ended and then wins the race to start the next refresh sees that outcome and
 * hands it over instead of sending a second request.
 */
final class TokenCache {
  private static final Logger LOG = LoggerFactory.getLogger(OAuthClient.class);
  private static final VarHandle SNAPSHOT;

  /**
   * Expired callers after a failure get the same exception for 1 to 2 times this long, not a new
   * request each.
   */
  static final long NEGATIVE_CACHE_MILLIS = 1_000;

  static {
    try {
      SNAPSHOT = MethodHandles.lookup().findVarHandle(TokenCache.class, "snapshot", Snapshot.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Supplier<CompletableFuture<AccessToken>> fetcher;

  /**
   * Like {@code fetcher} but with the first attempt on the calling thread; null when that is not
   * possible.
   */
  private final Supplier<CompletableFuture<AccessToken>> callerThreadFetcher;

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
      Supplier<CompletableFuture<AccessToken>> callerThreadFetcher,
      Clock clock,
      Duration refreshAhead,
      Duration expiryMargin,
      RetryPolicy backgroundBackoff,
      OAuthClientListener listener,
      DoubleSupplier random) {
    this.fetcher = fetcher;
    this.callerThreadFetcher = callerThreadFetcher;
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
      refreshInBackground(s, now);
      return CompletableFuture.completedFuture(s.token);
    }
    return awaitRefresh(s, now, false);
  }

  /**
   * A new token from the server now, joining a refresh already in flight.
   *
   * @param blockingCaller true when the caller waits for the result anyway, so a refresh it starts
   *     may make its first attempt on the caller's thread
   */
  CompletableFuture<AccessToken> refresh(boolean blockingCaller) {
    ensureOpen();
    Snapshot seen = snapshot;
    Failure seenFailure = failure;
    // A copy per caller: one caller cancelling its future must not cancel the refresh for the
    // others.
    return shared(seen, seenFailure, blockingCaller).copy();
  }

  void invalidate() {
    snapshot = null;
  }

  /**
   * Forgets {@code rejected} only if it is still the cached token, so a burst of 401s causes one
   * refresh.
   */
  boolean invalidate(AccessToken rejected) {
    for (; ; ) {
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

  /**
   * The stale and expired cases of {@link #get()}, kept apart so the hit path stays small enough to
   * inline.
   */
  private AccessToken slowGet() {
    ensureOpen();
    long now = clock.millis();
    Snapshot s = snapshot;
    if (s != null && now < s.expiredAt) {
      refreshInBackground(s, now);
      return s.token;
    }
    return await(awaitRefresh(s, now, true));
  }

  /**
   * Waits for a token future on the caller's thread, interruptibly, and rethrows its typed
   * exception. An interrupt ends only this caller's wait: the shared refresh goes on for the
   * others.
   */
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
      if (cause instanceof IllegalStateException) {
        // The client was closed while this caller waited: same type as calling a closed client,
        // this caller's stack.
        throw new IllegalStateException(cause.getMessage(), cause);
      }
      throw new OAuthException(
          "Token refresh failed unexpectedly (" + cause.getClass().getName() + ")", cause);
    }
  }

  /**
   * For a caller without a usable token: the one refresh, or the recent failure while it is
   * negatively cached.
   */
  private CompletableFuture<AccessToken> awaitRefresh(
      Snapshot seen, long now, boolean blockingCaller) {
    Failure f = failure;
    if (f != null && now < f.negativeUntil && inFlight.get() == null) {
      return CompletableFuture.failedFuture(f.exception);
    }
    // A copy per caller: one caller cancelling its future must not cancel the refresh for the
    // others.
    return shared(seen, f, blockingCaller).copy();
  }

  /**
   * Starts the one background refresh for a stale token, unless one runs or the last failure's
   * backoff holds.
   */
  private void refreshInBackground(Snapshot seen, long now) {
    if (now < seen.staleAt) {
      // The caller re-read the snapshot after its fast path missed: a refresh landed in between,
      // nothing to do.
      return;
    }
    Failure f = failure;
    if (f != null && now < f.nextBackgroundAttempt) {
      return;
    }
    if (inFlight.get() == null) {
      shared(seen, f, false);
    }
  }

  /**
   * The refresh in flight, or a new one. {@code seen} and {@code seenFailure} are the state the
   * caller decided on: if a refresh ended since, its outcome is handed over instead of starting
   * another request. A blocking caller that starts the refresh makes its first attempt itself, so
   * the returned future is usually complete.
   */
  private CompletableFuture<AccessToken> shared(
      Snapshot seen, Failure seenFailure, boolean blockingCaller) {
    for (; ; ) {
      CompletableFuture<AccessToken> current = inFlight.get();
      if (current != null) {
        return current;
      }
      CompletableFuture<AccessToken> mine = new CompletableFuture<>();
      if (inFlight.compareAndSet(null, mine)) {
        // A refresh that ended after the caller looked stored its outcome before clearing inFlight,
        // so winning the
        // CAS makes that outcome visible here.
        Snapshot s = snapshot;
        Failure f = failure;
        if (s != seen && s != null && clock.millis() < s.expiredAt) {
          inFlight.compareAndSet(mine, null);
          mine.complete(s.token);
        } else if (f != seenFailure && f != null) {
          inFlight.compareAndSet(mine, null);
          mine.completeExceptionally(f.exception);
        } else {
          start(mine, blockingCaller);
        }
        return mine;
      }
    }
  }

  private void start(CompletableFuture<AccessToken> mine, boolean blockingCaller) {
    LOG.debug(
        snapshot == null
            ? "No usable token cached; fetching one"
            : "Cached token is stale; refreshing");
    // An interrupted caller would stop waiting at once: its thread must not make the attempt the
    // others wait for.
    boolean onThisThread =
        blockingCaller && callerThreadFetcher != null && !Thread.currentThread().isInterrupted();
    CompletableFuture<AccessToken> fetch;
    try {
      fetch = onThisThread ? callerThreadFetcher.get() : fetcher.get();
    } catch (RuntimeException e) {
      fetch = CompletableFuture.failedFuture(e);
    }
    fetch.whenComplete((token, error) -> finish(mine, token, error));
  }

  private void finish(CompletableFuture<AccessToken> mine, AccessToken token, Throwable error) {
    OAuthException failed = null;
    try {
      if (error == null) {
        store(token);
      } else {
        failed = recordFailure(RetryingTokenFetcher.unwrap(error));
      }
    } finally {
      // Clear before completing: a caller woken by the completion that needs another refresh can
      // start one.
      inFlight.compareAndSet(mine, null);
    }
    try {
      if (failed == null) {
        listener.onTokenRefreshed(token);
      } else {
        listener.onRefreshFailed(failed);
      }
    } finally {
      // Whatever the listener did, every waiting caller is woken.
      if (failed == null) {
        mine.complete(token);
      } else {
        mine.completeExceptionally(failed);
      }
    }
  }

  private void store(AccessToken token) {
    if (closed) {
      return;
    }
    // Store before the shared future completes, so every caller it wakes finds the new token
    // cached.
    snapshot = Snapshot.of(token, clock.millis(), refreshAheadMillis, expiryMarginMillis);
    failure = null;
    if (closed) {
      // close() ran between the check and the store: it must not leave a token served after it
      // returned.
      snapshot = null;
    }
    LOG.debug("Token refreshed; expires at {}", token.expiresAt());
  }

  private OAuthException recordFailure(Throwable error) {
    OAuthException e =
        error instanceof OAuthException
            ? (OAuthException) error
            : new OAuthException(
                "Token refresh failed unexpectedly (" + error.getClass().getName() + ")", error);
    long now = clock.millis();
    Failure previous = failure;
    int failures = previous == null ? 1 : previous.consecutive + 1;
    long backoff =
        Math.max(
            NEGATIVE_CACHE_MILLIS,
            Backoff.fullJitterMillis(
                backgroundBackoff.initialBackoff(),
                backgroundBackoff.maxBackoff(),
                failures,
                random));
    long negativeUntil =
        now + NEGATIVE_CACHE_MILLIS + (long) (random.getAsDouble() * NEGATIVE_CACHE_MILLIS);
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
    return e;
  }

  private void ensureOpen() {
    if (closed) {
      throw closedException();
    }
  }

  private static IllegalStateException closedException() {
    return new IllegalStateException("OAuthClient is closed: build a new client to get tokens.");
  }

  /**
   * An immutable cache entry; the two instants are precomputed so the hit path only compares longs.
   */
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
     * Both margins shrink for short-lived tokens, so a 2-second token is still cached: refresh
     * ahead at most half the lifetime, expiry margin at most a tenth of it.
     */
    static Snapshot of(
        AccessToken token, long now, long refreshAheadMillis, long expiryMarginMillis) {
      long expiresAt = token.expiresAt().toEpochMilli();
      // A token from a store knows when it was issued: its margins come from its whole lifetime,
      // as for one fetched now (one freshness rule).
      long issuedAt =
          token.issuedAtMillis() == Long.MIN_VALUE ? now : Math.min(now, token.issuedAtMillis());
      long lifetime = Math.max(0, expiresAt - issuedAt);
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

    Failure(
        OAuthException exception, int consecutive, long negativeUntil, long nextBackgroundAttempt) {
      this.exception = exception;
      this.consecutive = consecutive;
      this.negativeUntil = negativeUntil;
      this.nextBackgroundAttempt = nextBackgroundAttempt;
    }
  }
}
