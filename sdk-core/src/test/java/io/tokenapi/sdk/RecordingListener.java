package io.tokenapi.sdk;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Records the outcome of every fetch and every scheduled retry, in order. The cache tells {@code
 * onFetchEnded} after it stored the outcome and cleared the refresh in flight, so once a test has
 * awaited an outcome the cache is ready for the next step.
 */
// ListenerDispatcher.Inline: this test listener records event content and order, asserted right
// after
// getToken() returns; delivery through the client's bounded event thread (application listeners)
// is tested by BoundaryHardeningTest.
final class RecordingListener implements OAuthClientListener, ListenerDispatcher.Inline {
  /** The expiry of the token of each fetch that ended with one, in order. */
  final List<Instant> refreshed = new CopyOnWriteArrayList<>();

  final List<OAuthException> failed = new CopyOnWriteArrayList<>();
  final List<RetryScheduled> retries = new CopyOnWriteArrayList<>();

  /** The threads the callbacks ran on. */
  final Set<Thread> threads = ConcurrentHashMap.newKeySet();

  private final Map<Long, Instant> obtained = new ConcurrentHashMap<>();

  @Override
  public void onTokenObtained(TokenObtained event) {
    obtained.put(event.fetchId(), event.expiresAt());
  }

  @Override
  public synchronized void onFetchEnded(FetchEnded event) {
    threads.add(Thread.currentThread());
    if (event.failure() == null) {
      refreshed.add(obtained.remove(event.fetchId()));
    } else {
      failed.add(event.failure());
    }
    notifyAll();
  }

  @Override
  public synchronized void onRetryScheduled(RetryScheduled event) {
    threads.add(Thread.currentThread());
    retries.add(event);
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
