package io.tokenapi.sdk;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls the user's listener so that a listener that throws cannot break the client. */
final class SafeListener implements OAuthClientListener {
  private static final Logger LOG = LoggerFactory.getLogger(OAuthClient.class);

  private final OAuthClientListener delegate;

  SafeListener(OAuthClientListener delegate) {
    this.delegate = delegate;
  }

  @Override
  public void onTokenRefreshed(AccessToken token) {
    try {
      delegate.onTokenRefreshed(token);
    } catch (Throwable e) {
      rethrowFatal(e);
      warn("onTokenRefreshed", e);
    }
  }

  @Override
  public void onRefreshFailed(OAuthException cause) {
    try {
      delegate.onRefreshFailed(cause);
    } catch (Throwable e) {
      rethrowFatal(e);
      warn("onRefreshFailed", e);
    }
  }

  @Override
  public void onRetryScheduled(int attempt, Duration delay, OAuthException cause) {
    try {
      delegate.onRetryScheduled(attempt, delay, cause);
    } catch (Throwable e) {
      rethrowFatal(e);
      warn("onRetryScheduled", e);
    }
  }

  @Override
  public void onClosingCoverage(ClosingCoverage event) {
    try {
      delegate.onClosingCoverage(event);
    } catch (Throwable e) {
      rethrowFatal(e);
      warn("onClosingCoverage", e);
    }
  }

  /**
   * A listener's own bug may surface as an Error (an assertion, a missing class): ignored like an
   * exception. Running out of memory or stack is the JVM's state, not the listener's, and
   * propagates.
   */
  private static void rethrowFatal(Throwable e) {
    if (e instanceof VirtualMachineError) {
      throw (VirtualMachineError) e;
    }
  }

  private static void warn(String method, Throwable e) {
    // Only the type: a listener's message is the application's text and could hold anything.
    LOG.warn(
        "OAuthClientListener.{} threw {}; the client ignores it and carries on",
        method,
        e.getClass().getName());
  }
}
