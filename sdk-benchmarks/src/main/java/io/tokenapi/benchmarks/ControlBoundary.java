package io.tokenapi.benchmarks;

import java.time.Clock;
import java.time.Duration;

/**
 * The refresh-boundary control: the floor cache, which never waits for anything, driven through the
 * same loop and windows (its "refresh" lands {@link RefreshBoundaryHarness#SERVER_DELAY} after each
 * crossing). Whatever latency it shows is the machine's (descheduled threads, GC, safepoints), not
 * a cache's.
 */
final class ControlBoundary implements RefreshBoundaryHarness.Contender {

  private final FloorCache<Object> cache =
      new FloorCache<>(Clock.systemUTC(), new Object(), Long.MAX_VALUE);
  private volatile Object current = new Object();
  private volatile long refreshedAtNanos = Long.MAX_VALUE;

  @Override
  public Object getToken() {
    return cache.get();
  }

  @Override
  public Object cachedToken() {
    if (System.nanoTime() >= refreshedAtNanos) {
      refreshedAtNanos = Long.MAX_VALUE;
      current = new Object();
    }
    return current;
  }

  @Override
  public void approachStale(Duration margin) {}

  @Override
  public void crossIntoStale() {
    refreshedAtNanos = System.nanoTime() + RefreshBoundaryHarness.SERVER_DELAY.toNanos();
  }
}
