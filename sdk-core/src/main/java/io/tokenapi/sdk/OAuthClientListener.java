package io.tokenapi.sdk;

import java.time.Duration;
import java.time.Instant;

/**
 * Callbacks about the client's token requests, for metrics, traces and alerts. Every method is a
 * no-op by default, so a listener overrides only what it needs; {@link
 * OAuthClient.Builder#listener(OAuthClientListener)} may be called several times and every listener
 * gets every event.
 *
 * <p>Callbacks run on the client's own event thread ({@code tokenapi-events-N}, one per client), in
 * the order the events happened, never on a caller's thread nor on the thread that fetches the
 * token: a listener that is slow or blocks delays only the events after it, never a token. At most
 * 1024 events wait for it; past that events are dropped, counted and reported by a WARN. {@link
 * OAuthClient#close()} delivers what is queued for at most one second, then drops the rest and
 * interrupts the listener. The exception is {@link #aroundAttempt}, which wraps the send and so
 * runs on the attempt's thread: it must call {@code send} and return. An exception (or an error
 * such as a failed assertion) thrown by a callback is logged and otherwise ignored: it never breaks
 * the client. No event carries a secret, a token value or a client assertion.
 *
 * <p>When {@link #onFetchEnded} runs, the cache already holds the outcome. A callback may so call
 * {@link OAuthClient#getToken()}: it gets the new token, or the failure while it is briefly
 * remembered.
 *
 * <p>The order of the events of one fetch: {@link #onFetchStarted}, then per attempt {@link
 * #onAttemptStarted} and {@link #onAttemptEnded}, with {@link #onRetryScheduled(RetryScheduled)}
 * between attempts, then {@link #onTokenObtained} on success, and last {@link #onFetchEnded} (which
 * carries the failure when the fetch failed). All events of one fetch carry its {@code fetchId},
 * unique within the client.
 */
public interface OAuthClientListener {
  /**
   * The client needs a new token and starts one fetch for all callers that wait for it.
   *
   * @param event the fetch
   */
  default void onFetchStarted(FetchStarted event) {}

  /**
   * One HTTP attempt of a fetch is about to be sent to the token endpoint.
   *
   * @param event the attempt
   */
  default void onAttemptStarted(AttemptStarted event) {}

  /**
   * Runs {@code send}, which sends one attempt's HTTP request, on the thread that sends it. A
   * tracing listener makes its attempt span current around {@code send} so that an instrumented
   * OkHttp client parents its HTTP span to it. Implementations must call {@code send} exactly once
   * and let its exceptions through; the default just runs it. With several listeners, the first one
   * added is the outermost.
   *
   * @param event the attempt, as given to {@link #onAttemptStarted}
   * @param send sends the request (and, for an asynchronous attempt, only enqueues it)
   */
  default void aroundAttempt(AttemptStarted event, Runnable send) {
    send.run();
  }

  /**
   * One HTTP attempt ended, with a token, an HTTP error status or a transport failure.
   *
   * @param event the attempt's outcome
   */
  default void onAttemptEnded(AttemptEnded event) {}

  /**
   * An attempt failed and the next one waits, with the reason for the wait.
   *
   * @param event the scheduled retry
   */
  default void onRetryScheduled(RetryScheduled event) {}

  /**
   * The client obtained a token, from the provider or from a shared {@link TokenStore}.
   *
   * @param event where the token came from and how long it lives
   */
  default void onTokenObtained(TokenObtained event) {}

  /**
   * A fetch ended, with a token or a failure; the last event of a fetch.
   *
   * @param event the fetch's outcome
   */
  default void onFetchEnded(FetchEnded event) {}

  /**
   * The client's state as {@link OAuthClient#status()} reports it changed: a token turned stale or
   * expired, a failure window opened or closed. Changes caused by time passing alone are noticed
   * when a caller or a refresh next looks, never on the cache-hit path.
   *
   * @param event the previous and the new state
   */
  default void onStateChanged(StateChanged event) {}

  /**
   * A step of a fetch through a shared {@link TokenStore}: a hit, a miss, the refresh lock taken,
   * waited for or renewed, or a fallback to fetching without the store.
   *
   * @param event the store step
   */
  default void onStoreEvent(StoreEvent event) {}

  /**
   * With {@link WorkingHours} configured, told once per closing: when the token in hand expires and
   * when the provider reopens, so the uncovered gap (if any) can be alerted on.
   *
   * @param event the coverage of the coming closed period
   */
  default void onClosingCoverage(ClosingCoverage event) {}

  /** How an attempt ended. */
  enum AttemptOutcome {
    /** A token was received. */
    SUCCESS,
    /** The endpoint answered with an error status. */
    HTTP_ERROR,
    /** No answer: refused, reset, timed out, TLS failure. */
    TRANSPORT_ERROR,
    /** A 2xx answer that is not a usable token. */
    INVALID_RESPONSE,
    /** Cancelled, because the client was closed or the attempt's thread was interrupted. */
    CANCELLED
  }

  /** Why the client waits before the next attempt. */
  enum RetryReason {
    /** Exponential backoff with full jitter after a transient failure. */
    BACKOFF,
    /** The server's {@code Retry-After}. */
    RETRY_AFTER,
    /** The next opening of the configured {@link WorkingHours}. */
    WORKING_HOURS
  }

  /** Where a token came from. */
  enum TokenOrigin {
    /** The provider's token endpoint. */
    PROVIDER,
    /** A shared {@link TokenStore}, saved there by another client. */
    STORE
  }

  /** A step of a fetch through a {@link TokenStore}. */
  enum StoreEventKind {
    /** The store had a usable token. */
    HIT,
    /** The store had no usable token. */
    MISS,
    /** This client took the refresh lock and fetches for everyone. */
    LOCK_TAKEN,
    /** Another client holds the refresh lock; this one waits for its token. */
    LOCK_WAITED,
    /** This client renewed the refresh lock it holds while its fetch goes on. */
    LOCK_RENEWED,
    /** The store failed or did not answer in time: this client fetches without it. */
    FALLBACK
  }

  /**
   * A fetch started.
   *
   * @param fetchId the fetch, unique within the client
   * @param background true for a refresh ahead of expiry that no caller waits for
   * @param at when it started, by the client's clock
   */
  record FetchStarted(long fetchId, boolean background, Instant at) {}

  /**
   * An attempt is about to be sent.
   *
   * @param fetchId the fetch it belongs to
   * @param attempt the attempt's number, starting at 1
   * @param callerThread true when it runs on the thread of a blocking caller
   * @param method the HTTP method, {@code POST}
   * @param serverAddress the token endpoint's host
   * @param serverPort the token endpoint's port
   */
  record AttemptStarted(
      long fetchId,
      int attempt,
      boolean callerThread,
      String method,
      String serverAddress,
      int serverPort) {}

  /**
   * An attempt ended.
   *
   * @param fetchId the fetch it belongs to
   * @param attempt the attempt's number, starting at 1
   * @param callerThread true when it ran on the thread of a blocking caller
   * @param duration how long it took
   * @param outcome how it ended
   * @param statusCode the HTTP status, or 0 when there was no answer
   * @param errorType null on success; else the failure's type: the exception's simple class name
   *     (for example {@code ServiceUnavailableException}, {@code SocketTimeoutException})
   */
  record AttemptEnded(
      long fetchId,
      int attempt,
      boolean callerThread,
      Duration duration,
      AttemptOutcome outcome,
      int statusCode,
      String errorType) {}

  /**
   * A retry is scheduled.
   *
   * @param fetchId the fetch it belongs to
   * @param attempt the number of the attempt that failed, starting at 1
   * @param delay how long the client waits before the next attempt
   * @param reason why it waits that long
   * @param cause why the attempt failed
   */
  record RetryScheduled(
      long fetchId, int attempt, Duration delay, RetryReason reason, OAuthException cause) {}

  /**
   * A token was obtained.
   *
   * @param fetchId the fetch it belongs to
   * @param origin where it came from
   * @param lifetime how long it lives from now
   * @param expiresAt when it expires, by this client's clock
   */
  record TokenObtained(long fetchId, TokenOrigin origin, Duration lifetime, Instant expiresAt) {}

  /**
   * A fetch ended.
   *
   * @param fetchId the fetch
   * @param attempts how many HTTP attempts it made (0 when the store served it)
   * @param duration how long it took
   * @param failure null on success; else why it failed
   */
  record FetchEnded(long fetchId, int attempts, Duration duration, OAuthException failure) {}

  /**
   * The client's state changed.
   *
   * @param previous the state before
   * @param current the state now
   */
  record StateChanged(TokenStatus.State previous, TokenStatus.State current) {}

  /**
   * A store step.
   *
   * @param fetchId the fetch it belongs to
   * @param kind what happened
   */
  record StoreEvent(long fetchId, StoreEventKind kind) {}

  /**
   * The coverage of a coming closed period.
   *
   * @param closesAt when the provider closes
   * @param reopensAt when it opens again
   * @param tokenExpiresAt when the token in hand expires
   * @param uncovered how long no valid token will be held while the provider is closed ({@link
   *     Duration#ZERO} when the token lasts until the provider reopens)
   */
  record ClosingCoverage(
      Instant closesAt, Instant reopensAt, Instant tokenExpiresAt, Duration uncovered) {}
}
