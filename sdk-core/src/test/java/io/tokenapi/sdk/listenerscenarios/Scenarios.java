package io.tokenapi.sdk.listenerscenarios;

import io.tokenapi.sdk.ApiError;
import io.tokenapi.sdk.ConflictException;
import io.tokenapi.sdk.OAuthClientListener;
import io.tokenapi.sdk.OAuthClientListener.AttemptEnded;
import io.tokenapi.sdk.OAuthClientListener.AttemptOutcome;
import io.tokenapi.sdk.OAuthClientListener.AttemptStarted;
import io.tokenapi.sdk.OAuthClientListener.FetchEnded;
import io.tokenapi.sdk.OAuthClientListener.FetchStarted;
import io.tokenapi.sdk.OAuthClientListener.RetryReason;
import io.tokenapi.sdk.OAuthClientListener.RetryScheduled;
import io.tokenapi.sdk.OAuthClientListener.StoreEvent;
import io.tokenapi.sdk.OAuthClientListener.StoreEventKind;
import io.tokenapi.sdk.OAuthClientListener.TokenObtained;
import io.tokenapi.sdk.OAuthClientListener.TokenOrigin;
import io.tokenapi.sdk.OAuthException;
import io.tokenapi.sdk.ServiceUnavailableException;
import io.tokenapi.sdk.TransportException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;

/**
 * The events a client fires in each scenario, fed straight into a listener: shared by the listener
 * modules' tests (sdk-micrometer, sdk-opentelemetry) through sdk-core's test-jar.
 */
public final class Scenarios {
  public static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
  public static final Duration LIFETIME = Duration.ofHours(1);

  private Scenarios() {}

  public static void success(OAuthClientListener l, long fetchId) {
    l.onFetchStarted(new FetchStarted(fetchId, false, NOW));
    attempt(l, fetchId, 1, AttemptOutcome.SUCCESS, 200, null, Duration.ofMillis(40));
    obtained(l, fetchId, TokenOrigin.PROVIDER);
    l.onFetchEnded(new FetchEnded(fetchId, 1, Duration.ofMillis(45), null));
  }

  public static void conflict(OAuthClientListener l, long fetchId) {
    l.onFetchStarted(new FetchStarted(fetchId, false, NOW));
    attempt(
        l, fetchId, 1, AttemptOutcome.HTTP_ERROR, 409, "ConflictException", Duration.ofMillis(30));
    ConflictException failure =
        new ConflictException(
            "HTTP 409 CONFLICT", new ApiError("e-409", "CONFLICT", "x", null, null));
    l.onFetchEnded(new FetchEnded(fetchId, 1, Duration.ofMillis(31), failure));
  }

  /** A 503 with Retry-After: 2 s, then a token. */
  public static void closedThenOpen(OAuthClientListener l, long fetchId) {
    l.onFetchStarted(new FetchStarted(fetchId, false, NOW));
    attempt(
        l,
        fetchId,
        1,
        AttemptOutcome.HTTP_ERROR,
        503,
        "ServiceUnavailableException",
        Duration.ofMillis(20));
    OAuthException closed =
        new ServiceUnavailableException(
            "HTTP 503 SERVICE_UNAVAILABLE",
            new ApiError("e-503", "SERVICE_UNAVAILABLE", "closed", null, null),
            NOW.plusSeconds(2));
    l.onRetryScheduled(
        new RetryScheduled(fetchId, 1, Duration.ofSeconds(2), RetryReason.RETRY_AFTER, closed));
    attempt(l, fetchId, 2, AttemptOutcome.SUCCESS, 200, null, Duration.ofMillis(25));
    obtained(l, fetchId, TokenOrigin.PROVIDER);
    l.onFetchEnded(new FetchEnded(fetchId, 2, Duration.ofMillis(2050), null));
  }

  /** A read timeout, backoff, a second timeout, and the fetch fails. */
  public static void transportFailure(OAuthClientListener l, long fetchId) {
    l.onFetchStarted(new FetchStarted(fetchId, true, NOW));
    TransportException timeout =
        new TransportException("timeout", new SocketTimeoutException("timeout"));
    attempt(
        l,
        fetchId,
        1,
        AttemptOutcome.TRANSPORT_ERROR,
        0,
        "SocketTimeoutException",
        Duration.ofSeconds(1));
    l.onRetryScheduled(
        new RetryScheduled(fetchId, 1, Duration.ofMillis(300), RetryReason.BACKOFF, timeout));
    attempt(
        l,
        fetchId,
        2,
        AttemptOutcome.TRANSPORT_ERROR,
        0,
        "SocketTimeoutException",
        Duration.ofSeconds(1));
    l.onFetchEnded(new FetchEnded(fetchId, 2, Duration.ofMillis(2300), timeout));
  }

  public static void storeHit(OAuthClientListener l, long fetchId) {
    l.onFetchStarted(new FetchStarted(fetchId, false, NOW));
    l.onStoreEvent(new StoreEvent(fetchId, StoreEventKind.HIT));
    obtained(l, fetchId, TokenOrigin.STORE);
    l.onFetchEnded(new FetchEnded(fetchId, 0, Duration.ofMillis(3), null));
  }

  public static void attempt(
      OAuthClientListener l,
      long fetchId,
      int attempt,
      AttemptOutcome outcome,
      int status,
      String errorType,
      Duration duration) {
    AttemptStarted started = new AttemptStarted(fetchId, attempt, false, "POST", "127.0.0.1", 8443);
    l.onAttemptStarted(started);
    l.aroundAttempt(started, () -> {});
    l.onAttemptEnded(
        new AttemptEnded(fetchId, attempt, false, duration, outcome, status, errorType));
  }

  private static void obtained(OAuthClientListener l, long fetchId, TokenOrigin origin) {
    l.onTokenObtained(new TokenObtained(fetchId, origin, LIFETIME, NOW.plus(LIFETIME)));
  }
}
