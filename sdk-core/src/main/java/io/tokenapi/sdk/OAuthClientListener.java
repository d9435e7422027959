package io.tokenapi.sdk;

import java.time.Duration;

/**
 * Callbacks about the client's token requests, for metrics and alerts. Every method is a no-op by
 * default.
 *
 * <p>Callbacks run on the thread that finished the attempt, usually one of the client's own threads
 * (the caller's thread when a blocking {@link OAuthClient#getToken()} or {@link
 * OAuthClient#refresh()} made the first attempt itself), and must return quickly. An exception (or
 * an error such as a failed assertion) thrown by a callback is logged and otherwise ignored: it
 * never breaks the client.
 *
 * <p>When {@link #onTokenRefreshed} or {@link #onRefreshFailed} runs, the cache already holds the
 * outcome and the refresh is no longer in flight, and the callers waiting for that refresh have not
 * been woken yet. A callback may so call {@link OAuthClient#getToken()}: it gets the new token, or
 * the failure while it is briefly remembered.
 */
public interface OAuthClientListener {
  /**
   * A new token was fetched and stored in the cache.
   *
   * @param token the new token (its {@code toString()} hides the value)
   */
  default void onTokenRefreshed(AccessToken token) {}

  /**
   * A refresh finally failed, after any retries.
   *
   * @param cause why it failed
   */
  default void onRefreshFailed(OAuthException cause) {}

  /**
   * An attempt failed and another one is scheduled.
   *
   * @param attempt the number of the attempt that failed, starting at 1
   * @param delay how long the client waits before the next attempt
   * @param cause why the attempt failed
   */
  default void onRetryScheduled(int attempt, Duration delay, OAuthException cause) {}
}
