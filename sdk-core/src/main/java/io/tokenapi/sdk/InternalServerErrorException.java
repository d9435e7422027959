package io.tokenapi.sdk;

/** The token endpoint answered 500 Internal Server Error. Retried with backoff. */
public final class InternalServerErrorException extends ApiException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened and what to do; must not contain secrets
   * @param error the parsed error body, or null
   */
  public InternalServerErrorException(String message, ApiError error) {
    super(message, 500, error);
  }

  @Override
  OAuthException forCaller() {
    return causedByThis(new InternalServerErrorException(getMessage(), error().orElse(null)));
  }
}
