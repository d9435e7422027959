package io.tokenapi.sdk;

import java.time.Instant;
import java.util.Optional;

/**
 * The token endpoint answered 429 Too Many Requests: this client (or its fleet) asked too often.
 *
 * <p>It is retried with exponential backoff, waiting at least until {@link #retryAt()} when the
 * answer carried a {@code Retry-After} header. When the retries or {@code maxWait} run out, the
 * caller gets this exception and can read {@link #retryAt()} to decide when to come back.
 */
public final class RateLimitedException extends ApiException {
  private static final long serialVersionUID = 1L;

  /** When the provider accepts requests again, or null. */
  private final Instant retryAt;

  /**
   * Creates the exception.
   *
   * @param message what happened and what to do; must not contain secrets
   * @param error the parsed error body, or null
   * @param retryAt when the provider accepts requests again (its {@code Retry-After}), or null when
   *     it did not say
   */
  public RateLimitedException(String message, ApiError error, Instant retryAt) {
    super(message, 429, error);
    this.retryAt = retryAt;
  }

  @Override
  OAuthException forCaller() {
    return causedByThis(new RateLimitedException(getMessage(), error().orElse(null), retryAt));
  }

  /**
   * When to try again, from the answer's {@code Retry-After} header (delta-seconds or HTTP-date).
   *
   * @return the instant, or empty when the answer did not say
   */
  public Optional<Instant> retryAt() {
    return Optional.ofNullable(retryAt);
  }
}
