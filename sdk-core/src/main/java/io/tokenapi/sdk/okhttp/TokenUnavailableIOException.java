package io.tokenapi.sdk.okhttp;

import io.tokenapi.sdk.OAuthException;
import java.io.IOException;

/**
 * The {@link BearerTokenInterceptor} could not get an access token, so the request was not sent.
 * The cause is the SDK's {@link OAuthException} (for example a {@link
 * io.tokenapi.sdk.ServiceUnavailableException} while the provider is closed); {@link #getCause()}
 * returns it typed.
 *
 * <p>Why an {@link IOException}: OkHttp's {@link okhttp3.Interceptor} contract allows only {@code
 * IOException}. An unchecked exception thrown by an interceptor bypasses {@link
 * okhttp3.Callback#onFailure} on asynchronous calls and is rethrown on OkHttp's dispatcher thread;
 * this exception reaches {@code onFailure} and the caller of {@code execute()} like any other I/O
 * failure, and keeps the typed cause for those who want it.
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
