package io.tokenapi.sdk;

import java.util.Optional;

/**
 * The token endpoint answered with a status that is not a success. Subclasses name the provider's
 * documented statuses and 429 ({@link RateLimitedException}); any other status (400, 401, 403, 502,
 * 3xx, ...) is an {@code ApiException} with that status.
 */
public class ApiException extends OAuthException {
  private static final long serialVersionUID = 1L;

  /** The HTTP status code of the answer. */
  private final int statusCode;

  private final transient ApiError error;

  /**
   * Creates an exception for an HTTP answer.
   *
   * @param message what happened and what to do; must not contain secrets
   * @param statusCode the HTTP status code
   * @param error the parsed error body, or null when the body was not an error document
   */
  public ApiException(String message, int statusCode, ApiError error) {
    super(message);
    this.statusCode = statusCode;
    this.error = error;
  }

  /**
   * The HTTP status code of the answer.
   *
   * @return the status code
   */
  public int statusCode() {
    return statusCode;
  }

  /**
   * The error body, when the server sent one the SDK could read (the provider's envelope or an RFC
   * 6749 error).
   *
   * @return the error, or empty
   */
  public Optional<ApiError> error() {
    return Optional.ofNullable(error);
  }

  /**
   * Whether the SDK treats this status as transient and retries it: 408, 429, 500, 502, 503 and
   * 504.
   *
   * @return true for a transient status
   */
  public boolean isRetryable() {
    return isRetryableStatus(statusCode);
  }

  /** An HTTP failure's copy has the shared one as its cause. */
  @Override
  OAuthException forCaller() {
    return getClass() == ApiException.class
        ? causedByThis(new ApiException(getMessage(), statusCode, error))
        : this;
  }

  final OAuthException causedByThis(ApiException copy) {
    copy.initCause(this);
    return copy;
  }

  static boolean isRetryableStatus(int statusCode) {
    switch (statusCode) {
      case 408:
      case 429:
      case 500:
      case 502:
      case 503:
      case 504:
        return true;
      default:
        return false;
    }
  }
}
