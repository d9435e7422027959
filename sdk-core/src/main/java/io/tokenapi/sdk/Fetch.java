package io.tokenapi.sdk;

/** One fetch of a new token, as the {@link TokenCache} asks its {@link TokenSource} for it. */
final class Fetch {
  /** The token being replaced (stale, expired or refreshed on demand), or null when none. */
  final AccessToken replacing;

  /**
   * True when the caller blocks for the result anyway and is not interrupted, so the first attempt
   * may run on its thread.
   */
  final boolean blockingCaller;

  /**
   * The first request is not sent before this instant (epoch millis; 0 for at once): after a token
   * that arrived (nearly) expired, at most one request per {@code minRefreshInterval}.
   */
  final long notBeforeMillis;

  Fetch(AccessToken replacing, boolean blockingCaller) {
    this(replacing, blockingCaller, 0);
  }

  Fetch(AccessToken replacing, boolean blockingCaller, long notBeforeMillis) {
    this.replacing = replacing;
    this.blockingCaller = blockingCaller && notBeforeMillis == 0;
    this.notBeforeMillis = notBeforeMillis;
  }
}
