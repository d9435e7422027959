package io.tokenapi.sdk;

import io.tokenapi.sdk.OAuthClientListener.FetchEnded;
import io.tokenapi.sdk.OAuthClientListener.FetchStarted;
import io.tokenapi.sdk.OAuthClientListener.StateChanged;
import io.tokenapi.sdk.TokenStatus.State;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
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
 * <p>The hit path is one volatile read, one clock read and a compare: no lock, no allocation, no
 * listener call. Everything {@link #status()} reports is read from volatile state the slower paths
 * write.
 *
 * <p>A refresh publishes its outcome in this order: the snapshot (or the failure) is stored, {@code
 * inFlight} is cleared, the listener is told, and only then the shared future completes. So a
 * caller woken by the future finds the new token cached, and a caller that read the old state just
 * before the refresh ended and then wins the race to start the next refresh sees that outcome and
 * hands it over instead of sending a second request.
 *
 * <p>The top of the fetch pipeline: it owns the snapshot, the refresh in flight, status and
 * invalidation, and asks its {@link TokenSource} for new tokens, passing down the token being
 * replaced. Nothing below holds a reference to it. Its policies sit beside it: {@link
 * FailureWindow} (what a failed refresh holds back, and when the next probe goes out), {@link
 * ClosingRenewal} (renewing before the provider's closing hours) and {@link RejectionDamping}
 * (renewals after a resource server's rejections).
 */
final class TokenCache {
  private static final Logger LOG = LoggerFactory.getLogger(TokenCache.class);
  private static final VarHandle SNAPSHOT;

  static {
    try {
      SNAPSHOT = MethodHandles.lookup().findVarHandle(TokenCache.class, "snapshot", Snapshot.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final TokenSource source;

  /**
   * The client's threads, for work no caller waits on here: an async caller's refresh and a
   * background refresh.
   */
  private final Executor async;

  private final Freshness freshness;
  private final Clock clock;
  private final OAuthClientListener listener;
  private final long minRefreshMillis;

  /** What a failed refresh holds back, and for how long. */
  private final FailureWindow failureWindow;

  /** With working hours, a token renewed before closing, and its coverage told. */
  private final ClosingRenewal closing;

  private final AtomicReference<CompletableFuture<AccessToken>> inFlight = new AtomicReference<>();

  /**
   * An async caller's hand-off queued for the client's threads and not started yet, if any: later
   * async callers join it rather than queue their own, so a burst of them costs one queued task per
   * cache, not one per caller (which overflowed the pool's queue). {@link #BACKGROUND} while the
   * queued one only tells a stale token's state and starts its refresh.
   */
  private final AtomicReference<CompletableFuture<AccessToken>> handOff = new AtomicReference<>();

  /** {@link #handOff} for a stale token's hand-off: no caller waits on it, none joins it. */
  private static final CompletableFuture<AccessToken> BACKGROUND = new CompletableFuture<>();

  private final AtomicLong fetchIds = new AtomicLong();

  /** Stale tokens handed out: counted on the stale path only, never on the fresh hit. */
  private final LongAdder staleServed = new LongAdder();

  /** The state the listener was last told about. */
  private final AtomicReference<State> noticed = new AtomicReference<>(State.EXPIRED);

  /**
   * The token the last invalidation forgot: a caller that began after it never gets it from a
   * refresh it joined. Written on invalidation, read on the slow paths only.
   */
  private volatile AccessToken lastForgotten;

  /** When the last token was stored; null before the first. */
  private volatile Instant lastSuccess;

  @SuppressWarnings("unused") // accessed through SNAPSHOT as well as directly
  private volatile Snapshot snapshot;

  /** The last failure, for negative caching and the background backoff; null after a success. */
  private volatile FailureWindow.Failure failure;

  private volatile boolean closed;

  /** When the last fetch started (or is due to start), epoch millis. */
  private volatile long lastFetchStart = Long.MIN_VALUE;

  /** After a token that arrived (nearly) expired: no fetch starts before this; else 0. */
  private volatile long nextFetchNotBefore;

  private final AtomicBoolean warnedShortLifetime = new AtomicBoolean();

  /** Renewals after a resource server's rejection, rate-limited. */
  private final RejectionDamping rejections = new RejectionDamping();

  TokenCache(
      TokenSource source,
      Freshness freshness,
      Clock clock,
      RetryPolicy backgroundBackoff,
      OAuthClientListener listener,
      DoubleSupplier random,
      Duration closedProbeInterval,
      Duration minRefreshInterval,
      WorkingHours workingHours,
      Executor async) {
    this.source = source;
    this.async = async;
    this.freshness = freshness;
    this.clock = clock;
    this.listener = listener;
    this.minRefreshMillis = minRefreshInterval.toMillis();
    this.failureWindow = new FailureWindow(backgroundBackoff, random, closedProbeInterval);
    this.closing = new ClosingRenewal(workingHours, freshness);
  }

  /**
   * The cached token while it is fresh at {@code now} or stale; otherwise waits for the one
   * refresh.
   *
   * <p>{@code now} comes from the caller's own read of the same clock, made before the cache is
   * touched, on purpose. On x86 the system clock is read with {@code rdtscp} (the vDSO's {@code
   * clock_gettime}), which waits until every earlier load has completed. Read after the snapshot,
   * the clock waited for the chain client → cache → snapshot → staleAt, where the floor (one
   * volatile read and one clock read on one object) has two loads: about 2 ns, 1.10x the floor, and
   * up to 1.2x on JDK 25, whose JIT kept one more value on the stack. Read from the client's own
   * field first, the clock waits for two loads and the cache's run after it (BENCHMARKS.md, "Cache
   * hit on JDK 25"). A snapshot stored between the two reads is judged by the clock as it was a few
   * nanoseconds earlier, as if the call had come that much sooner.
   */
  AccessToken get(long now) {
    Snapshot s = snapshot;
    if (s != null && now < s.staleAt) {
      return s.token;
    }
    return slowGet();
  }

  /** {@link #get(long)} at this cache's clock, for callers without their own clock read. */
  AccessToken get() {
    return get(clock.millis());
  }

  /**
   * Like {@link #get()} without blocking, and without running anything of the caller's (listeners,
   * an assertion supplier) on the calling thread: past the hit path, the work goes to the client's
   * threads. (A stage the caller attaches to an already complete future still runs on the caller's
   * thread; that is the caller's own code.)
   */
  CompletableFuture<AccessToken> getAsync() {
    Snapshot s = snapshot;
    if (s != null && clock.millis() < s.staleAt) {
      return CompletableFuture.completedFuture(s.token);
    }
    ensureOpen();
    AccessToken forgotten = lastForgotten;
    long now = clock.millis();
    s = snapshot;
    if (s != null && now < s.expiredAt) {
      Snapshot stale = s;
      if (now >= stale.staleAt) {
        staleServed.increment();
      }
      if (!needsHandOff(stale, now, true) || !handOff.compareAndSet(null, BACKGROUND)) {
        // No state change to tell, no refresh to start: nothing to hand off. Or a hand-off is
        // queued already, and it tells the state and looks for a refresh when it runs.
        return CompletableFuture.completedFuture(s.token);
      }
      dispatch(
          () -> {
            if (now >= stale.staleAt) {
              notice(now);
            }
            refreshInBackground(stale, now);
          },
          null,
          BACKGROUND);
      return CompletableFuture.completedFuture(s.token);
    }
    if (!needsHandOff(s, now, false)) {
      // Joining the refresh in flight, or the remembered failure, runs no user code: done here,
      // so a burst of async callers costs no thread hand-offs.
      FailureWindow.Failure f = failure;
      CompletableFuture<AccessToken> current = inFlight.get();
      if (current != null) {
        return perCaller(current, forgotten, false);
      }
      if (f != null && f.holdsCallers(now)) {
        return CompletableFuture.failedFuture(f.exception.forCaller());
      }
    }
    CompletableFuture<AccessToken> mine = new CompletableFuture<>();
    for (; ; ) {
      CompletableFuture<AccessToken> queued = handOff.get();
      if (queued != null && queued != BACKGROUND) {
        // Its task has not started, so it reads the state after this caller began: the outcome
        // is this caller's too (and a token forgotten before it began is looked past, per caller).
        return perCaller(queued, forgotten, false);
      }
      if (handOff.compareAndSet(queued, mine)) {
        break;
      }
    }
    Snapshot seen = s;
    dispatch(
        () ->
            awaitRefresh(seen, now, false, forgotten)
                .whenComplete(
                    (token, error) -> {
                      if (error == null) {
                        mine.complete(token);
                      } else {
                        mine.completeExceptionally(error);
                      }
                    }),
        mine,
        mine);
    // The hand-off's future is shared with the callers who join it: this caller gets its own, so
    // cancelling (or completing) it touches nobody else's.
    CompletableFuture<AccessToken> own = new CompletableFuture<>();
    mine.whenComplete(
        (token, error) -> {
          if (error == null) {
            own.complete(token);
          } else {
            own.completeExceptionally(error);
          }
        });
    return own;
  }

  /**
   * Whether an async caller's slow path may run user code: a state change to tell the listener, or
   * (for a stale token) a background refresh to start, or (for an expired one) a refresh that is
   * neither in flight nor negatively cached. Reads volatile state only.
   */
  private boolean needsHandOff(Snapshot s, long now, boolean stale) {
    FailureWindow.Failure f = failure;
    if (stateOf(s, f, now) != noticed.get()) {
      return true;
    }
    if (stale) {
      return now >= s.staleAt && (f == null || !f.holdsBackground(now)) && inFlight.get() == null;
    }
    return inFlight.get() == null && (f == null || !f.holdsCallers(now));
  }

  /**
   * Runs {@code task} on the client's threads; when the client closed meanwhile, fails {@code
   * waiting} (if any) as a closed client. {@code queued} is this hand-off's {@link #handOff}: it
   * leaves the field as the task starts (callers after that join the refresh it starts) or when the
   * pool refuses it.
   */
  private void dispatch(
      Runnable task,
      CompletableFuture<AccessToken> waiting,
      CompletableFuture<AccessToken> queued) {
    try {
      async.execute(
          () -> {
            handOff.compareAndSet(queued, null);
            try {
              task.run();
            } catch (Throwable e) {
              // A client closed in between, or an Error (a listener's StackOverflowError, say): the
              // caller must not wait forever; an Error still reaches this thread.
              if (waiting != null) {
                waiting.completeExceptionally(
                    e instanceof IllegalStateException ? e : Futures.typed(e));
              }
              if (e instanceof Error) {
                throw (Error) e;
              }
            }
          });
    } catch (RejectedExecutionException e) {
      handOff.compareAndSet(queued, null);
      if (waiting != null) {
        // Not closed: the pool and its queue are full (a burst of async callers before the
        // refresh started). A closed client's exception would tell the caller to build a new one.
        waiting.completeExceptionally(
            closed
                ? closedException()
                : new OAuthException(
                    "Every thread of the client was busy and its queue full, so this call was not"
                        + " taken: try again shortly (the refresh other callers started goes on)",
                    e));
      }
    }
  }

  /**
   * A new token from the server now, joining a refresh already in flight. The cached token is
   * rejected first, so a shared store does not hand it back.
   *
   * @param blockingCaller true when the caller waits for the result anyway, so a refresh it starts
   *     may make its first attempt on the caller's thread
   */
  CompletableFuture<AccessToken> refresh(boolean blockingCaller) {
    AccessToken forgotten = lastForgotten;
    Snapshot seen = snapshot;
    if (seen != null) {
      source.reject(seen.token);
    }
    ensureOpen();
    FailureWindow.Failure seenFailure = failure;
    // A refresh that had already stored the token this caller rejects may still be in flight: the
    // caller must not get back the token it asked to replace (found by model checking).
    return perCaller(
        shared(seen, seenFailure, blockingCaller, false),
        seen != null ? seen.token : forgotten,
        true);
  }

  /** Forgets the cached token; the source never hands it out again. */
  void invalidate() {
    for (; ; ) {
      Snapshot s = snapshot;
      if (s == null) {
        break;
      }
      source.reject(s.token);
      // Named before it goes: whoever finds the snapshot empty finds it named.
      lastForgotten = s.token;
      if (SNAPSHOT.compareAndSet(this, s, null)) {
        break;
      }
    }
    notice(clock.millis());
  }

  /**
   * Forgets {@code rejected} only if it is still the cached token, so a burst of 401s causes one
   * refresh; unless {@link RejectionDamping} keeps it (a resource server that rejects every token).
   *
   * @return whether the cached token was forgotten
   */
  boolean invalidate(AccessToken rejected) {
    long now = clock.millis();
    // One rejection at a time, and the damping decided on the very snapshot that is forgotten: two
    // rejections racing a refresh cannot both renew (found by model checking,
    // TokenCacheLincheckTest). Not the hit path: a resource server's 401s only.
    synchronized (rejections) {
      for (; ; ) {
        Snapshot s = snapshot;
        AccessToken cached = s == null ? null : s.token;
        if (rejections.keeps(cached, rejected, now)) {
          return false;
        }
        source.reject(rejected);
        if (cached == null || !cached.equals(rejected)) {
          return false;
        }
        lastForgotten = cached;
        if (SNAPSHOT.compareAndSet(this, s, null)) {
          rejections.forgot(rejected, now);
          break;
        }
      }
    }
    LOG.debug("Cached token invalidated after the server rejected it");
    notice(clock.millis());
    return true;
  }

  /** Whether an async caller's hand-off waits for the client's threads (a volatile read). */
  boolean handOffQueued() {
    return handOff.get() != null;
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
    notice(clock.millis());
  }

  /**
   * The state for health checks: volatile reads and arithmetic only, never a lock or a request.
   * Closed, it reports {@link State#EXPIRED}.
   */
  TokenStatus status() {
    return status(null);
  }

  /** {@link #status()}, naming {@code tenant} (null for an {@link OAuthClient}). */
  TokenStatus status(String tenant) {
    long now = clock.millis();
    Snapshot s = snapshot;
    FailureWindow.Failure f = failure;
    State state = stateOf(s, f, now);
    Instant retryAt = null;
    if (f != null) {
      // With a token still in service the next background attempt; without, the end of the window
      // in which callers get the failure.
      long until = state == State.STALE ? f.nextBackgroundAttempt : f.negativeUntil;
      if (state == State.CLOSED_UNTIL) {
        // When the provider said it reopens; probes (closedProbeInterval) may end it earlier.
        until = f.reopensAt;
      }
      if (until > now) {
        retryAt = Instant.ofEpochMilli(until);
      }
    }
    return new TokenStatus(
        state,
        s == null ? null : s.token.expiresAt(),
        lastSuccess,
        retryAt,
        f == null ? 0 : f.consecutive,
        f == null ? null : TokenStatus.failureSummary(f.exception),
        staleServed.sum(),
        tenant);
  }

  /**
   * The stale and expired cases of {@link #get(long)}, kept apart so the hit path stays small
   * enough to inline.
   */
  private AccessToken slowGet() {
    ensureOpen();
    long now = clock.millis();
    Snapshot s = snapshot;
    if (s != null && now < s.expiredAt) {
      servedStale(s, now);
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
    return awaitRefresh(seen, now, blockingCaller, lastForgotten);
  }

  /**
   * @param forgotten the token the last invalidation forgot, as the caller began: a refresh the
   *     caller joins that yields it had ended before the caller began
   */
  private CompletableFuture<AccessToken> awaitRefresh(
      Snapshot seen, long now, boolean blockingCaller, AccessToken forgotten) {
    notice(now);
    FailureWindow.Failure f = failure;
    if (f != null && f.holdsCallers(now) && inFlight.get() == null) {
      return CompletableFuture.failedFuture(f.exception.forCaller());
    }
    return perCaller(shared(seen, f, blockingCaller, false), forgotten, false);
  }

  /**
   * The caller's own future of the shared refresh: cancelling it does not cancel the refresh for
   * the others, and a failure reaches the caller as its own copy, so no caller's {@code
   * addSuppressed} or rethrow shows in another's exception or in the one the cache remembers.
   *
   * <p>A caller can join a refresh that already stored its token, in the moment before it clears
   * {@code inFlight}; if that token was invalidated before the caller began ({@code forgotten}, the
   * same instance), the caller must not get it: it looks again, once (found by model checking,
   * TokenCacheLincheckTest).
   *
   * @param refresh whether the caller asked for a new token rather than a usable one
   */
  private CompletableFuture<AccessToken> perCaller(
      CompletableFuture<AccessToken> shared, AccessToken forgotten, boolean refresh) {
    CompletableFuture<AccessToken> mine = new CompletableFuture<>();
    shared.whenComplete(
        (token, error) -> {
          if (error == null) {
            if (forgotten != null && token == forgotten) {
              again(mine, refresh);
            } else {
              mine.complete(token);
            }
          } else {
            // An OAuthException from below, or close()'s IllegalStateException.
            mine.completeExceptionally(
                error instanceof OAuthException ? ((OAuthException) error).forCaller() : error);
          }
        });
    return mine;
  }

  /** A caller's second look, after the refresh it joined gave it a token forgotten before. */
  private void again(CompletableFuture<AccessToken> mine, boolean refresh) {
    CompletableFuture<AccessToken> next;
    try {
      ensureOpen();
      long now = clock.millis();
      Snapshot s = snapshot;
      if (refresh) {
        next = perCaller(shared(s, failure, false, false), null, true);
      } else if (s != null && now < s.expiredAt) {
        next = CompletableFuture.completedFuture(s.token);
      } else {
        next = awaitRefresh(s, now, false, null);
      }
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      return;
    }
    next.whenComplete(
        (token, error) -> {
          if (error == null) {
            mine.complete(token);
          } else {
            mine.completeExceptionally(error);
          }
        });
  }

  /**
   * A caller gets a token that is due for refresh: counted, and the refresh started. A snapshot
   * that turned out fresh on the re-read (a refresh landed in between) is not counted.
   */
  private void servedStale(Snapshot s, long now) {
    if (now >= s.staleAt) {
      staleServed.increment();
      notice(now);
    }
    refreshInBackground(s, now);
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
    FailureWindow.Failure f = failure;
    if (f != null && f.holdsBackground(now)) {
      return;
    }
    if (inFlight.get() == null) {
      shared(seen, f, false, true);
    }
  }

  /**
   * The refresh in flight, or a new one. {@code seen} and {@code seenFailure} are the state the
   * caller decided on: if a refresh ended since, its outcome is handed over instead of starting
   * another request. A blocking caller that starts the refresh makes its first attempt itself, so
   * the returned future is usually complete.
   *
   * @param background true for a refresh ahead of expiry that no caller waits for
   */
  private CompletableFuture<AccessToken> shared(
      Snapshot seen,
      FailureWindow.Failure seenFailure,
      boolean blockingCaller,
      boolean background) {
    for (; ; ) {
      CompletableFuture<AccessToken> current = inFlight.get();
      if (current != null) {
        return current;
      }
      CompletableFuture<AccessToken> mine = new CompletableFuture<>();
      if (inFlight.compareAndSet(null, mine)) {
        // A refresh that ended after the caller looked stored its outcome before clearing inFlight,
        // so winning the CAS makes that outcome visible here.
        Snapshot s = snapshot;
        FailureWindow.Failure f = failure;
        if (closed) {
          // close() sets the flag before it fails the refresh in flight: a refresh that won the
          // CAS after close() looked must not start, since nothing would ever fail it (its source
          // may wait on threads that are gone). Its caller gets what any caller of a closed client
          // gets.
          inFlight.compareAndSet(mine, null);
          mine.completeExceptionally(closedException());
        } else if (s != seen && s != null && clock.millis() < s.expiredAt) {
          inFlight.compareAndSet(mine, null);
          mine.complete(s.token);
        } else if (f != seenFailure && f != null) {
          inFlight.compareAndSet(mine, null);
          mine.completeExceptionally(f.exception);
        } else {
          start(mine, blockingCaller, background);
        }
        return mine;
      }
    }
  }

  private void start(
      CompletableFuture<AccessToken> mine, boolean blockingCaller, boolean background) {
    if (background && !blockingCaller) {
      // Nobody waits for a refresh ahead of expiry: the caller that noticed the stale token gets it
      // at once, and the refresh (listeners, an assertion supplier) runs on the client's threads.
      try {
        async.execute(() -> startHere(mine, false, true));
      } catch (RejectedExecutionException e) {
        inFlight.compareAndSet(mine, null);
        mine.completeExceptionally(closedException());
      }
      return;
    }
    startHere(mine, blockingCaller, background);
  }

  private void startHere(
      CompletableFuture<AccessToken> mine, boolean blockingCaller, boolean background) {
    LOG.debug(
        snapshot == null
            ? "No usable token cached; fetching one"
            : "Cached token is stale; refreshing");
    // After a token that arrived (nearly) expired, the next request waits for minRefreshInterval.
    long now = clock.millis();
    long notBefore = nextFetchNotBefore > now ? nextFetchNotBefore : 0;
    lastFetchStart = Math.max(now, notBefore);
    // An interrupted caller would stop waiting at once: its thread must not make the attempt the
    // others wait for.
    Fetch request =
        new Fetch(
            fetchIds.incrementAndGet(),
            peek(),
            blockingCaller && !Thread.currentThread().isInterrupted(),
            background,
            now,
            notBefore,
            isProbe(now));
    CompletableFuture<AccessToken> fetch;
    Error error = null;
    try {
      listener.onFetchStarted(
          new FetchStarted(request.id, background, Instant.ofEpochMilli(request.startedAt)));
      fetch = source.fetch(request);
    } catch (Throwable e) {
      // Whatever went wrong (a listener's StackOverflowError, say), the shared refresh completes:
      // nobody may wait for it forever. The cache's own call failed: it is typed here, once.
      fetch = CompletableFuture.failedFuture(Futures.typed(e));
      error = e instanceof Error ? (Error) e : null;
    }
    fetch.whenComplete((token, failed) -> finish(mine, request, token, failed));
    if (error != null) {
      // The Error is this thread's to handle: it still reaches it, after the others were woken.
      throw error;
    }
  }

  /** Whether a fetch starting now probes a closed window the provider announced. */
  private boolean isProbe(long now) {
    FailureWindow.Failure f = failure;
    return f != null && f.closedAt(now);
  }

  private void finish(
      CompletableFuture<AccessToken> mine, Fetch request, AccessToken token, Throwable error) {
    OAuthException failed = null;
    boolean stored = false;
    try {
      if (error == null) {
        stored = store(token);
      } else {
        // Every stage below fails its future with the OAuthException made where the failure
        // happened, and passes it up as it is; typed() only guards against a broken stage.
        failed = recordFailure(Futures.typed(error));
      }
    } finally {
      // Clear before completing: a caller woken by the completion that needs another refresh can
      // start one.
      inFlight.compareAndSet(mine, null);
    }
    try {
      long now = clock.millis();
      notice(now);
      listener.onFetchEnded(
          new FetchEnded(
              request.id,
              request.attempts(),
              Duration.ofMillis(Math.max(0, now - request.startedAt)),
              failed));
    } finally {
      // Whatever the listener did, every waiting caller is woken. A token that came after
      // close() is nobody's: its callers get what any caller of a closed client gets (found by
      // model checking, TokenCacheLincheckTest).
      if (failed != null) {
        mine.completeExceptionally(failed);
      } else if (stored) {
        mine.complete(token);
      } else {
        mine.completeExceptionally(closedException());
      }
    }
  }

  /** Caches {@code token}; false when the client closed first, and nothing stays cached. */
  private boolean store(AccessToken token) {
    if (closed) {
      return false;
    }
    // Store before the shared future completes, so every caller it wakes finds the new token
    // cached.
    long now = clock.millis();
    Snapshot s = Snapshot.of(token, now, freshness, closing.staleBy(token, now));
    snapshot = s;
    failure = null;
    nextFetchNotBefore = shortLived(token, s, now) ? lastFetchStart + minRefreshMillis : 0;
    lastSuccess = Instant.ofEpochMilli(now);
    if (closed) {
      // close() ran between the check and the store: it must not leave a token served after it
      // returned.
      snapshot = null;
      return false;
    }
    LOG.debug("Token refreshed; expires at {}", token.expiresAt());
    OAuthClientListener.ClosingCoverage coverage = closing.coverage(token, now);
    if (coverage != null) {
      listener.onClosingCoverage(coverage);
    }
    return true;
  }

  /**
   * Whether the token arrived (nearly) expired: already due for a refresh when it arrived, so the
   * next caller would send another request at once, and so on for every call. Its callers get it,
   * but the next request waits for {@code minRefreshInterval}; one WARN per client names the
   * lifetime. (Margins shrink with the lifetime, so a short but usable token is not caught.)
   */
  private boolean shortLived(AccessToken token, Snapshot s, long now) {
    if (now < s.staleAt) {
      return false;
    }
    Duration lifetime = Duration.ofMillis(Math.max(0, token.expiresAt().toEpochMilli() - now));
    if (warnedShortLifetime.compareAndSet(false, true)) {
      LOG.warn(
          "The token endpoint issued a token with a lifetime of {} (expires at {}), shorter than"
              + " minRefreshInterval {}: callers get it, but the client sends at most one token"
              + " request per minRefreshInterval",
          lifetime,
          token.expiresAt(),
          Duration.ofMillis(minRefreshMillis));
    } else {
      LOG.debug("Token arrived with a lifetime of {}", lifetime);
    }
    return true;
  }

  private OAuthException recordFailure(OAuthException e) {
    failure = failureWindow.after(failure, e, clock.millis());
    return e;
  }

  /**
   * The state {@link #status()} reports, from one snapshot and failure read: a usable token decides
   * (fresh or stale); without one, the last failure (the provider closed until a known time, or
   * failing); else expired.
   */
  private State stateOf(Snapshot s, FailureWindow.Failure f, long now) {
    if (closed) {
      return State.EXPIRED;
    }
    if (s != null && now < s.staleAt) {
      return State.FRESH;
    }
    if (s != null && now < s.expiredAt) {
      return State.STALE;
    }
    if (f != null) {
      return f.closedAt(now) ? State.CLOSED_UNTIL : State.FAILING;
    }
    return State.EXPIRED;
  }

  /**
   * Tells the listener when the state differs from the one it last heard of. Called where the cache
   * already works (stale and expired paths, refresh outcomes, invalidation, close), never on the
   * fresh hit: a change by time alone is noticed when a caller or refresh next looks.
   */
  private void notice(long now) {
    State current = stateOf(snapshot, failure, now);
    State previous = noticed.get();
    if (current != previous && noticed.compareAndSet(previous, current)) {
      listener.onStateChanged(new StateChanged(previous, current));
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw closedException();
    }
  }

  /** Names what the application holds, as the source says: no field, so no byte per tenant. */
  private IllegalStateException closedException() {
    return new IllegalStateException(source.closedMessage());
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

    /**
     * A token obtained at {@code obtainedAt}, judged by its lifetime from then; stale no later than
     * {@code staleBy} (the closing-aware renewal).
     */
    static Snapshot of(AccessToken token, long obtainedAt, Freshness freshness, long staleBy) {
      long expiresAt = token.expiresAt().toEpochMilli();
      // A token from a store knows when it was issued: its margins come from its whole lifetime, as
      // for one fetched then (one freshness rule).
      long obtained =
          token.issuedAtMillis() == Long.MIN_VALUE
              ? obtainedAt
              : Math.min(obtainedAt, token.issuedAtMillis());
      return new Snapshot(
          token,
          Math.min(staleBy, freshness.staleAt(obtained, expiresAt)),
          freshness.expiredAt(obtained, expiresAt));
    }
  }
}
