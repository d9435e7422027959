package io.tokenapi.sdk;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One fetch of a new token, as the {@link TokenCache} asks its {@link TokenSource} for it. It
 * carries down what the stages need to know about the cache's state, and counts the HTTP attempts
 * the stages make for the fetch's last event.
 */
final class Fetch {
  /** The fetch's id in every listener event, unique within the client. */
  final long id;

  /** The token being replaced (stale, expired or refreshed on demand), or null when none. */
  final AccessToken replacing;

  /**
   * True when the caller blocks for the result anyway and is not interrupted, so the first attempt
   * may run on its thread.
   */
  final boolean blockingCaller;

  /** True for a refresh ahead of expiry that no caller waited for when it started. */
  final boolean background;

  /** When the fetch started, epoch millis by the client's clock. */
  final long startedAt;

  private final AtomicInteger attempts = new AtomicInteger();

  Fetch(
      long id, AccessToken replacing, boolean blockingCaller, boolean background, long startedAt) {
    this.id = id;
    this.replacing = replacing;
    this.blockingCaller = blockingCaller;
    this.background = background;
    this.startedAt = startedAt;
  }

  /** Counts one more HTTP attempt and returns its number, starting at 1. */
  int nextAttempt() {
    return attempts.incrementAndGet();
  }

  /** How many HTTP attempts the fetch made so far. */
  int attempts() {
    return attempts.get();
  }
}
