package io.tokenapi.sdk;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
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
   * At most this many more wait for one of the {@link #MAX_HTTP_THREADS} (a {@link TenantTokens}
   * adds two per tenant it may hold); past that a task is rejected. A cache queues at most one
   * async callers' hand-off at a time, however many callers arrive, and one background refresh's
   * start, so a single client needs a few of these; past that a task is rejected: OkHttp fails the
   * call ({@code InterruptedIOException}, so a typed {@code TransportException} the retry policy
   * handles) and the cache fails the refresh, never a hang.
   */
  static final int HTTP_QUEUE = 64;

  ClientThreads(ScheduledExecutorService scheduler) {
    this(scheduler, MAX_HTTP_THREADS, 0);
  }

  /**
   * With a request thread cap of its own: a {@link TenantTokens} lets {@code maxConcurrentRequests}
   * token requests be in flight at once, each holding one of these threads; and room in the queue
   * for {@code caches} more caches' hand-offs (two each: an async caller's, and a background
   * refresh's start), so a burst of cold tenants asked at once is queued, not refused. The queue is
   * linked, so the room costs nothing until it is used.
   */
  ClientThreads(ScheduledExecutorService scheduler, int httpThreads, int caches) {
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
            httpThreads,
            httpThreads,
            60,
            TimeUnit.SECONDS,
            caches == 0
                ? new ArrayBlockingQueue<>(HTTP_QUEUE)
                : new LinkedBlockingQueue<>(
                    (int) Math.min(Integer.MAX_VALUE, HTTP_QUEUE + 2L * caches)),
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
    // A request task still queued (OkHttp's call, cancelled by then) would never tell its caller:
    // it runs once on a short-lived thread, where a cancelled call fails at once.
    List<Runnable> dropped = http.shutdownNow();
    if (!dropped.isEmpty()) {
      daemon("tokenapi-closing")
          .newThread(
              () -> {
                for (Runnable task : dropped) {
                  try {
                    task.run();
                  } catch (RuntimeException | Error e) {
                    // Each task reports its own failure to its caller; one more here helps nobody.
                  }
                }
              })
          .start();
    }
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
