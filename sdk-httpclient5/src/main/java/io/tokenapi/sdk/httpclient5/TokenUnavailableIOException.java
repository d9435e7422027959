package io.tokenapi.sdk.httpclient5;

import io.tokenapi.sdk.OAuthException;
import java.io.IOException;

/**
 * No access token could be had, so the request was not sent. The cause is the SDK's {@link
 * OAuthException} (for example a {@link io.tokenapi.sdk.ServiceUnavailableException} while the
 * provider is closed); {@link #getCause()} returns it typed.
 *
 * <p>Why an {@link IOException}: HttpClient 5's exec chain and callers of {@code execute} deal in
 * {@code IOException}; this one reaches them like any other I/O failure (the async client's {@code
 * FutureCallback.failed} included) and keeps the typed cause.
 */
public final class TokenUnavailableIOException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * Wraps the reason no token was available.
   *
   * @param cause the SDK's exception; its message (which never contains secrets) becomes this
   *     message
   * @throws IllegalArgumentException if {@code cause} is null
   */
  public TokenUnavailableIOException(OAuthException cause) {
    super("No access token for the request: " + requireCause(cause).getMessage(), cause);
  }

  /**
   * The reason no token was available.
   *
   * @return the SDK's exception, never null
   */
  @Override
  public synchronized OAuthException getCause() {
    return (OAuthException) super.getCause();
  }

  private static OAuthException requireCause(OAuthException cause) {
    if (cause == null) {
      throw new IllegalArgumentException("cause == null");
    }
    return cause;
  }
}
