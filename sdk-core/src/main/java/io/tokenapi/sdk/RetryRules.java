package io.tokenapi.sdk;

import io.tokenapi.sdk.OAuthClientListener.RetryReason;
import java.time.Instant;
import java.util.function.DoubleSupplier;

/**
 * The retry rules as pure functions: what is retried, how long to wait, and when the provider said
 * to come back. No state, no clock, no logging: the caller passes in the counts so far, the time
 * and the deadline, and applies the {@link Decision}.
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
 * Every wait must leave room for one more attempt before the deadline ({@code maxWait} after the
 * call started); otherwise the call fails at once with the last exception.
 */
final class RetryRules {
  /**
   * A retry is only worth scheduling when the attempt after the wait still has this long before
   * maxWait ends.
   */
  static final long MIN_ATTEMPT_MILLIS = 100;

  private RetryRules() {}

  /** Whether a failure is transient: a transport error or a retryable status. */
  static boolean isTransient(OAuthException e) {
    if (e instanceof TransportException) {
      return true;
    }
    return e instanceof ApiException && ((ApiException) e).isRetryable();
  }

  /**
   * When the provider reopens after a 503 closure (its {@code Retry-After} or the working hours'
   * next opening), or null.
   */
  static Instant reopensAt(OAuthException e) {
    if (e instanceof ServiceUnavailableException) {
      return ((ServiceUnavailableException) e).retryAt().orElse(null);
    }
    return null;
  }

  /** When the server said to come back: a 503's {@link #reopensAt} or a 429's Retry-After. */
  static Instant retryAt(OAuthException e) {
    if (e instanceof RateLimitedException) {
      return ((RateLimitedException) e).retryAt().orElse(null);
    }
    return reopensAt(e);
  }

  /**
   * What to do after {@code failure} ended an attempt. Only an {@link OAuthException} is ever
   * retried: anything else is a bug, and retrying cannot mend it.
   *
   * @param transientFailures transient failures before this one
   * @param closures closure waits before this one
   * @param now the time, epoch millis
   * @param deadline when the call must have ended, epoch millis ({@code Long.MAX_VALUE}: none)
   * @param random uniform in [0, 1), the jitter source
   */
  static Decision decide(
      RetryPolicy policy,
      int transientFailures,
      int closures,
      Throwable failure,
      long now,
      long deadline,
      DoubleSupplier random) {
    if (!policy.retries()) {
      return Decision.stop("retries are disabled (RetryPolicy.none())");
    }
    if (!(failure instanceof OAuthException)) {
      return Decision.stop(null);
    }
    OAuthException e = (OAuthException) failure;
    Instant retryAt = retryAt(e);
    if (e instanceof ServiceUnavailableException && retryAt != null) {
      // A closure with a known reopening: waited out, bounded by maxWait alone.
      long untilOpen = Math.max(0, retryAt.toEpochMilli() - now);
      if (saturatedAdd(now, untilOpen + MIN_ATTEMPT_MILLIS) > deadline) {
        return Decision.stop(
            "the provider expects requests again at "
                + retryAt
                + ", after maxWait "
                + policy.maxWait()
                + " would have passed");
      }
      long spread = Backoff.openingSpreadMillis(untilOpen, random);
      long floor =
          Backoff.fullJitterMillis(
              policy.initialBackoff(), policy.maxBackoff(), closures + 1, random);
      long delay =
          Math.min(Math.max(untilOpen + spread, floor), deadline - MIN_ATTEMPT_MILLIS - now);
      boolean opening = ((ServiceUnavailableException) e).retryAtFromWorkingHours();
      return new Decision(
          Decision.Kind.CLOSURE,
          delay,
          opening ? RetryReason.WORKING_HOURS : RetryReason.RETRY_AFTER,
          null);
    }
    if (isTransient(e)) {
      int failures = transientFailures + 1;
      if (failures >= policy.maxAttempts()) {
        return Decision.stop("maxAttempts " + policy.maxAttempts() + " reached");
      }
      long delay =
          Backoff.fullJitterMillis(policy.initialBackoff(), policy.maxBackoff(), failures, random);
      RetryReason reason = RetryReason.BACKOFF;
      if (retryAt != null && retryAt.toEpochMilli() - now > delay) {
        delay = retryAt.toEpochMilli() - now;
        reason = RetryReason.RETRY_AFTER;
      }
      if (saturatedAdd(now, saturatedAdd(delay, MIN_ATTEMPT_MILLIS)) > deadline) {
        return Decision.stop(
            "the next wait (" + delay + " ms) would pass maxWait " + policy.maxWait());
      }
      return new Decision(Decision.Kind.BACKOFF, delay, reason, null);
    }
    return Decision.stop(summary(e) + " is not retried");
  }

  /** The deadline of a call that starts at {@code start}: maxWait on, or none without retries. */
  static long deadline(RetryPolicy policy, long start) {
    return policy.retries()
        ? saturatedAdd(start, Backoff.millis(policy.maxWait()))
        : Long.MAX_VALUE;
  }

  /** The attempt's call timeout: the client's, cut to what is left until the deadline. */
  static long attemptTimeoutMillis(long callTimeoutMillis, long now, long deadline) {
    if (deadline == Long.MAX_VALUE) {
      return callTimeoutMillis;
    }
    return Math.max(1, Math.min(callTimeoutMillis, deadline - now));
  }

  /** The failure in a few words for a log line: the HTTP status, or the exception's type. */
  static String summary(OAuthException e) {
    if (e instanceof ApiException) {
      return "HTTP " + ((ApiException) e).statusCode();
    }
    return e.getClass().getSimpleName();
  }

  static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
  }

  /** The outcome of {@link #decide}: wait {@code delayMillis} and retry, or stop. */
  static final class Decision {
    enum Kind {
      /** Waiting for a 503 closure to end; not counted against maxAttempts. */
      CLOSURE,
      /** Backing off after a transient failure; counted against maxAttempts. */
      BACKOFF,
      /** Not retried. */
      STOP
    }

    final Kind kind;

    /** The wait before the next attempt, or -1 to stop. */
    final long delayMillis;

    /** Why the wait is that long, for the listener; null for {@link Kind#STOP}. */
    final RetryReason reason;

    /** Why the call stops, for the final log line; null when there is nothing to add. */
    final String stopReason;

    private Decision(Kind kind, long delayMillis, RetryReason reason, String stopReason) {
      this.kind = kind;
      this.delayMillis = delayMillis;
      this.reason = reason;
      this.stopReason = stopReason;
    }

    static Decision stop(String why) {
      return new Decision(Kind.STOP, -1, null, why);
    }
  }
}
