package io.tokenapi.sdk;

import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.tokenapi.sdk.OAuthClientListener.RetryReason;
import io.tokenapi.sdk.OAuthClientListener.RetryScheduled;
import io.tokenapi.sdk.OAuthClientListener.TokenObtained;
import io.tokenapi.sdk.OAuthClientListener.TokenOrigin;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches a token from the {@link TokenEndpoint} with retries. One resilience4j {@link Retry} per
 * client runs the loop for every call: it makes the first attempt at once, on the calling thread,
 * and schedules every later one on the client's scheduler (no thread sleeps). Its {@code
 * IntervalBiFunction} asks {@link RetryRules} whether and how long to wait, and its event publisher
 * tells the listener about each scheduled retry.
 *
 * <p>A blocking caller that has to wait anyway may make the first attempt itself (no hand-off to a
 * pool thread and back: two thread switches, about a third of a loopback request); later attempts
 * run on the client's threads. If that attempt ends because the caller was interrupted, it is not
 * counted as a failure: the request is sent again from the client's threads at once, so the callers
 * sharing the fetch still get a token, and the interrupted caller stops waiting.
 *
 * <p>resilience4j's {@code IntervalBiFunction} sees only the attempt number and the failure, and
 * its attempt count is per {@code Retry}, not per call; so each call's state (its {@code maxWait}
 * deadline, its counts of transient failures and closure waits) travels with the failure in a
 * {@link FailedAttempt}.
 */
final class RetryingTokenSource implements TokenSource {
  private static final Logger LOG = LoggerFactory.getLogger(RetryingTokenSource.class);
  private static final DateTimeFormatter RESUME_FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss VV");
  private static final ZoneId UTC = ZoneId.of("UTC");

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
  private final boolean callerThreadAttempts;
  private final Retry retry;

  /** Set first thing when the client closes, before the endpoint cancels its calls. */
  private volatile boolean closed;

  /**
   * @param callerThreadAttempts whether a blocking caller may make the first attempt on its own
   *     thread (only when an interrupt ends every blocking step of the request)
   */
  RetryingTokenSource(
      TokenEndpoint endpoint,
      RetryPolicy policy,
      WorkingHours workingHours,
      Clock clock,
      ScheduledExecutorService scheduler,
      OAuthClientListener listener,
      long callTimeoutMillis,
      DoubleSupplier random,
      boolean callerThreadAttempts) {
    this.endpoint = endpoint;
    this.policy = policy;
    this.workingHours = workingHours;
    this.clock = clock;
    this.scheduler = scheduler;
    this.listener = listener;
    this.callTimeoutMillis = callTimeoutMillis;
    this.random = random;
    this.callerThreadAttempts = callerThreadAttempts;
    RetryConfig config =
        RetryConfig.<AccessToken>custom()
            // The attempt limit applies to transient failures only (RetryRules), so the loop's own
            // limit is out of the way and decide() returns -1 to stop.
            .maxAttempts(Integer.MAX_VALUE)
            .retryOnException(e -> e instanceof FailedAttempt)
            .intervalBiFunction(
                (attempt, outcome) ->
                    outcome.isLeft() ? decide((FailedAttempt) outcome.getLeft()) : -1L)
            .failAfterMaxAttempts(false)
            .build();
    this.retry = Retry.of("tokenapi-token", config);
    retry
        .getEventPublisher()
        .onRetry(
            event -> {
              FailedAttempt failed = (FailedAttempt) event.getLastThrowable();
              OAuthException cause = (OAuthException) failed.getCause();
              listener.onRetryScheduled(
                  new RetryScheduled(
                      failed.call.fetch.id,
                      failed.attempt,
                      event.getWaitInterval(),
                      failed.reason,
                      cause));
            });
  }

  /**
   * One token, retried per policy. Completes exceptionally with an {@link OAuthException} only.
   * When the first attempt runs on the calling thread and settles the call, the future is complete
   * on return.
   */
  @Override
  public CompletableFuture<AccessToken> fetch(Fetch fetch) {
    long wait = fetch.notBeforeMillis - clock.millis();
    if (wait > 0) {
      return later(fetch, wait);
    }
    long start = clock.millis();
    Call call =
        new Call(
            fetch,
            start,
            RetryRules.deadline(policy, start),
            fetch.blockingCaller && callerThreadAttempts);
    call.fetchingThread = Thread.currentThread();
    CompletableFuture<AccessToken> loop;
    try {
      loop = retry.executeCompletionStage(scheduler, () -> attempt(call)).toCompletableFuture();
    } finally {
      call.fetchingThread = null;
    }
    return finish(loop, call);
  }

  /** The fetch, sent once {@code wait} has passed (minRefreshInterval). */
  private CompletableFuture<AccessToken> later(Fetch fetch, long wait) {
    CompletableFuture<AccessToken> result = new CompletableFuture<>();
    LOG.debug("Next token request in {} ms (minRefreshInterval)", wait);
    try {
      scheduler.schedule(
          () -> {
            try {
              fetch(fetch.due())
                  .whenComplete(
                      (token, error) -> {
                        if (error == null) {
                          result.complete(token);
                        } else {
                          result.completeExceptionally(error);
                        }
                      });
            } catch (Throwable e) {
              result.completeExceptionally(Futures.typed(e));
              if (e instanceof Error) {
                throw (Error) e;
              }
            }
          },
          wait,
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(Futures.typed(e));
    }
    return result;
  }

  /** Tokens come from the provider, new each time: there is nothing to reject here. */
  @Override
  public void reject(AccessToken token) {}

  /** From now on no attempt is retried; then the endpoint cancels the calls in flight. */
  @Override
  public void close() {
    closed = true;
    endpoint.close();
  }

  /** One attempt; never throws: a failure is a failed future carrying the call's state. */
  private CompletionStage<AccessToken> attempt(Call call) {
    call.count++;
    int attempt = call.fetch.nextAttempt();
    long timeout =
        RetryRules.attemptTimeoutMillis(callTimeoutMillis, clock.millis(), call.deadline);
    if (call.onCallerThread) {
      call.onCallerThread = false;
      return attemptOnCallerThread(call, attempt, timeout);
    }
    CompletableFuture<AccessToken> result = new CompletableFuture<>();
    try {
      endpoint
          .fetch(timeout, call.fetch.id, attempt)
          .whenComplete(
              (token, error) -> {
                if (error == null) {
                  result.complete(token);
                } else {
                  result.completeExceptionally(new FailedAttempt(call, attempt, error));
                }
              });
    } catch (Throwable e) {
      // resilience4j runs later attempts on the scheduler, where a thrown exception would be lost
      // and the call would never complete: hand it over as a failed attempt instead. An Error on
      // the thread that called fetch() goes on to it, and the cache ends the fetch.
      if (e instanceof Error && call.fetchingThread == Thread.currentThread()) {
        throw (Error) e;
      }
      result.completeExceptionally(new FailedAttempt(call, attempt, e));
    }
    return result;
  }

  private CompletionStage<AccessToken> attemptOnCallerThread(Call call, int attempt, long timeout) {
    try {
      return CompletableFuture.completedFuture(endpoint.execute(timeout, call.fetch.id, attempt));
    } catch (OAuthException e) {
      if (Thread.currentThread().isInterrupted()) {
        LOG.debug(
            "Token request on the caller's thread ended by an interrupt; continuing on the client's threads");
        return attempt(call);
      }
      return CompletableFuture.failedFuture(new FailedAttempt(call, attempt, e));
    } catch (RuntimeException e) {
      // Not retried (RetryRules); finish() gives it the typed contract. An Error goes on to this
      // caller's thread, and the cache ends the fetch for the others.
      return CompletableFuture.failedFuture(new FailedAttempt(call, attempt, e));
    }
  }

  /**
   * resilience4j's IntervalBiFunction: the wait before the next attempt in milliseconds, or -1 to
   * stop with the failure.
   */
  private long decide(FailedAttempt failed) {
    Call call = failed.call;
    Throwable failure = failed.getCause();
    // The flag, not only the scheduler: close() cancels the calls before it stops the scheduler, so
    // a cancelled attempt can be decided on while the scheduler still runs, and must not be
    // retried.
    if (policy.retries()
        && failure instanceof OAuthException
        && (closed || scheduler.isShutdown())) {
      call.clientClosed = true;
      return -1;
    }
    if (call.fetch.probe) {
      // A probe of a closed window is one request per closedProbeInterval, never a retry loop.
      call.stopReason = "a probe of the provider's closed window is not retried";
      return -1;
    }
    long now = clock.millis();
    RetryRules.Decision decision =
        RetryRules.decide(
            policy, call.transientFailures, call.closures, failure, now, call.deadline, random);
    failed.reason = decision.reason;
    switch (decision.kind) {
      case CLOSURE:
        call.closures++;
        announce(call, failed.attempt, (OAuthException) failure, now, decision.delayMillis);
        return decision.delayMillis;
      case BACKOFF:
        call.transientFailures++;
        LOG.debug(
            "Token request attempt {} failed ({}); retrying in {} ms",
            failed.attempt,
            RetryRules.summary((OAuthException) failure),
            decision.delayMillis);
        return decision.delayMillis;
      default:
        call.stopReason = decision.stopReason;
        return -1;
    }
  }

  /** INFO once per call for a wait the caller will notice; DEBUG for every other closure wait. */
  private void announce(Call call, int attempt, OAuthException e, long now, long delay) {
    if (delay >= LONG_WAIT_MILLIS && !call.announced) {
      call.announced = true;
      LOG.info(
          "Token API closed (HTTP 503); retrying at {} (in {})",
          resumeText(now + delay),
          Duration.ofMillis(delay));
    } else {
      LOG.debug(
          "Token request attempt {} failed ({}, closed); retrying in {} ms",
          attempt,
          RetryRules.summary(e),
          delay);
    }
  }

  /**
   * The call's own future: the token, or the failure of its last attempt as the endpoint made it.
   * Completed directly, not by a dependent stage, so the stage above gets the OAuthException itself
   * rather than wrapped in a CompletionException.
   */
  private CompletableFuture<AccessToken> finish(CompletableFuture<AccessToken> loop, Call call) {
    CompletableFuture<AccessToken> result = new CompletableFuture<>();
    loop.whenComplete(
        (token, failure) -> {
          if (failure == null) {
            try {
              long now = clock.millis();
              listener.onTokenObtained(
                  new TokenObtained(
                      call.fetch.id,
                      TokenOrigin.PROVIDER,
                      Duration.ofMillis(Math.max(0, token.expiresAt().toEpochMilli() - now)),
                      token.expiresAt()));
              result.complete(token);
            } catch (Throwable e) {
              // A listener's StackOverflowError, say: this fetch ends with it, typed here where it
              // happened, and nobody waits forever.
              result.completeExceptionally(Futures.typed(e));
            }
            return;
          }
          // resilience4j's loop may wrap what the last attempt failed with; the attempt's failure
          // is the endpoint's OAuthException, passed on as it is. A scheduler that refused the
          // next attempt (the client closed) is this stage's own failure, typed here.
          Throwable cause = Futures.unwrap(failure);
          if (cause instanceof FailedAttempt) {
            cause = cause.getCause();
          }
          OAuthException e = Futures.typed(cause);
          // Closing the client ends its calls; that is the caller's doing, not a failure worth a
          // WARN.
          if (call.clientClosed || cause instanceof RejectedExecutionException) {
            LOG.debug(
                "Token request to {} ended after {} attempt(s): the client was closed",
                endpoint.displayUrl(),
                call.count);
          } else {
            LOG.warn(
                "Token request to {} failed after {} attempt(s) in {} ms; {}: {}",
                endpoint.displayUrl(),
                call.count,
                clock.millis() - call.start,
                call.stopReason != null ? call.stopReason : "not retried",
                e.getMessage());
          }
          result.completeExceptionally(e);
        });
    return result;
  }

  private String resumeText(long atMillis) {
    ZoneId zone = workingHours != null ? workingHours.zone() : UTC;
    return RESUME_FORMAT.format(Instant.ofEpochMilli(atMillis).atZone(zone));
  }

  /**
   * One call's retry state. Touched by one attempt at a time, each after the previous one
   * completed.
   */
  private static final class Call {
    final Fetch fetch;
    final long start;
    final long deadline;
    volatile boolean onCallerThread;
    volatile int count;
    volatile int transientFailures;
    volatile int closures;
    volatile boolean announced;
    volatile String stopReason;
    volatile boolean clientClosed;

    /** The thread inside {@link #fetch} while it runs the first attempt, else null. */
    volatile Thread fetchingThread;

    Call(Fetch fetch, long start, long deadline, boolean onCallerThread) {
      this.fetch = fetch;
      this.start = start;
      this.deadline = deadline;
      this.onCallerThread = onCallerThread;
    }
  }

  /**
   * An attempt's failure (the cause) with the call it belongs to, so that resilience4j's
   * IntervalBiFunction, which gets only the failure, can apply the call's deadline and counts. No
   * stack trace: it is a carrier, and the cause has its own.
   */
  static final class FailedAttempt extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Call call;
    final int attempt;

    /** Why the next attempt waits as long as it does; set when the retry is decided. */
    volatile RetryReason reason;

    FailedAttempt(Call call, int attempt, Throwable cause) {
      super(null, cause, false, false);
      this.call = call;
      this.attempt = attempt;
    }
  }
}
