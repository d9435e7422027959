package io.tokenapi.sdk;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps one client's WARNs about the application's listeners failing to one a minute: a listener
 * that throws on every event (or a tenant listener that does, for every tenant) would otherwise
 * write a line per event. The first failure is logged at once; each later report says how many were
 * left out since the one before.
 */
final class ListenerWarnings {
  private static final long EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

  /** When the next failure may be logged (System.nanoTime); the first one may at once. */
  private final AtomicLong next = new AtomicLong(System.nanoTime());

  private final AtomicLong leftOut = new AtomicLong();

  /**
   * Whether this failure is to be logged.
   *
   * @return -1 to leave it out, else how many failures were left out since the last one logged
   */
  long admit() {
    long now = System.nanoTime();
    long due = next.get();
    if (now - due >= 0 && next.compareAndSet(due, now + EVERY_NANOS)) {
      return leftOut.getAndSet(0);
    }
    leftOut.incrementAndGet();
    return -1;
  }

  /** The suffix a logged WARN gets for the failures left out before it. */
  static String leftOutNote(long leftOut) {
    return leftOut > 0
        ? " (" + leftOut + " more listener failures were not logged in the minute before)"
        : " (more in the next minute are not logged)";
  }
}
