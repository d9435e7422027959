package io.tokenapi.sdk;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** A clock the test moves by hand. Thread-safe. */
final class MutableClock extends Clock {
  private volatile Instant now;
  private final AtomicInteger readsUntilHook = new AtomicInteger(-1);
  private final AtomicReference<Runnable> hook = new AtomicReference<>();

  MutableClock(Instant start) {
    this.now = start;
  }

  static MutableClock at(String instant) {
    return new MutableClock(Instant.parse(instant));
  }

  synchronized void advance(Duration d) {
    now = now.plus(d);
  }

  void set(Instant instant) {
    now = instant;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException();
  }

  /**
   * Runs {@code action} once, inside the read that comes after {@code readsToSkip} further reads,
   * before that read answers: lets a test make something happen between two reads of the code under
   * test.
   */
  void beforeRead(int readsToSkip, Runnable action) {
    hook.set(action);
    readsUntilHook.set(readsToSkip);
  }

  @Override
  public Instant instant() {
    if (readsUntilHook.get() >= 0 && readsUntilHook.getAndDecrement() == 0) {
      Runnable action = hook.getAndSet(null);
      if (action != null) {
        action.run();
      }
    }
    return now;
  }

  @Override
  public long millis() {
    return instant().toEpochMilli();
  }
}
