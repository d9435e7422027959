package io.tokenapi.sdk;

/**
 * The token request failed below HTTP: connection refused or reset, a timeout, a TLS failure, a
 * body cut short. Retried with backoff.
 */
public final class TransportException extends OAuthException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened and what to do; must not contain secrets
   * @param cause the I/O failure
   */
  public TransportException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  OAuthException forCaller() {
    return withSharedStack(new TransportException(getMessage(), getCause()));
  }
}
