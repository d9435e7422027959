package io.tokenapi.sdk;

/**
 * The token endpoint answered with a success status but the body is not a usable token: not JSON,
 * no access token, an invalid expiry, or larger than the size bound. Not retried.
 */
public final class InvalidResponseException extends OAuthException {
  private static final long serialVersionUID = 1L;

  /** The HTTP status code of the answer. */
  private final int statusCode;

  /**
   * Creates the exception.
   *
   * @param message what happened and what to do; must not contain secrets
   * @param statusCode the HTTP status of the answer
   * @param cause the parsing failure, or null
   */
  public InvalidResponseException(String message, int statusCode, Throwable cause) {
    super(message, cause);
    this.statusCode = statusCode;
  }

  @Override
  OAuthException forCaller() {
    return withSharedStack(new InvalidResponseException(getMessage(), statusCode, getCause()));
  }

  /**
   * The HTTP status of the answer (a 2xx).
   *
   * @return the status code
   */
  public int statusCode() {
    return statusCode;
  }
}
