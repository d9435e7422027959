package io.tokenapi.sdk;

import io.tokenapi.sdk.internal.SafeText;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Calls the caller's {@code clientAssertion(...)} supplier, or the SDK's own {@code
 * privateKeyJwt(...)} signer (whose JCA provider may be an HSM that blocks), on the client's own
 * thread, never the caller's, bounded by the attempt's time: a supplier that hangs (a metadata call
 * without a timeout, a FIFO in place of a file) costs each attempt at most its time, and the
 * attempt fails with an {@link OAuthException} that names the supplier, never its output.
 *
 * <p>At most one supplier call runs per client: an attempt that finds a call still running (one an
 * earlier attempt gave up on) waits for that call instead of starting another, so abandoned calls
 * cannot pile up threads. The one thread ({@code tokenapi-assertion-N}) ends after 30 idle seconds,
 * and {@link #close()} interrupts it.
 */
final class BoundedAssertions implements AutoCloseable {
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final Supplier<String> supplier;
  private final String name;
  private final ScheduledExecutorService scheduler;
  private final ThreadPoolExecutor thread;

  /** The supplier call running now, or null. */
  private final AtomicReference<Call> running = new AtomicReference<>();

  /**
   * One supplier call and the attempts waiting for it. An attempt that gives up leaves the set, so
   * a call that never returns holds no attempt's state (a dependent stage on its future would).
   */
  private static final class Call {
    final CompletableFuture<String> result = new CompletableFuture<>();
    final Set<CompletableFuture<String>> waiters = ConcurrentHashMap.newKeySet();

    /** Hands the outcome to every attempt still waiting. */
    void settle() {
      for (CompletableFuture<String> waiter : waiters) {
        if (waiters.remove(waiter)) {
          copy(result, waiter);
        }
      }
    }
  }

  BoundedAssertions(Supplier<String> supplier, ScheduledExecutorService scheduler) {
    this(
        supplier,
        "clientAssertion(...) supplier " + ClientAssertions.describe(supplier),
        scheduler);
  }

  /**
   * @param what the source as messages name it, for example {@code "privateKeyJwt(...) signer
   *     (RS256)"}: the SDK's own signer runs here too, since the key's JCA provider (an HSM, a
   *     cloud KMS) may block
   */
  BoundedAssertions(Supplier<String> supplier, String what, ScheduledExecutorService scheduler) {
    this.supplier = supplier;
    this.name = what;
    this.scheduler = scheduler;
    ThreadFactory daemon =
        task -> {
          Thread t = new Thread(task, "tokenapi-assertion-" + THREADS.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    this.thread =
        new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1), daemon);
    thread.allowCoreThreadTimeOut(true);
  }

  /**
   * The next assertion, stripped, or a failed future with an {@link OAuthException} after at most
   * {@code timeoutMillis}.
   */
  CompletableFuture<String> next(long timeoutMillis) {
    Call call;
    try {
      call = call();
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(closed(e));
    }
    CompletableFuture<String> mine = new CompletableFuture<>();
    call.waiters.add(mine);
    if (call.result.isDone()) {
      // Settled between call() and add(): settle() may have missed this attempt.
      call.waiters.remove(mine);
      copy(call.result, mine);
      return mine;
    }
    try {
      ScheduledFuture<?> timer =
          scheduler.schedule(
              () -> {
                if (call.waiters.remove(mine)) {
                  mine.completeExceptionally(timedOut(timeoutMillis));
                }
              },
              timeoutMillis,
              TimeUnit.MILLISECONDS);
      mine.whenComplete((assertion, failure) -> timer.cancel(false));
    } catch (RejectedExecutionException e) {
      call.waiters.remove(mine);
      mine.completeExceptionally(closed(e));
    }
    return mine;
  }

  private static void copy(CompletableFuture<String> from, CompletableFuture<String> to) {
    from.whenComplete(
        (assertion, failure) -> {
          if (failure == null) {
            to.complete(assertion);
          } else {
            to.completeExceptionally(Futures.unwrap(failure));
          }
        });
  }

  private static OAuthException closed(RejectedExecutionException e) {
    return new OAuthException("OAuthClient was closed while getting the client assertion", e);
  }

  /**
   * Like {@link #next} for a caller that waits on its own thread: interruptibly, and bounded even
   * when the scheduler does not run.
   *
   * @throws OAuthException when no assertion came in time, the supplier failed, or the thread was
   *     interrupted (the flag is restored)
   */
  String await(long timeoutMillis) {
    CompletableFuture<String> next = next(timeoutMillis);
    try {
      return next.get(timeoutMillis + 1_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OAuthException("Interrupted while waiting for the " + name, e);
    } catch (TimeoutException e) {
      throw timedOut(timeoutMillis);
    } catch (ExecutionException e) {
      throw Futures.typed(e.getCause());
    }
  }

  /** For tests: the attempts waiting for the running call, 0 when none runs. */
  int waiting() {
    Call call = running.get();
    return call == null ? 0 : call.waiters.size();
  }

  /** Interrupts a supplier call still running; its thread ends with it. */
  @Override
  public void close() {
    thread.shutdownNow();
  }

  /** The running call, or a new one on the supplier thread. */
  private Call call() {
    for (; ; ) {
      Call current = running.get();
      if (current != null) {
        return current;
      }
      Call call = new Call();
      if (running.compareAndSet(null, call)) {
        try {
          thread.execute(() -> run(call));
        } catch (RejectedExecutionException e) {
          running.compareAndSet(call, null);
          throw e;
        }
        return call;
      }
    }
  }

  private void run(Call call) {
    String assertion = null;
    OAuthException failure = null;
    try {
      String raw = null;
      try {
        raw = supplier.get();
      } catch (Throwable e) {
        // Whatever it threw, Errors and the supplier's own OAuthExceptions included: the attempt
        // fails typed, the thread lives on, and the original (whose message may hold the
        // assertion) goes nowhere.
        failure = failed(e);
      }
      if (failure == null) {
        assertion = checked(raw);
      }
    } catch (OAuthException e) {
      failure = e; // the SDK's own, from checked(): holds no assertion
    } finally {
      // Cleared before completing: an attempt woken by this call that needs another assertion
      // starts a new call instead of getting this one's again.
      running.compareAndSet(call, null);
    }
    if (failure == null) {
      call.result.complete(assertion);
    } else {
      call.result.completeExceptionally(failure);
    }
    call.settle();
  }

  private String checked(String assertion) {
    if (assertion == null || assertion.isBlank()) {
      throw new OAuthException(
          "The "
              + name
              + " returned "
              + (assertion == null ? "null" : "a blank assertion")
              + ": it must return the assertion to send with each token request");
    }
    String stripped = assertion.strip();
    if (stripped.length() > ClientAssertions.MAX_ASSERTION_BYTES) {
      throw new OAuthException(
          "The "
              + name
              + " returned "
              + stripped.length()
              + " characters, more than "
              + ClientAssertions.MAX_ASSERTION_BYTES
              + ": is it the assertion?");
    }
    return stripped;
  }

  private OAuthException failed(Throwable e) {
    try {
      return describedFailure(e);
    } catch (Throwable hostile) {
      // An exception whose getMessage(), getCause() or getStackTrace() throws in turn.
      return new OAuthException(
          "Could not get the client assertion from the "
              + name
              + ": it threw "
              + e.getClass().getName());
    }
  }

  private OAuthException describedFailure(Throwable e) {
    String message = e.getMessage();
    return new OAuthException(
        "Could not get the client assertion from the "
            + name
            + ": "
            + e.getClass().getName()
            + (message == null ? "" : ": " + SafeText.of(Redactor.redactCompactJws(message), 300)),
        RedactedFailure.of(e));
  }

  private OAuthException timedOut(long timeoutMillis) {
    return new OAuthException(
        "The "
            + name
            + " did not return within "
            + timeoutMillis
            + " ms (the attempt's time, bounded by callTimeout and the retry policy's maxWait):"
            + " check what it waits for (a metadata endpoint, a file not written yet). The call"
            + " goes on on the client's thread; no second one starts while it runs.");
  }
}
