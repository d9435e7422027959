package io.tokenapi.sdk;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls every user listener, in the order they were added, so that a listener that throws can break
 * neither the client nor the listeners after it. With no listener every call returns at once.
 */
final class SafeListener implements OAuthClientListener {
  private static final Logger LOG = LoggerFactory.getLogger(SafeListener.class);

  private final OAuthClientListener[] delegates;

  /** The client's WARN budget for listener failures, shared by its SafeListeners. */
  private final ListenerWarnings warnings;

  SafeListener(List<OAuthClientListener> delegates) {
    this(delegates, new ListenerWarnings());
  }

  SafeListener(List<OAuthClientListener> delegates, ListenerWarnings warnings) {
    this.delegates = delegates.toArray(new OAuthClientListener[0]);
    this.warnings = warnings;
  }

  /** Whether any listener was added: callers may skip building an event nobody gets. */
  boolean isEmpty() {
    return delegates.length == 0;
  }

  @Override
  public void onFetchStarted(FetchStarted event) {
    each("onFetchStarted", l -> l.onFetchStarted(event));
  }

  @Override
  public void onAttemptStarted(AttemptStarted event) {
    each("onAttemptStarted", l -> l.onAttemptStarted(event));
  }

  /**
   * Nests the listeners' {@code aroundAttempt}, the first added outermost. {@code send} runs
   * exactly once whatever a listener does: one that throws before calling it, or never calls it, is
   * skipped; a second call is ignored. {@code send} itself must not throw.
   */
  @Override
  public void aroundAttempt(AttemptStarted event, Runnable send) {
    around(0, event, send);
  }

  @Override
  public void onAttemptEnded(AttemptEnded event) {
    each("onAttemptEnded", l -> l.onAttemptEnded(event));
  }

  @Override
  public void onRetryScheduled(RetryScheduled event) {
    each("onRetryScheduled", l -> l.onRetryScheduled(event));
  }

  @Override
  public void onTokenObtained(TokenObtained event) {
    each("onTokenObtained", l -> l.onTokenObtained(event));
  }

  @Override
  public void onFetchEnded(FetchEnded event) {
    each("onFetchEnded", l -> l.onFetchEnded(event));
  }

  @Override
  public void onStateChanged(StateChanged event) {
    each("onStateChanged", l -> l.onStateChanged(event));
  }

  @Override
  public void onStoreEvent(StoreEvent event) {
    each("onStoreEvent", l -> l.onStoreEvent(event));
  }

  @Override
  public void onClosingCoverage(ClosingCoverage event) {
    each("onClosingCoverage", l -> l.onClosingCoverage(event));
  }

  private void each(String method, Consumer<OAuthClientListener> call) {
    for (OAuthClientListener delegate : delegates) {
      try {
        call.accept(delegate);
      } catch (Throwable e) {
        rethrowFatal(e);
        warn(method, e);
      }
    }
  }

  private void around(int i, AttemptStarted event, Runnable send) {
    if (i == delegates.length) {
      send.run();
      return;
    }
    Once inner = new Once(() -> around(i + 1, event, send));
    try {
      delegates[i].aroundAttempt(event, inner);
    } catch (Throwable e) {
      if (e != inner.failure) {
        rethrowFatal(e);
        warn("aroundAttempt", e);
      }
    }
    // A listener that threw before sending, or forgot to: the attempt is still sent, once.
    inner.run();
    // The send's own failure (an Error from the caller's socket factory, say) is the attempt's,
    // not the listener's: it goes on even if the listener swallowed it.
    if (inner.failure instanceof Error) {
      throw (Error) inner.failure;
    }
    if (inner.failure instanceof RuntimeException) {
      throw (RuntimeException) inner.failure;
    }
  }

  /**
   * A listener's own bug may surface as an Error (an assertion, a missing class): ignored like an
   * exception. Running out of memory or stack is the JVM's state, not the listener's, and
   * propagates.
   */
  static void rethrowFatal(Throwable e) {
    if (e instanceof VirtualMachineError) {
      throw (VirtualMachineError) e;
    }
  }

  private void warn(String method, Throwable e) {
    long leftOut = warnings.admit();
    if (leftOut < 0) {
      return;
    }
    // Only the type: a listener's message is the application's text and could hold anything.
    LOG.warn(
        "OAuthClientListener.{} threw {}; the client ignores it and carries on{}",
        method,
        e.getClass().getName(),
        ListenerWarnings.leftOutNote(leftOut));
  }

  /** Runs its task the first time it is run, never again. */
  private static final class Once implements Runnable {
    private final Runnable task;
    private final AtomicBoolean ran = new AtomicBoolean();

    Once(Runnable task) {
      this.task = task;
    }

    /** What the task threw, if it did. */
    volatile Throwable failure;

    @Override
    public void run() {
      if (ran.compareAndSet(false, true)) {
        try {
          task.run();
        } catch (RuntimeException | Error e) {
          failure = e;
          throw e;
        }
      }
    }
  }
}
