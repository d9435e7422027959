package io.tokenapi.sdk;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Response;

/**
 * A fixed number of slots for token requests in flight, shared by every tenant of a {@link
 * TenantTokens}: an attempt takes a slot before its call is enqueued and gives it back when its
 * callback has run (the body is read inside it), so never more than {@code slots} requests are open
 * at once. An attempt without a free slot waits in a first-come queue, on no thread; it is sent
 * when a slot frees, with the time it waited taken off its call timeout, or fails as a timeout when
 * its attempt's time runs out first. So 10,000 tenants waking at once queue, not fail, within each
 * caller's {@code maxWait}.
 */
final class RequestGate {
  private final int slots;
  private final ScheduledExecutorService scheduler;
  private final long defaultTimeoutMillis;
  private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
  private int free;
  private int peak;
  private boolean closed;

  RequestGate(int slots, ScheduledExecutorService scheduler, long defaultTimeoutMillis) {
    this.slots = slots;
    this.free = slots;
    this.scheduler = scheduler;
    this.defaultTimeoutMillis = defaultTimeoutMillis;
  }

  /**
   * Sends {@code call} once a slot is free.
   *
   * @param timeoutMillis the attempt's whole time, queue included; 0 for the default call timeout
   */
  void send(Call call, Callback callback, long timeoutMillis) {
    long timeout = timeoutMillis > 0 ? timeoutMillis : defaultTimeoutMillis;
    Waiter waiter = new Waiter(call, callback, timeout);
    boolean now;
    synchronized (this) {
      if (closed) {
        now = false;
        waiter = null;
      } else if (free > 0) {
        free--;
        peak = Math.max(peak, slots - free);
        now = true;
      } else {
        queue.add(waiter);
        now = false;
      }
    }
    if (waiter == null) {
      callback.onFailure(call, new IOException("TenantTokens is closed"));
      return;
    }
    if (now) {
      enqueue(waiter, 0);
      return;
    }
    Waiter queued = waiter;
    try {
      queued.expiry = scheduler.schedule(() -> expire(queued), timeout, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      expire(queued);
    }
  }

  /** Requests in flight now; for tests and the harness. */
  synchronized int inFlight() {
    return slots - free;
  }

  /** The most requests that were in flight at once; for tests and the harness. */
  synchronized int peakInFlight() {
    return peak;
  }

  /** Attempts waiting for a slot now; for tests and the harness. */
  synchronized int queued() {
    return queue.size();
  }

  /** Fails every waiting attempt; later ones fail at once. */
  void close() {
    Waiter[] waiting;
    synchronized (this) {
      closed = true;
      waiting = queue.toArray(new Waiter[0]);
      queue.clear();
    }
    for (Waiter w : waiting) {
      w.cancelExpiry();
      w.callback.onFailure(w.call, new IOException("TenantTokens is closed"));
    }
  }

  private void expire(Waiter waiter) {
    boolean removed;
    synchronized (this) {
      removed = queue.remove(waiter);
    }
    if (removed) {
      waiter.callback.onFailure(waiter.call, expired(waiter));
    }
  }

  private InterruptedIOException expired(Waiter waiter) {
    return new InterruptedIOException(
        "no token request slot came free within "
            + waiter.timeoutMillis
            + " ms: maxConcurrentRequests ("
            + slots
            + ") requests were in flight the whole time");
  }

  private void enqueue(Waiter waiter, long waitedMillis) {
    if (waitedMillis > 0) {
      // The call timeout starts when OkHttp runs the call: what the queue took comes off it.
      waiter
          .call
          .timeout()
          .timeout(Math.max(1, waiter.timeoutMillis - waitedMillis), TimeUnit.MILLISECONDS);
    }
    try {
      waiter.call.enqueue(new Releasing(waiter.callback));
    } catch (RuntimeException e) {
      release();
      throw e;
    }
    boolean closedMeanwhile;
    synchronized (this) {
      closedMeanwhile = closed;
    }
    if (closedMeanwhile) {
      // The slot was taken before close(), the call reached OkHttp after close() cancelled the
      // calls it knew: cancelled here, so no request goes out after close() (on the thread that
      // runs the pool's dropped tasks, it would hold up every caller behind it for its timeout).
      waiter.call.cancel();
    }
  }

  /** A slot came back: the next waiter takes it, or it is free. */
  private void release() {
    Waiter next;
    synchronized (this) {
      next = closed ? null : queue.poll();
      if (next == null) {
        free++;
        return;
      }
    }
    next.cancelExpiry();
    long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - next.queuedAtNanos);
    if (next.timeoutMillis - waited < next.timeoutMillis / 10) {
      // Too little of its time left for an answer: sent, it would most likely be cut off after
      // reaching the provider, a request spent for nothing. It fails as expired; the slot moves on.
      next.callback.onFailure(next.call, expired(next));
      release();
      return;
    }
    enqueue(next, waited);
  }

  /** Gives the slot back after the attempt's own callback ran, whatever it threw. */
  private final class Releasing implements Callback {
    private final Callback delegate;

    Releasing(Callback delegate) {
      this.delegate = delegate;
    }

    @Override
    public void onFailure(Call call, IOException e) {
      try {
        delegate.onFailure(call, e);
      } finally {
        release();
      }
    }

    @Override
    public void onResponse(Call call, Response response) throws IOException {
      try {
        delegate.onResponse(call, response);
      } finally {
        release();
      }
    }
  }

  private static final class Waiter {
    final Call call;
    final Callback callback;
    final long timeoutMillis;
    final long queuedAtNanos = System.nanoTime();
    volatile ScheduledFuture<?> expiry;

    Waiter(Call call, Callback callback, long timeoutMillis) {
      this.call = call;
      this.callback = callback;
      this.timeoutMillis = timeoutMillis;
    }

    void cancelExpiry() {
      ScheduledFuture<?> e = expiry;
      if (e != null) {
        e.cancel(false);
      }
    }
  }
}
