package io.tokenapi.benchmarks;

import java.time.Clock;

/**
 * The least any correct token cache hit can cost: one volatile read of an immutable snapshot, one
 * clock read and one compare. A cache that skips the clock read cannot notice expiry; one that
 * skips the volatile read cannot see a refresh made by another thread.
 */
final class FloorCache<T> {

  private final Clock clock;
  private volatile Snapshot<T> snapshot;

  FloorCache(Clock clock, T token, long staleAtMillis) {
    this.clock = clock;
    this.snapshot = new Snapshot<>(token, staleAtMillis);
  }

  T get() {
    Snapshot<T> current = snapshot;
    if (clock.millis() < current.staleAtMillis) {
      return current.token;
    }
    throw new IllegalStateException("the floor benchmark's token went stale");
  }

  private static final class Snapshot<T> {
    final T token;
    final long staleAtMillis;

    Snapshot(T token, long staleAtMillis) {
      this.token = token;
      this.staleAtMillis = staleAtMillis;
    }
  }
}
