package io.tokenapi.sdk;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the client's events to the application's listeners on one event thread per client
 * ({@code tokenapi-events-N}), through a queue of {@link #QUEUE} events, in the order they
 * happened. A listener that blocks or is slow so never delays a token, never holds one of the
 * client's request threads and never runs on a caller's thread: at worst the queue fills, and the
 * events past it are dropped, counted, and reported by one WARN a minute.
 *
 * <p>Two exceptions. {@code aroundAttempt} wraps the send and so runs inline, for every listener
 * (as OkHttp's interceptors do). And the SDK's own Micrometer and OpenTelemetry listeners ({@link
 * #SDK_LISTENERS}, and this package's listeners marked {@link Inline}) are called inline for every
 * event: they only touch meters and spans in memory, OpenTelemetry's {@code aroundAttempt} needs
 * the span its {@code onAttemptStarted} opened on the same thread, and metrics stay exact at the
 * moment {@code getToken()} returns.
 *
 * <p>The events of the token request's OkHttp {@code EventListener} (the caller's {@code
 * OkHttpClient}'s, see {@link CallersEventListener}) take the same queue and thread, in order with
 * the client's own events.
 *
 * <p>A {@link TenantTokens} with a per-tenant listener factory hands each tenant's events to that
 * tenant's listener through the same thread and queue ({@link #deliver(Runnable)}), so a factory or
 * listener that throws or blocks is bounded the same way.
 *
 * <p>A listener that throws is still isolated by {@link SafeListener}. The event thread starts with
 * the first event and ends after 30 idle seconds; {@link #close()} lets the queue drain for at most
 * {@link #CLOSE_DRAIN_MILLIS}, then drops the rest and interrupts the thread.
 */
final class ListenerDispatcher implements OAuthClientListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ListenerDispatcher.class);
  private static final AtomicInteger THREADS = new AtomicInteger();

  /** At most this many events wait for a slow listener; the ones after are dropped. */
  static final int QUEUE = 1024;

  /** How long {@link #close()} waits for the queued events to be delivered. */
  static final long CLOSE_DRAIN_MILLIS = 1_000;

  /**
   * The SDK's own listeners, called inline, by class name: naming them keeps their public types
   * free of an internal marker (and this module free of a dependency on theirs).
   */
  static final java.util.Set<String> SDK_LISTENERS =
      java.util.Set.of(
          "io.tokenapi.sdk.micrometer.TokenClientMetrics",
          "io.tokenapi.sdk.opentelemetry.TokenClientTelemetry");

  /**
   * Marks a listener of this package that is called inline, like the SDK's own (the SDK's tests
   * record events this way and assert them right after a call returns). Package-private: nothing
   * outside the SDK can opt out of the queue's bound. The SDK's modules in other packages cannot
   * reach it, so they are named in {@link #SDK_LISTENERS}.
   */
  interface Inline {}

  /**
   * One WARN a minute for all of this client's listener failures: its listeners', its tenant
   * listeners' and its OkHttp {@code EventListener}'s.
   */
  private final ListenerWarnings warnings = new ListenerWarnings();

  /** Every listener, in the order added: only for {@code aroundAttempt}, which must run inline. */
  private final SafeListener all;

  /** The SDK's own listeners, called inline. */
  private final SafeListener inline;

  /** The application's listeners, called on the event thread. */
  private final SafeListener queued;

  /** Whether an application listener was added (else per-tenant listeners may still be). */
  private final boolean hasQueued;

  /** The one event thread and its queue; null when no application listener was added. */
  private final ThreadPoolExecutor events;

  /** The event thread now running, if any: {@code close()} from a listener must not wait on it. */
  private volatile Thread eventThread;

  private final AtomicLong dropped = new AtomicLong();

  /** One WARN a minute about dropped events. */
  private final ListenerWarnings dropWarnings = new ListenerWarnings();

  ListenerDispatcher(List<OAuthClientListener> listeners) {
    this(listeners, false);
  }

  /**
   * @param extraEvents whether events other than the listeners' will be handed over through {@link
   *     #deliver(Runnable)} (the caller's OkHttp {@code EventListener}, see {@link
   *     CallersEventListener}; per-tenant listeners): the event thread is needed even without an
   *     application listener then
   */
  ListenerDispatcher(List<OAuthClientListener> listeners, boolean extraEvents) {
    List<OAuthClientListener> ours = new ArrayList<>();
    List<OAuthClientListener> theirs = new ArrayList<>();
    for (OAuthClientListener listener : listeners) {
      (listener instanceof Inline || SDK_LISTENERS.contains(listener.getClass().getName())
              ? ours
              : theirs)
          .add(listener);
    }
    this.all = new SafeListener(listeners, warnings);
    this.inline = new SafeListener(ours, warnings);
    this.queued = new SafeListener(theirs, warnings);
    this.hasQueued = !theirs.isEmpty();
    if (theirs.isEmpty() && !extraEvents) {
      this.events = null;
    } else {
      this.events =
          new ThreadPoolExecutor(
              1,
              1,
              30,
              TimeUnit.SECONDS,
              new ArrayBlockingQueue<>(QUEUE),
              task -> {
                Thread t = new Thread(task, "tokenapi-events-" + THREADS.incrementAndGet());
                t.setDaemon(true);
                eventThread = t;
                return t;
              });
      this.events.allowCoreThreadTimeOut(true);
    }
  }

  /** The WARN budget for listener failures of this client. */
  ListenerWarnings warnings() {
    return warnings;
  }

  /** For tests and the WARN: events dropped because the queue was full. */
  long dropped() {
    return dropped.get();
  }

  /**
   * Runs {@code event} on the event thread, after every event handed over before it; dropped
   * (counted, one WARN a minute) when the queue is full, and after close.
   */
  void deliver(Runnable event) {
    if (events == null) {
      return;
    }
    try {
      events.execute(event);
    } catch (RejectedExecutionException e) {
      if (events.isShutdown()) {
        return; // closed: nobody listens any more
      }
      long total = dropped.incrementAndGet();
      if (dropWarnings.admit() >= 0) {
        LOG.warn(
            "An OAuthClientListener (or the OkHttpClient's EventListener) is not keeping up: {}"
                + " events waited for it, so the client dropped {} events so far. The client's"
                + " tokens are not affected; make the listener return quickly (hand slow work to"
                + " its own executor).",
            QUEUE,
            total);
      }
    }
  }

  @Override
  public void onFetchStarted(FetchStarted event) {
    inline.onFetchStarted(event);
    if (hasQueued) {
      deliver(() -> queued.onFetchStarted(event));
    }
  }

  @Override
  public void onAttemptStarted(AttemptStarted event) {
    inline.onAttemptStarted(event);
    if (hasQueued) {
      deliver(() -> queued.onAttemptStarted(event));
    }
  }

  @Override
  public void aroundAttempt(AttemptStarted event, Runnable send) {
    all.aroundAttempt(event, send);
  }

  @Override
  public void onAttemptEnded(AttemptEnded event) {
    inline.onAttemptEnded(event);
    if (hasQueued) {
      deliver(() -> queued.onAttemptEnded(event));
    }
  }

  @Override
  public void onRetryScheduled(RetryScheduled event) {
    inline.onRetryScheduled(event);
    if (hasQueued) {
      deliver(() -> queued.onRetryScheduled(event));
    }
  }

  @Override
  public void onTokenObtained(TokenObtained event) {
    inline.onTokenObtained(event);
    if (hasQueued) {
      deliver(() -> queued.onTokenObtained(event));
    }
  }

  @Override
  public void onFetchEnded(FetchEnded event) {
    inline.onFetchEnded(event);
    if (hasQueued) {
      deliver(() -> queued.onFetchEnded(event));
    }
  }

  @Override
  public void onStateChanged(StateChanged event) {
    inline.onStateChanged(event);
    if (hasQueued) {
      deliver(() -> queued.onStateChanged(event));
    }
  }

  @Override
  public void onStoreEvent(StoreEvent event) {
    inline.onStoreEvent(event);
    if (hasQueued) {
      deliver(() -> queued.onStoreEvent(event));
    }
  }

  @Override
  public void onClosingCoverage(ClosingCoverage event) {
    inline.onClosingCoverage(event);
    if (hasQueued) {
      deliver(() -> queued.onClosingCoverage(event));
    }
  }

  /**
   * Delivers what is queued for at most {@link #CLOSE_DRAIN_MILLIS}, then drops the rest and
   * interrupts the event thread. Called from a listener, it does not wait: the queue drains behind
   * it.
   */
  @Override
  public void close() {
    if (events == null) {
      return;
    }
    events.shutdown();
    if (Thread.currentThread() == eventThread) {
      return;
    }
    try {
      if (!events.awaitTermination(CLOSE_DRAIN_MILLIS, TimeUnit.MILLISECONDS)) {
        int left = events.shutdownNow().size();
        LOG.warn(
            "An OAuthClientListener was still busy {} ms after close(): the client dropped the {}"
                + " events still queued and interrupted the listener",
            CLOSE_DRAIN_MILLIS,
            left);
      }
    } catch (InterruptedException e) {
      events.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
