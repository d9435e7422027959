package io.tokenapi.sdk;

import java.time.Instant;

/**
 * A 429 answer. Package-private: users see an {@link ApiException} with status 429; the retry logic
 * also reads the {@code Retry-After} instant, which 429 answers may carry too.
 */
final class RateLimitedException extends ApiException {
  private static final long serialVersionUID = 1L;

  private final Instant retryAt;

  RateLimitedException(String message, ApiError error, Instant retryAt) {
    super(message, 429, error);
    this.retryAt = retryAt;
  }

  Instant retryAt() {
    return retryAt;
  }
}
