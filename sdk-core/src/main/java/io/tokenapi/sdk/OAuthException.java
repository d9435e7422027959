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

  /**
   * A caller's own copy of a failure shared by every caller of one refresh (or remembered for the
   * failure window): same type, message and fields, so a caller can add suppressed exceptions to it
   * or rethrow it without another caller ever seeing that. Each SDK type copies itself; a subclass
   * the SDK does not know is shared as it is.
   */
  OAuthException forCaller() {
    return getClass() == OAuthException.class
        ? withSharedStack(new OAuthException(getMessage(), getCause()))
        : this;
  }

  /**
   * A copy that keeps this failure's cause (the I/O failure, the parse error), which callers test
   * for, takes this one's stack instead.
   */
  final OAuthException withSharedStack(OAuthException copy) {
    copy.setStackTrace(getStackTrace());
    return copy;
  }
}
