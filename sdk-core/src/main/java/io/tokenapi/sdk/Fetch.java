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

  Fetch(AccessToken replacing, boolean blockingCaller) {
    this.replacing = replacing;
    this.blockingCaller = blockingCaller;
  }
}
