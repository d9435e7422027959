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

  /**
   * The first request is not sent before this instant (epoch millis; 0 for at once): after a token
   * that arrived (nearly) expired, at most one request per {@code minRefreshInterval}.
   */
  final long notBeforeMillis;

  /**
   * True for a probe inside a closed window the provider announced (closedProbeInterval): one
   * request, never retried, so a probe is at most one request per interval.
   */
  final boolean probe;

  private final AtomicInteger attempts;

  Fetch(
      long id, AccessToken replacing, boolean blockingCaller, boolean background, long startedAt) {
    this(id, replacing, blockingCaller, background, startedAt, 0, false, new AtomicInteger());
  }

  Fetch(
      long id,
      AccessToken replacing,
      boolean blockingCaller,
      boolean background,
      long startedAt,
      long notBeforeMillis,
      boolean probe) {
    this(
        id,
        replacing,
        blockingCaller,
        background,
        startedAt,
        notBeforeMillis,
        probe,
        new AtomicInteger());
  }

  private Fetch(
      long id,
      AccessToken replacing,
      boolean blockingCaller,
      boolean background,
      long startedAt,
      long notBeforeMillis,
      boolean probe,
      AtomicInteger attempts) {
    this.id = id;
    this.replacing = replacing;
    // A delayed fetch runs on the client's threads: no caller's thread waits at its start.
    this.blockingCaller = blockingCaller && notBeforeMillis == 0;
    this.background = background;
    this.startedAt = startedAt;
    this.notBeforeMillis = notBeforeMillis;
    this.probe = probe;
    this.attempts = attempts;
  }

  /** The same fetch (id, attempt count), to be sent now from the client's threads. */
  Fetch due() {
    return new Fetch(id, replacing, false, background, startedAt, 0, probe, attempts);
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
