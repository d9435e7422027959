package io.tokenapi.sdk;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Records every listener callback, in order. The cache calls the listener after it stored the
 * outcome and cleared the refresh in flight, so once a test has awaited a callback the cache is
 * ready for the next step.
 */
// InlineListener: this test listener records event content and order, asserted right after
// getToken() returns; delivery through the client's bounded event thread (application listeners)
// is tested by BoundaryHardeningTest.
final class RecordingListener
    implements OAuthClientListener, io.tokenapi.sdk.internal.InlineListener {
  /** One retry callback. */
  static final class Retry {
    final int attempt;
    final Duration delay;
    final OAuthException cause;

    Retry(int attempt, Duration delay, OAuthException cause) {
      this.attempt = attempt;
      this.delay = delay;
      this.cause = cause;
    }
  }

  final List<AccessToken> refreshed = new CopyOnWriteArrayList<>();
  final List<OAuthException> failed = new CopyOnWriteArrayList<>();
  final List<Retry> retries = new CopyOnWriteArrayList<>();

  /** The threads the callbacks ran on. */
  final Set<Thread> threads = ConcurrentHashMap.newKeySet();

  @Override
  public synchronized void onTokenRefreshed(AccessToken token) {
    threads.add(Thread.currentThread());
    refreshed.add(token);
    notifyAll();
  }

  @Override
  public synchronized void onRefreshFailed(OAuthException cause) {
    threads.add(Thread.currentThread());
    failed.add(cause);
    notifyAll();
  }

  @Override
  public synchronized void onRetryScheduled(int attempt, Duration delay, OAuthException cause) {
    threads.add(Thread.currentThread());
    retries.add(new Retry(attempt, delay, cause));
    notifyAll();
  }

  /** Waits until {@code n} refreshes have been reported. */
  void awaitRefreshed(int n) throws InterruptedException, TimeoutException {
    await(refreshed, n);
  }

  /** Waits until {@code n} failures have been reported. */
  void awaitFailed(int n) throws InterruptedException, TimeoutException {
    await(failed, n);
  }

  /** Waits until {@code n} retries have been scheduled. */
  void awaitRetries(int n) throws InterruptedException, TimeoutException {
    await(retries, n);
  }

  private synchronized void await(List<?> events, int n)
      throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (events.size() < n) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        throw new TimeoutException("expected " + n + " callbacks, got " + events.size());
      }
      wait(left);
    }
  }
}
