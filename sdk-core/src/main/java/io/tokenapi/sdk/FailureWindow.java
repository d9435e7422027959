package io.tokenapi.sdk;

import java.time.Duration;
import java.time.Instant;
import java.util.function.DoubleSupplier;

/**
 * The cache's policy after a failed refresh: how long expired callers get the same exception
 * instead of a new request each (negative caching, damped as an outage goes on), when the next
 * background refresh of a stale token may start, and, when the provider said it is closed until a
 * known time, when the next probe may go out. The cache keeps the {@link Failure} it returns and
 * forgets it on the next success.
 */
final class FailureWindow {
  /**
   * Expired callers after a failure get the same exception for 1 to 2 times this long, not a new
   * request each.
   */
  static final long NEGATIVE_CACHE_MILLIS = 1_000;

  /**
   * The failure window grows with consecutive failed refreshes (full jitter over a doubling bound)
   * up to this long: a long outage costs each instance one retry loop per minute or so, not one
   * every few seconds.
   */
  static final long MAX_NEGATIVE_CACHE_MILLIS = 120_000;

  private final RetryPolicy backgroundBackoff;
  private final DoubleSupplier random;
  private final long closedProbeMillis;

  /**
   * @param backgroundBackoff the backoff between background refreshes of a stale token
   * @param random jitter, uniform in [0, 1)
   * @param closedProbeInterval the least time between two probes of a window the provider said it
   *     is closed for
   */
  FailureWindow(
      RetryPolicy backgroundBackoff, DoubleSupplier random, Duration closedProbeInterval) {
    this.backgroundBackoff = backgroundBackoff;
    this.random = random;
    this.closedProbeMillis = closedProbeInterval.toMillis();
  }

  /**
   * The window after {@code e} failed a refresh at {@code now}.
   *
   * @param previous the failure before it, null after a success
   */
  Failure after(Failure previous, OAuthException e, long now) {
    int failures = previous == null ? 1 : previous.consecutive + 1;
    long backoff =
        Math.max(
            NEGATIVE_CACHE_MILLIS,
            Backoff.fullJitterMillis(
                backgroundBackoff.initialBackoff(),
                backgroundBackoff.maxBackoff(),
                failures,
                random));
    // Full jitter over a bound that doubles per consecutive failure: 1-2 s after the first, up to
    // about 2 minutes in a long outage; reset by a success.
    long bound =
        Math.min(
            MAX_NEGATIVE_CACHE_MILLIS - NEGATIVE_CACHE_MILLIS,
            NEGATIVE_CACHE_MILLIS << Math.min(failures - 1, 20));
    long negativeUntil = now + NEGATIVE_CACHE_MILLIS + (long) (random.getAsDouble() * bound);
    long nextBackground = now + backoff;
    Instant reopensAt = RetryRules.reopensAt(e);
    if (reopensAt != null) {
      // The provider said when it reopens: no request storm before then, but one probe per
      // closedProbeInterval, so a load balancer's day-long Retry-After cannot lock the client out.
      long until = Math.min(reopensAt.toEpochMilli(), now + closedProbeMillis);
      negativeUntil = Math.max(negativeUntil, until);
      nextBackground = Math.max(nextBackground, until);
    }
    return new Failure(
        e,
        failures,
        negativeUntil,
        nextBackground,
        reopensAt == null ? Long.MIN_VALUE : reopensAt.toEpochMilli());
  }

  /** A failed refresh and the window it opened; immutable. */
  static final class Failure {
    final OAuthException exception;
    final int consecutive;

    /** Until then, expired callers get {@link #exception} without a request. */
    final long negativeUntil;

    /** No background refresh of a stale token starts before this. */
    final long nextBackgroundAttempt;

    /** When the provider said it reopens (a 503's retryAt); Long.MIN_VALUE when it did not. */
    final long reopensAt;

    Failure(
        OAuthException exception,
        int consecutive,
        long negativeUntil,
        long nextBackgroundAttempt,
        long reopensAt) {
      this.exception = exception;
      this.consecutive = consecutive;
      this.negativeUntil = negativeUntil;
      this.nextBackgroundAttempt = nextBackgroundAttempt;
      this.reopensAt = reopensAt;
    }

    /** Whether an expired caller at {@code now} gets this failure instead of a new request. */
    boolean holdsCallers(long now) {
      return now < negativeUntil;
    }

    /** Whether a background refresh at {@code now} must wait. */
    boolean holdsBackground(long now) {
      return now < nextBackgroundAttempt;
    }

    /**
     * Whether the provider is closed at {@code now} by its own word: a fetch then is a probe, and
     * the state is {@code CLOSED_UNTIL}.
     */
    boolean closedAt(long now) {
      return now < reopensAt;
    }
  }
}
