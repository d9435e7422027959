package io.tokenapi.sdk;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client's own threads, all daemon and named {@code tokenapi-...}: one scheduler for retry
 * waits, and an on-demand pool of at most {@link #MAX_HTTP_THREADS} that runs the token requests.
 * Token requests get their own pool rather than the caller's OkHttp dispatcher: resource calls
 * blocked in an interceptor waiting for a token must not be able to take every slot the token
 * request needs. Token store calls get a third, bounded pool: a store call that hangs past {@code
 * tokenStoreTimeout} is abandoned but keeps its thread until it returns, so the bound is all a hung
 * store can ever hold.
 */
final class ClientThreads {
  private static final AtomicInteger CLIENTS = new AtomicInteger();

  private final ScheduledExecutorService scheduler;
  private final boolean ownScheduler;
  private final ThreadPoolExecutor http;
  private final ThreadPoolExecutor store;

  /** At most this many store calls run at once, and at most {@link #STORE_QUEUE} more wait. */
  static final int MAX_STORE_THREADS = 4;

  static final int STORE_QUEUE = 16;

  /**
   * At most this many token requests (and async callers' refreshes) run at once. A client runs one
   * refresh at a time, so it needs one thread for the attempt in flight and one for an async
   * caller's refresh; the rest is headroom for attempts a hung caller's OkHttp {@code
   * EventListener} still holds after the call timeout cancelled them. Without a cap each such
   * attempt took a new thread, for as long as it hung.
   */
  static final int MAX_HTTP_THREADS = 8;

  /**
   * At most this many more wait for one of the {@link #MAX_HTTP_THREADS}; past that a task is
   * rejected: OkHttp fails the call ({@code InterruptedIOException}, so a typed {@code
   * TransportException} the retry policy handles) and the cache fails the refresh, never a hang.
   */
  static final int HTTP_QUEUE = 64;

  ClientThreads(ScheduledExecutorService scheduler) {
    int id = CLIENTS.incrementAndGet();
    if (scheduler != null) {
      this.scheduler = scheduler;
      this.ownScheduler = false;
    } else {
      ScheduledThreadPoolExecutor s =
          new ScheduledThreadPoolExecutor(1, daemon("tokenapi-" + id + "-scheduler"));
      s.setRemoveOnCancelPolicy(true);
      this.scheduler = s;
      this.ownScheduler = true;
    }
    this.http =
        new ThreadPoolExecutor(
            MAX_HTTP_THREADS,
            MAX_HTTP_THREADS,
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(HTTP_QUEUE),
            daemon("tokenapi-" + id + "-http"));
    // Core threads that end when idle: threads on demand, as before, but never more than the cap.
    this.http.allowCoreThreadTimeOut(true);
    this.store =
        new ThreadPoolExecutor(
            MAX_STORE_THREADS,
            MAX_STORE_THREADS,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(STORE_QUEUE),
            daemon("tokenapi-" + id + "-store"));
    this.store.allowCoreThreadTimeOut(true);
  }

  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  ExecutorService http() {
    return http;
  }

  /**
   * The bounded pool for token store calls; it rejects a call when every thread is stuck and the
   * queue is full (the caller then bypasses the store).
   */
  ExecutorService store() {
    return store;
  }

  void shutdown() {
    if (ownScheduler) {
      scheduler.shutdownNow();
    }
    http.shutdownNow();
    store.shutdownNow();
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return runnable -> {
      Thread t = new Thread(runnable, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
