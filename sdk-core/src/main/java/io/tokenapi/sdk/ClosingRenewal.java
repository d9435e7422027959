package io.tokenapi.sdk;

import io.tokenapi.sdk.OAuthClientListener.ClosingCoverage;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache's plan for the provider's closing hours: a token that would turn stale after the
 * provider closes turns stale in the last minutes before closing instead, so the token held over
 * the closed period is as new as possible; and once per closing, the coverage of the token that
 * will be held over it is told (when it expires, when the provider reopens). Without working hours
 * it plans nothing.
 */
final class ClosingRenewal {
  private static final Logger LOG = LoggerFactory.getLogger(ClosingRenewal.class);

  /** Null when no working hours are configured. */
  private final WorkingHours workingHours;

  private final Freshness freshness;

  /** The closing already told, epoch millis. */
  private volatile long coveredClosing = Long.MIN_VALUE;

  ClosingRenewal(WorkingHours workingHours, Freshness freshness) {
    this.workingHours = workingHours;
    this.freshness = freshness;
  }

  /**
   * When a token obtained at {@code obtainedAt} turns stale at the latest: its refresh-ahead margin
   * before the next closing, when it would otherwise turn stale after it; else Long.MAX_VALUE.
   */
  long staleBy(AccessToken token, long obtainedAt) {
    if (workingHours == null) {
      return Long.MAX_VALUE;
    }
    long expiresAt = token.expiresAt().toEpochMilli();
    long staleAt = freshness.staleAt(obtainedAt, expiresAt);
    long closes = workingHours.nextClosing(Instant.ofEpochMilli(obtainedAt)).toEpochMilli();
    long renewFrom = closes - (expiresAt - staleAt);
    // Obtained inside that window already: this is the token for the closed period.
    return staleAt > closes && renewFrom > obtainedAt ? renewFrom : Long.MAX_VALUE;
  }

  /**
   * The coverage to tell for a token just stored, once per closing (with one INFO line), or null
   * when it is not the token held over a closing or that closing was told already.
   */
  ClosingCoverage coverage(AccessToken token, long obtainedAt) {
    if (workingHours == null) {
      return null;
    }
    Instant closes = workingHours.nextClosing(Instant.ofEpochMilli(obtainedAt));
    long expiresAt = token.expiresAt().toEpochMilli();
    boolean heldOverClosing =
        freshness.staleAt(obtainedAt, expiresAt) > closes.toEpochMilli()
            && staleBy(token, obtainedAt) == Long.MAX_VALUE
            && !workingHours.isOpen(closes);
    if (!heldOverClosing || coveredClosing == closes.toEpochMilli()) {
      return null;
    }
    coveredClosing = closes.toEpochMilli();
    Instant reopens = workingHours.nextOpening(closes);
    Duration uncovered =
        token.expiresAt().isBefore(reopens)
            ? Duration.between(token.expiresAt(), reopens)
            : Duration.ZERO;
    LOG.info(
        "Token API closes at {}; the token in hand expires at {} and the provider reopens at {}"
            + " ({} without a valid token)",
        closes,
        token.expiresAt(),
        reopens,
        uncovered);
    return new ClosingCoverage(closes, reopens, token.expiresAt(), uncovered);
  }
}
