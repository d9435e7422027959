package io.tokenapi.sdk;

/**
 * The token endpoint answered 409 Conflict. Never retried: the provider refused the request as it
 * stands.
 */
public final class ConflictException extends ApiException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened and what to do; must not contain secrets
   * @param error the parsed error body, or null
   */
  public ConflictException(String message, ApiError error) {
    super(message, 409, error);
  }

  @Override
  OAuthException forCaller() {
    return causedByThis(new ConflictException(getMessage(), error().orElse(null)));
  }
}
