package io.tokenapi.sdk;

import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches a token with retries: resilience4j-retry runs the loop and schedules every wait on the client's
 * scheduler (no thread sleeps); this class decides, from the typed exception, whether and how long to wait.
 */
final class RetryingTokenFetcher {
  private static final Logger LOG = LoggerFactory.getLogger(OAuthClient.class);
  private static final DateTimeFormatter RESUME_FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss VV");
  /** A retry is only worth scheduling when the attempt after the wait still has this long before maxWait ends. */
  static final long MIN_ATTEMPT_MILLIS = 100;
  /** Waits at least this long are announced at INFO: the caller will notice them. */
  static final long LONG_WAIT_MILLIS = 60_000;

  private final TokenEndpoint endpoint;
  private final RetryPolicy policy;
  private final WorkingHours workingHours;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final OAuthClientListener listener;
  private final long callTimeoutMillis;
  private final DoubleSupplier random;

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

  /** One token, retried per policy. Completes exceptionally with an {@link OAuthException} only. */
  CompletableFuture<AccessToken> fetch() {
    long start = clock.millis();
    if (!policy.retries()) {
      return finish(endpoint.fetch(callTimeoutMillis), new Attempts(start, Long.MAX_VALUE));
    }
    Attempts attempts = new Attempts(start, saturatedAdd(start, policy.maxWait().toMillis()));
    RetryConfig config = RetryConfig.custom()
        // The attempt limit applies to transient failures only, so the loop's own limit is out of the way and
        // decide() returns -1 to stop.
        .maxAttempts(Integer.MAX_VALUE)
        .retryOnException(e -> unwrap(e) instanceof OAuthException)
        .intervalBiFunction((attempt, outcome) -> decide(attempts, attempt, unwrap(outcome.getLeft())))
        .failAfterMaxAttempts(false)
        .build();
    Retry retry = Retry.of("tokenapi-token", config);
    CompletableFuture<AccessToken> loop = retry
        .executeCompletionStage(scheduler, () -> {
          attempts.count++;
          return endpoint.fetch(attempts.timeoutMillis(clock.millis(), callTimeoutMillis));
        })
        .toCompletableFuture();
    return finish(loop, attempts);
  }

  private long decide(Attempts attempts, int attempt, Throwable failure) {
    if (!(failure instanceof OAuthException)) {
      return -1;
    }
    OAuthException e = (OAuthException) failure;
    long now = clock.millis();
    Instant retryAt = retryAt(e);
    long delay;
    boolean closure = false;
    if (e instanceof ServiceUnavailableException && retryAt != null) {
      // A closure with a known reopening: waited out, bounded by maxWait alone.
      closure = true;
      attempts.closures++;
      long untilOpen = Math.max(0, retryAt.toEpochMilli() - now);
      long backoff = Backoff.fullJitterMillis(
          policy.initialBackoff(), policy.maxBackoff(), attempts.closures, random);
      delay = Math.max(untilOpen + Backoff.openingSpreadMillis(untilOpen, random), backoff);
      if (now + untilOpen + MIN_ATTEMPT_MILLIS > attempts.deadline) {
        return giveUp(e, attempt, "the provider reopens at " + retryAt + ", after maxWait " + policy.maxWait());
      }
      delay = Math.min(delay, attempts.deadline - MIN_ATTEMPT_MILLIS - now);
    } else if (isTransient(e)) {
      attempts.transientFailures++;
      if (attempts.transientFailures >= policy.maxAttempts()) {
        return giveUp(e, attempt, "maxAttempts " + policy.maxAttempts() + " reached");
      }
      delay = Backoff.fullJitterMillis(
          policy.initialBackoff(), policy.maxBackoff(), attempts.transientFailures, random);
      if (retryAt != null) {
        delay = Math.max(delay, retryAt.toEpochMilli() - now);
      }
      if (now + delay + MIN_ATTEMPT_MILLIS > attempts.deadline) {
        return giveUp(e, attempt, "the next wait would pass maxWait " + policy.maxWait());
      }
    } else {
      return -1;
    }
    Duration wait = Duration.ofMillis(delay);
    if (closure && delay >= LONG_WAIT_MILLIS) {
      LOG.info("Token API closed (HTTP 503); retrying at {} (in {})", resumeText(now + delay), wait);
    } else {
      LOG.debug("Token request attempt {} failed ({}); retrying in {} ms", attempt, summary(e), delay);
    }
    listener.onRetryScheduled(attempt, wait, e);
    return delay;
  }

  private long giveUp(OAuthException e, int attempt, String why) {
    LOG.debug("Token request attempt {} failed ({}); not retrying: {}", attempt, summary(e), why);
    return -1;
  }

  private CompletableFuture<AccessToken> finish(CompletableFuture<AccessToken> loop, Attempts attempts) {
    return loop.handle((token, failure) -> {
      if (failure == null) {
        return token;
      }
      Throwable cause = unwrap(failure);
      OAuthException e = cause instanceof OAuthException
          ? (OAuthException) cause
          : new OAuthException(
              "Token request failed unexpectedly (" + cause.getClass().getName()
                  + "); if the client was closed, build a new one.",
              cause);
      LOG.warn("Token request to {} failed after {} attempt(s) in {} ms: {}",
          endpoint.displayUrl(), Math.max(1, attempts.count), clock.millis() - attempts.start, e.getMessage());
      throw e;
    });
  }

  private String resumeText(long atMillis) {
    ZoneId zone = workingHours != null ? workingHours.zone() : ZoneOffset.UTC;
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
      return ((RateLimitedException) e).retryAt();
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
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }

  /** One call's retry state. Touched by one attempt at a time, each after the previous one completed. */
  private static final class Attempts {
    final long start;
    final long deadline;
    volatile int count;
    volatile int transientFailures;
    volatile int closures;

    Attempts(long start, long deadline) {
      this.start = start;
      this.deadline = deadline;
    }

    long timeoutMillis(long now, long callTimeoutMillis) {
      if (deadline == Long.MAX_VALUE) {
        return callTimeoutMillis;
      }
      return Math.max(1, Math.min(callTimeoutMillis, deadline - now));
    }
  }
}
