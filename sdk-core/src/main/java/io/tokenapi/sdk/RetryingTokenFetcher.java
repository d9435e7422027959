package io.tokenapi.sdk;

import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches a token with retries: resilience4j-retry runs the loop and schedules every wait on the
 * client's scheduler (no thread sleeps); this class decides, from the typed exception, whether and
 * how long to wait.
 *
 * <p>The rules, in the order they are checked:
 *
 * <ol>
 *   <li>a 503 with a {@code retryAt} (from {@code Retry-After}, or the working hours' next opening)
 *       is a closure: wait until {@code retryAt} plus a random opening spread. Closures do not
 *       count against {@code maxAttempts}; a backoff floor keeps {@code Retry-After: 0} from
 *       turning into a busy loop;
 *   <li>other transient failures (500, 502, 503 without {@code retryAt}, 504, 408, 429, transport):
 *       full-jitter exponential backoff, counted against {@code maxAttempts}; a 429's {@code
 *       Retry-After} is a lower bound;
 *   <li>anything else is not retried.
 * </ol>
 *
 * Every wait must leave room for one more attempt before {@code maxWait} ends; otherwise the call
 * fails at once with the last exception.
 */
final class RetryingTokenFetcher {
  private static final Logger LOG = LoggerFactory.getLogger(OAuthClient.class);
  private static final DateTimeFormatter RESUME_FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss VV");
  private static final ZoneId UTC = ZoneId.of("UTC");

  /**
   * A retry is only worth scheduling when the attempt after the wait still has this long before
   * maxWait ends.
   */
  static final long MIN_ATTEMPT_MILLIS = 100;

  /**
   * A closure wait at least this long is announced at INFO (once per call): the caller will notice
   * it.
   */
  static final long LONG_WAIT_MILLIS = 10_000;

  private final TokenEndpoint endpoint;
  private final RetryPolicy policy;
  private final WorkingHours workingHours;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final OAuthClientListener listener;
  private final long callTimeoutMillis;
  private final DoubleSupplier random;

  /**
   * Set first thing in {@link OAuthClient#close()}, before calls are cancelled and the scheduler
   * stops.
   */
  private volatile boolean closed;

  RetryingTokenFetcher(
      TokenEndpoint endpoint,
      RetryPolicy policy,
      WorkingHours workingHours,
      Clock clock,
      ScheduledExecutorService scheduler,
      OAuthClientListener listener,
      long callTimeoutMillis,
      DoubleSupplier random) {
    this.endpoint = endpoint;
    this.policy = policy;
    this.workingHours = workingHours;
    this.clock = clock;
    this.scheduler = scheduler;
    this.listener = listener;
    this.callTimeoutMillis = callTimeoutMillis;
    this.random = random;
  }

  /** From now on no attempt is retried: the client is closing. */
  void close() {
    closed = true;
  }

  /**
   * One token, retried per policy, every attempt on a pool thread. Completes exceptionally with an
   * {@link OAuthException} only.
   */
  CompletableFuture<AccessToken> fetch() {
    Attempts attempts = attempts();
    if (!policy.retries()) {
      return finish(attempt(attempts), attempts);
    }
    return finish(retryLoop(attempts), attempts);
  }

  /**
   * One token, retried per policy, with the first attempt on the calling thread: a blocking caller
   * that has to wait anyway does the request itself instead of handing it to a pool thread and
   * waiting to be woken (two thread switches, about a third of a loopback request). Retries are
   * scheduled as in {@link #fetch()}.
   *
   * <p>If the attempt ends because the calling thread was interrupted, it is not counted as a
   * failure: the returned future is a whole new {@link #fetch()} on the pool, so callers sharing it
   * still get a token, and the interrupted caller, whose flag is still set, stops waiting for it at
   * once.
   *
   * @return a completed future when the first attempt settled it; otherwise the scheduled retries
   */
  CompletableFuture<AccessToken> fetchOnCallerThread() {
    Attempts attempts = attempts();
    attempts.count++;
    OAuthException failure;
    try {
      AccessToken token =
          endpoint.execute(attempts.timeoutMillis(attempts.start, callTimeoutMillis));
      return CompletableFuture.completedFuture(token);
    } catch (OAuthException e) {
      failure = e;
    } catch (RuntimeException e) {
      // Not retried, as in the loop; finish() gives it the typed contract.
      return finish(CompletableFuture.failedFuture(e), attempts);
    }
    if (Thread.currentThread().isInterrupted()) {
      LOG.debug(
          "Token request on the caller's thread ended by an interrupt; continuing on the client's threads");
      return fetch();
    }
    long delay = policy.retries() ? decide(attempts, failure) : -1;
    if (delay < 0) {
      return finish(CompletableFuture.failedFuture(failure), attempts);
    }
    CompletableFuture<AccessToken> rest = new CompletableFuture<>();
    try {
      scheduler.schedule(
          () -> {
            retryLoop(attempts)
                .whenComplete(
                    (token, error) -> {
                      if (error == null) {
                        rest.complete(token);
                      } else {
                        rest.completeExceptionally(error);
                      }
                    });
          },
          delay,
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      attempts.clientClosed = true;
      rest.completeExceptionally(e);
    }
    return finish(rest, attempts);
  }

  private Attempts attempts() {
    long start = clock.millis();
    if (!policy.retries()) {
      Attempts attempts = new Attempts(start, Long.MAX_VALUE);
      attempts.stopReason = "retries are disabled (RetryPolicy.none())";
      return attempts;
    }
    return new Attempts(start, saturatedAdd(start, Backoff.millis(policy.maxWait())));
  }

  /**
   * resilience4j's loop: the first attempt at once, later ones after the wait {@link #decide}
   * returns.
   */
  private CompletableFuture<AccessToken> retryLoop(Attempts attempts) {
    RetryConfig config =
        RetryConfig.custom()
            // The attempt limit applies to transient failures only, so the loop's own limit is out
            // of the way and
            // decide() returns -1 to stop.
            .maxAttempts(Integer.MAX_VALUE)
            .retryOnException(e -> unwrap(e) instanceof OAuthException)
            .intervalBiFunction((attempt, outcome) -> decide(attempts, unwrap(outcome.getLeft())))
            .failAfterMaxAttempts(false)
            .build();
    return Retry.of("tokenapi-token", config)
        .executeCompletionStage(scheduler, () -> attempt(attempts))
        .toCompletableFuture();
  }

  private CompletableFuture<AccessToken> attempt(Attempts attempts) {
    attempts.count++;
    try {
      return endpoint.fetch(attempts.timeoutMillis(clock.millis(), callTimeoutMillis));
    } catch (RuntimeException e) {
      // resilience4j runs later attempts on the scheduler, where a thrown exception would be lost
      // and the call
      // would never complete: hand it over as a failed attempt instead.
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The wait before the next attempt in milliseconds, or -1 to stop with {@code failure}. */
  private long decide(Attempts attempts, Throwable failure) {
    // Counted here rather than taken from resilience4j, whose count restarts when the first attempt
    // ran inline.
    int attempt = attempts.count;
    if (!(failure instanceof OAuthException)) {
      return -1;
    }
    OAuthException e = (OAuthException) failure;
    // The flag, not only the scheduler: close() cancels the calls before it stops the scheduler, so
    // a cancelled
    // attempt can be decided on while the scheduler still runs, and must not be retried.
    if (closed || scheduler.isShutdown()) {
      attempts.clientClosed = true;
      return -1;
    }
    long now = clock.millis();
    Instant retryAt = retryAt(e);
    long delay;
    if (e instanceof ServiceUnavailableException && retryAt != null) {
      // A closure with a known reopening: waited out, bounded by maxWait alone.
      attempts.closures++;
      long untilOpen = Math.max(0, retryAt.toEpochMilli() - now);
      if (saturatedAdd(now, untilOpen + MIN_ATTEMPT_MILLIS) > attempts.deadline) {
        return stop(
            attempts,
            "the provider expects requests again at "
                + retryAt
                + ", after maxWait "
                + policy.maxWait()
                + " would have passed");
      }
      long spread = Backoff.openingSpreadMillis(untilOpen, random);
      long floor =
          Backoff.fullJitterMillis(
              policy.initialBackoff(), policy.maxBackoff(), attempts.closures, random);
      delay =
          Math.min(
              Math.max(untilOpen + spread, floor), attempts.deadline - MIN_ATTEMPT_MILLIS - now);
      announce(attempts, attempt, e, now, delay);
    } else if (isTransient(e)) {
      attempts.transientFailures++;
      if (attempts.transientFailures >= policy.maxAttempts()) {
        return stop(attempts, "maxAttempts " + policy.maxAttempts() + " reached");
      }
      delay =
          Backoff.fullJitterMillis(
              policy.initialBackoff(), policy.maxBackoff(), attempts.transientFailures, random);
      if (retryAt != null) {
        delay = Math.max(delay, retryAt.toEpochMilli() - now);
      }
      if (saturatedAdd(now, saturatedAdd(delay, MIN_ATTEMPT_MILLIS)) > attempts.deadline) {
        return stop(
            attempts, "the next wait (" + delay + " ms) would pass maxWait " + policy.maxWait());
      }
      LOG.debug(
          "Token request attempt {} failed ({}); retrying in {} ms", attempt, summary(e), delay);
    } else {
      return stop(attempts, summary(e) + " is not retried");
    }
    listener.onRetryScheduled(attempt, Duration.ofMillis(delay), e);
    return delay;
  }

  /** INFO once per call for a wait the caller will notice; DEBUG for every other closure wait. */
  private void announce(Attempts attempts, int attempt, OAuthException e, long now, long delay) {
    if (delay >= LONG_WAIT_MILLIS && !attempts.announced) {
      attempts.announced = true;
      LOG.info(
          "Token API closed (HTTP 503); retrying at {} (in {})",
          resumeText(now + delay),
          Duration.ofMillis(delay));
    } else {
      LOG.debug(
          "Token request attempt {} failed ({}, closed); retrying in {} ms",
          attempt,
          summary(e),
          delay);
    }
  }

  private static long stop(Attempts attempts, String why) {
    attempts.stopReason = why;
    return -1;
  }

  private CompletableFuture<AccessToken> finish(
      CompletableFuture<AccessToken> loop, Attempts attempts) {
    return loop.handle(
        (token, failure) -> {
          if (failure == null) {
            return token;
          }
          Throwable cause = unwrap(failure);
          OAuthException e =
              cause instanceof OAuthException
                  ? (OAuthException) cause
                  : new OAuthException(
                      "Token request failed unexpectedly ("
                          + cause.getClass().getName()
                          + "); if the client was closed, build a new one.",
                      cause);
          // Closing the client ends its calls; that is the caller's doing, not a failure worth a
          // WARN.
          if (attempts.clientClosed || cause instanceof RejectedExecutionException) {
            LOG.debug(
                "Token request to {} ended after {} attempt(s): the client was closed",
                endpoint.displayUrl(),
                attempts.count);
          } else {
            LOG.warn(
                "Token request to {} failed after {} attempt(s) in {} ms; {}: {}",
                endpoint.displayUrl(),
                attempts.count,
                clock.millis() - attempts.start,
                attempts.stopReason != null ? attempts.stopReason : "not retried",
                e.getMessage());
          }
          throw e;
        });
  }

  private String resumeText(long atMillis) {
    ZoneId zone = workingHours != null ? workingHours.zone() : UTC;
    return RESUME_FORMAT.format(Instant.ofEpochMilli(atMillis).atZone(zone));
  }

  static boolean isTransient(OAuthException e) {
    if (e instanceof TransportException) {
      return true;
    }
    return e instanceof ApiException && ((ApiException) e).isRetryable();
  }

  private static Instant retryAt(OAuthException e) {
    if (e instanceof ServiceUnavailableException) {
      return ((ServiceUnavailableException) e).retryAt().orElse(null);
    }
    if (e instanceof RateLimitedException) {
      return ((RateLimitedException) e).retryAt().orElse(null);
    }
    return null;
  }

  private static String summary(OAuthException e) {
    if (e instanceof ApiException) {
      return "HTTP " + ((ApiException) e).statusCode();
    }
    return e.getClass().getSimpleName();
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
  }

  /**
   * One call's retry state. Touched by one attempt at a time, each after the previous one
   * completed.
   */
  private static final class Attempts {
    final long start;
    final long deadline;
    volatile int count;
    volatile int transientFailures;
    volatile int closures;
    volatile boolean announced;
    volatile String stopReason;
    volatile boolean clientClosed;

    Attempts(long start, long deadline) {
      this.start = start;
      this.deadline = deadline;
    }

    /** The attempt's call timeout: the client's, cut to what is left of maxWait. */
    long timeoutMillis(long now, long callTimeoutMillis) {
      if (deadline == Long.MAX_VALUE) {
        return callTimeoutMillis;
      }
      return Math.max(1, Math.min(callTimeoutMillis, deadline - now));
    }
  }
}
