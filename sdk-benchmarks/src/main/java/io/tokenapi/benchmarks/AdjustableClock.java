package io.tokenapi.benchmarks;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The system clock plus an offset the harness can move forward, to push a cached token into its
 * stale window.
 */
final class AdjustableClock extends Clock {

  private volatile long offsetMillis;

  void advanceMillis(long millis) {
    offsetMillis += millis;
  }

  @Override
  public long millis() {
    return System.currentTimeMillis() + offsetMillis;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("UTC only");
  }
}
