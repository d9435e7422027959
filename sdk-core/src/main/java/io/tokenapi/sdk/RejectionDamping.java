package io.tokenapi.sdk;

import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rate-limits renewals after a resource server rejected a token, for the cache's invalidation: when
 * the token that replaced a rejected one is rejected in turn within {@link #INTERVAL}, while it is
 * still valid, the resource server is taken to reject every token (a wrong audience, scope or
 * clock), and the token is kept until the interval has passed. So each rejected token causes at
 * most one renewal, and such renewals happen at most once per interval. One WARN tells when this
 * starts.
 */
final class RejectionDamping {
  private static final Logger LOG = LoggerFactory.getLogger(RejectionDamping.class);

  /**
   * After a token that replaced a rejected one is rejected in turn, the next renewal for a
   * rejection waits this long: a resource server that rejects every token must not turn each API
   * call into a token request.
   */
  static final Duration INTERVAL = Duration.ofSeconds(30);

  /** The last token forgotten because a resource server rejected it, or null. */
  private volatile Rejection last;

  /** The rejection whose damped renewals were already announced at WARN. */
  private volatile Rejection announced;

  /**
   * Whether the cache keeps {@code cached} although {@code rejected} was reported: it is the
   * rejected token, still valid, and it replaced a different rejected token less than {@link
   * #INTERVAL} ago.
   */
  boolean keeps(AccessToken cached, AccessToken rejected, long now) {
    Rejection previous = last;
    if (cached != null
        && cached.equals(rejected)
        && previous != null
        && !previous.token.equals(rejected)
        && now - previous.atMillis < INTERVAL.toMillis()
        && now < cached.expiresAt().toEpochMilli()) {
      announce(previous);
      return true;
    }
    return false;
  }

  /** The cache forgot {@code rejected} at {@code now}. */
  void forgot(AccessToken rejected, long now) {
    last = new Rejection(rejected, now);
  }

  private void announce(Rejection previous) {
    if (announced != previous) {
      announced = previous;
      LOG.warn(
          "A resource server rejected the token that replaced a rejected one too: it seems to reject"
              + " every token (check audience, scope and clocks). Keeping the token; the next renewal"
              + " after a rejection is possible at {}",
          Instant.ofEpochMilli(previous.atMillis).plus(INTERVAL));
    }
  }

  /** A token forgotten after a rejection, and when. */
  private static final class Rejection {
    final AccessToken token;
    final long atMillis;

    Rejection(AccessToken token, long atMillis) {
      this.token = token;
      this.atMillis = atMillis;
    }
  }
}
