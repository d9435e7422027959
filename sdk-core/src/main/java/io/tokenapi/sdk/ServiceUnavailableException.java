package io.tokenapi.sdk;

import java.time.Instant;
import java.util.Optional;

/**
 * The token endpoint answered 503: the provider is closed (non-working hours) or overloaded.
 *
 * <p>{@link #retryAt()} tells when to come back: from the {@code Retry-After} header, or from the
 * configured {@link WorkingHours} when the SDK gave up waiting because the caller's {@code maxWait}
 * would have passed.
 */
public final class ServiceUnavailableException extends ApiException {
  private static final long serialVersionUID = 1L;

  /** When the provider expects requests again, or null. */
  private final Instant retryAt;

  /** Whether {@link #retryAt} is the working hours' next opening rather than a Retry-After. */
  private final boolean retryAtFromWorkingHours;

  /**
   * Creates the exception.
   *
   * @param message what happened and what to do; must not contain secrets
   * @param error the parsed error body, or null
   * @param retryAt when the provider is expected to answer again, or null when unknown
   */
  public ServiceUnavailableException(String message, ApiError error, Instant retryAt) {
    this(message, error, retryAt, false);
  }

  ServiceUnavailableException(
      String message, ApiError error, Instant retryAt, boolean retryAtFromWorkingHours) {
    super(message, 503, error);
    this.retryAt = retryAt;
    this.retryAtFromWorkingHours = retryAtFromWorkingHours;
  }

  @Override
  OAuthException forCaller() {
    return causedByThis(
        new ServiceUnavailableException(
            getMessage(), error().orElse(null), retryAt, retryAtFromWorkingHours));
  }

  /** Whether {@link #retryAt()} came from the configured working hours, not from the server. */
  boolean retryAtFromWorkingHours() {
    return retryAtFromWorkingHours;
  }

  /**
   * When to try again: the instant named by {@code Retry-After}, or the next opening of the
   * configured working hours.
   *
   * @return the instant, or empty when neither is known
   */
  public Optional<Instant> retryAt() {
    return Optional.ofNullable(retryAt);
  }
}
