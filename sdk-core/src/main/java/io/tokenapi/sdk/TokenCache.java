package io.tokenapi.sdk;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;
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
 *
 * <p>The top of the fetch pipeline: it owns the snapshot, the refresh in flight, the failure window
 * and invalidation, and asks its {@link TokenSource} for new tokens, passing down the token being
 * replaced. Nothing below holds a reference to it.
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

  private final TokenSource source;
  private final Freshness freshness;
  private final Clock clock;
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
      TokenSource source,
      Freshness freshness,
      Clock clock,
      RetryPolicy backgroundBackoff,
      OAuthClientListener listener,
      DoubleSupplier random) {
    this.source = source;
    this.freshness = freshness;
    this.clock = clock;
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
   * A new token from the server now, joining a refresh already in flight. The cached token is
   * rejected first, so a shared store does not hand it back.
   *
   * @param blockingCaller true when the caller waits for the result anyway, so a refresh it starts
   *     may make its first attempt on the caller's thread
   */
  CompletableFuture<AccessToken> refresh(boolean blockingCaller) {
    Snapshot seen = snapshot;
    if (seen != null) {
      source.reject(seen.token);
    }
    ensureOpen();
    Failure seenFailure = failure;
    // A copy per caller: one caller cancelling its future must not cancel the refresh for the
    // others.
    return shared(seen, seenFailure, blockingCaller).copy();
  }

  /** Forgets the cached token; the source never hands it out again. */
  void invalidate() {
    Snapshot s = snapshot;
    if (s != null) {
      source.reject(s.token);
    }
    snapshot = null;
  }

  /**
   * Forgets {@code rejected} only if it is still the cached token, so a burst of 401s causes one
   * refresh.
   */
  boolean invalidate(AccessToken rejected) {
    source.reject(rejected);
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

  /**
   * Closes the pipeline top-down: this stage stops serving and wakes its waiting callers with an
   * {@link IllegalStateException} first, then its source closes (the retry loop stops retrying,
   * then the endpoint cancels the calls in flight), so a cancelled call never reaches a caller as a
   * transport failure.
   */
  void close() {
    closed = true;
    snapshot = null;
    CompletableFuture<AccessToken> pending = inFlight.get();
    if (pending != null) {
      pending.completeExceptionally(closedException());
    }
    source.close();
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
    return Futures.await(awaitRefresh(s, now, true));
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
    Fetch request = new Fetch(peek(), blockingCaller && !Thread.currentThread().isInterrupted());
    CompletableFuture<AccessToken> fetch;
    try {
      fetch = source.fetch(request);
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
        failed = recordFailure(Futures.typed(error));
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
    snapshot = Snapshot.of(token, clock.millis(), freshness);
    failure = null;
    if (closed) {
      // close() ran between the check and the store: it must not leave a token served after it
      // returned.
      snapshot = null;
    }
    LOG.debug("Token refreshed; expires at {}", token.expiresAt());
  }

  private OAuthException recordFailure(OAuthException e) {
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
    Instant reopensAt = RetryRules.reopensAt(e);
    if (reopensAt != null) {
      // The provider said when it reopens: nobody asks before then.
      negativeUntil = Math.max(negativeUntil, reopensAt.toEpochMilli());
      nextBackground = Math.max(nextBackground, reopensAt.toEpochMilli());
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
   * An immutable cache entry; the two instants are precomputed ({@link Freshness}) so the hit path
   * only compares longs.
   */
  private static final class Snapshot {
    final AccessToken token;
    final long staleAt;
    final long expiredAt;

    private Snapshot(AccessToken token, long staleAt, long expiredAt) {
      this.token = token;
      this.staleAt = staleAt;
      this.expiredAt = expiredAt;
    }

    /** A token obtained at {@code obtainedAt}, judged by its lifetime from then. */
    static Snapshot of(AccessToken token, long obtainedAt, Freshness freshness) {
      long expiresAt = token.expiresAt().toEpochMilli();
      return new Snapshot(
          token,
          freshness.staleAt(obtainedAt, expiresAt),
          freshness.expiredAt(obtainedAt, expiresAt));
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
