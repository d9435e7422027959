package io.tokenapi.sdk;

import java.time.Duration;

/**
 * When a token turns stale and when it counts as expired: the one rule for the cache and the store
 * path. Both margins shrink for short-lived tokens, so a 2-second token is still cached: refresh
 * ahead at most half the lifetime, expiry margin at most a tenth of it. The lifetime is the token's
 * original one, from when it was obtained to when it expires.
 */
final class Freshness {
  private final long refreshAheadMillis;
  private final long expiryMarginMillis;

  Freshness(Duration refreshAhead, Duration expiryMargin) {
    this.refreshAheadMillis = refreshAhead.toMillis();
    this.expiryMarginMillis = expiryMargin.toMillis();
  }

  /**
   * From this instant on, the token is no longer handed out: callers wait for a refresh.
   *
   * @param obtainedAt when the token was obtained, epoch millis
   * @param expiresAt when it expires, epoch millis
   */
  long expiredAt(long obtainedAt, long expiresAt) {
    return expiresAt - Math.min(expiryMarginMillis, lifetime(obtainedAt, expiresAt) / 10);
  }

  /**
   * From this instant on, the token is due for a refresh while still served; never after {@link
   * #expiredAt}.
   *
   * @param obtainedAt when the token was obtained, epoch millis
   * @param expiresAt when it expires, epoch millis
   */
  long staleAt(long obtainedAt, long expiresAt) {
    long margin = Math.min(refreshAheadMillis, lifetime(obtainedAt, expiresAt) / 2);
    return Math.min(expiredAt(obtainedAt, expiresAt), expiresAt - margin);
  }

  /**
   * Whether a token obtained at {@code obtainedAt} is still fresh (not yet stale) at {@code now}.
   */
  boolean isFresh(long obtainedAt, long expiresAt, long now) {
    return now < staleAt(obtainedAt, expiresAt);
  }

  private static long lifetime(long obtainedAt, long expiresAt) {
    return Math.max(0, expiresAt - obtainedAt);
  }
}
