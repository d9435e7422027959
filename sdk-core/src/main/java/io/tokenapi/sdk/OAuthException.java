package io.tokenapi.sdk;

/**
 * The root of every exception the SDK throws for a failed token request. Unchecked.
 *
 * <p>Messages say what happened and what to do, and never contain the client secret or a token
 * value.
 */
public class OAuthException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what happened and what to do; must not contain secrets
   * @param cause the underlying cause, or null
   */
  public OAuthException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Creates an exception without a cause.
   *
   * @param message what happened and what to do; must not contain secrets
   */
  public OAuthException(String message) {
    super(message);
  }
}
