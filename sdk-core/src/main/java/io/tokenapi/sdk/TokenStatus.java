package io.tokenapi.sdk;

import io.tokenapi.sdk.internal.SafeText;
import java.time.Instant;
import java.util.Optional;

/**
 * An immutable snapshot of a client's token state, for health checks and dashboards: see {@link
 * OAuthClient#status()}. It never holds a secret or a token value; {@link #lastFailure()} names the
 * failure's type, HTTP status, error code and errorId only. A {@link TenantTokens#status(String)}
 * names its tenant ({@link #tenant()}).
 */
public final class TokenStatus {
  /** The client's state. */
  public enum State {
    /** A token is cached and not yet inside the refresh-ahead window. */
    FRESH,
    /** A token is cached and valid, and due for refresh (a background refresh runs or will). */
    STALE,
    /** No valid token is cached (none fetched yet, expired, invalidated or closed). */
    EXPIRED,
    /** No valid token is cached and the last refresh failed: callers get that failure for now. */
    FAILING,
    /** No valid token is cached and the provider is closed until {@link #retryAt()}. */
    CLOSED_UNTIL
  }

  /** At most this many characters of a tenant id are printed by {@link #toString()}. */
  private static final int MAX_TENANT_CHARS = 64;

  private final State state;
  private final Instant expiresAt;
  private final Instant lastSuccess;
  private final Instant retryAt;
  private final int consecutiveFailures;
  private final String lastFailure;
  private final long staleServed;
  private final String tenant;

  TokenStatus(
      State state,
      Instant expiresAt,
      Instant lastSuccess,
      Instant retryAt,
      int consecutiveFailures,
      String lastFailure,
      long staleServed) {
    this(
        state,
        expiresAt,
        lastSuccess,
        retryAt,
        consecutiveFailures,
        lastFailure,
        staleServed,
        null);
  }

  TokenStatus(
      State state,
      Instant expiresAt,
      Instant lastSuccess,
      Instant retryAt,
      int consecutiveFailures,
      String lastFailure,
      long staleServed,
      String tenant) {
    this.tenant = tenant;
    this.state = state;
    this.expiresAt = expiresAt;
    this.lastSuccess = lastSuccess;
    this.retryAt = retryAt;
    this.consecutiveFailures = consecutiveFailures;
    this.lastFailure = lastFailure;
    this.staleServed = staleServed;
  }

  /**
   * The state now.
   *
   * @return the state, never null
   */
  public State state() {
    return state;
  }

  /**
   * When the cached token expires.
   *
   * @return the expiry, or empty when no token is cached
   */
  public Optional<Instant> expiresAt() {
    return Optional.ofNullable(expiresAt);
  }

  /**
   * When the client last obtained a token.
   *
   * @return the instant, or empty when it never did
   */
  public Optional<Instant> lastSuccess() {
    return Optional.ofNullable(lastSuccess);
  }

  /**
   * When the client asks the provider again after the last failure: the provider's {@code
   * Retry-After} or reopening time, or the end of the failure window.
   *
   * @return the instant, or empty when no failure window is open
   */
  public Optional<Instant> retryAt() {
    return Optional.ofNullable(retryAt);
  }

  /**
   * How many refreshes failed in a row since the last success.
   *
   * @return 0 after a success
   */
  public int consecutiveFailures() {
    return consecutiveFailures;
  }

  /**
   * The last failure since the last success: its type, HTTP status, error code and errorId, for
   * example {@code "ServiceUnavailableException status=503 code=closed errorId=e-42"}. Never a
   * secret, a token or the server's free text.
   *
   * @return the summary, or empty when the last refresh succeeded
   */
  public Optional<String> lastFailure() {
    return Optional.ofNullable(lastFailure);
  }

  /**
   * The tenant this is the state of, for logs and health details: the id given to {@link
   * TenantTokens#status(String)} as it is (the caller's own text, unescaped; {@link #toString()}
   * escapes and bounds it). Empty for an {@link OAuthClient}'s status.
   *
   * @return the tenant, or empty for an {@link OAuthClient}
   */
  public Optional<String> tenant() {
    return Optional.ofNullable(tenant);
  }

  /**
   * How many times a caller was served a stale token (valid, due for refresh) since the client was
   * built: a rising count while refreshes fail means the provider is down and the token is running
   * out.
   *
   * @return the count since the client was built
   */
  public long staleServed() {
    return staleServed;
  }

  /**
   * A failure as {@link #lastFailure()} reports it: its type, HTTP status, error code and errorId
   * (each bounded and made printable), or the I/O failure's type; never the server's text.
   */
  static String failureSummary(OAuthException e) {
    StringBuilder sb = new StringBuilder(e.getClass().getSimpleName());
    if (e instanceof ApiException) {
      ApiException api = (ApiException) e;
      sb.append(" status=").append(api.statusCode());
      ApiError error = api.error().orElse(null);
      if (error != null && error.code() != null) {
        sb.append(" code=").append(ApiError.printable(error.code()));
      }
      if (error != null && error.errorId() != null) {
        sb.append(" errorId=").append(ApiError.printable(error.errorId()));
      }
    } else if (e instanceof InvalidResponseException) {
      sb.append(" status=").append(((InvalidResponseException) e).statusCode());
    } else if (e instanceof TransportException && e.getCause() != null) {
      sb.append(" cause=").append(e.getCause().getClass().getSimpleName());
    }
    return sb.toString();
  }

  /**
   * Describes the status; never a secret or token value.
   *
   * @return a description that is safe to log
   */
  @Override
  public String toString() {
    return "TokenStatus["
        // The caller's text: escaped and bounded, so a tenant id cannot forge or flood a log line.
        + (tenant != null ? "tenant='" + SafeText.of(tenant, MAX_TENANT_CHARS) + "', " : "")
        + "state="
        + state
        + (expiresAt != null ? ", expiresAt=" + expiresAt : "")
        + (lastSuccess != null ? ", lastSuccess=" + lastSuccess : "")
        + (retryAt != null ? ", retryAt=" + retryAt : "")
        + ", consecutiveFailures="
        + consecutiveFailures
        + (lastFailure != null ? ", lastFailure=" + lastFailure : "")
        + ", staleServed="
        + staleServed
        + "]";
  }
}
