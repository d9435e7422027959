package io.tokenapi.sdk;

import io.tokenapi.testkit.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A scheduler driven by a {@link MutableClock}: scheduled tasks run only when the test advances
 * time past them, on the test's thread. Lets retry waits of hours be tested in microseconds.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
  private final MutableClock clock;
  private final List<Task<?>> tasks = new ArrayList<>();
  private final List<Long> scheduledDelays = new ArrayList<>();

  ManualScheduler(MutableClock clock) {
    this.clock = clock;
  }

  /** Moves the clock forward by {@code d}, running every task that falls due, in due order. */
  void advance(Duration d) {
    long target = clock.millis() + d.toMillis();
    for (; ; ) {
      Task<?> next;
      synchronized (this) {
        next =
            tasks.stream()
                .filter(t -> t.dueAt <= target)
                .min(Comparator.comparingLong(t -> t.dueAt))
                .orElse(null);
        if (next != null) {
          tasks.remove(next);
        }
      }
      if (next == null) {
        break;
      }
      if (next.dueAt > clock.millis()) {
        clock.set(java.time.Instant.ofEpochMilli(next.dueAt));
      }
      next.run();
    }
    if (target > clock.millis()) {
      clock.set(java.time.Instant.ofEpochMilli(target));
    }
  }

  /**
   * Runs the earliest pending task, moving the clock to its due time; false when none is pending.
   */
  boolean runNext() {
    Task<?> next;
    synchronized (this) {
      next = tasks.stream().min(Comparator.comparingLong(t -> t.dueAt)).orElse(null);
    }
    if (next == null) {
      return false;
    }
    advance(Duration.ofMillis(Math.max(0, next.dueAt - clock.millis())));
    return true;
  }

  synchronized int pending() {
    return tasks.size();
  }

  /**
   * Waits until a task is pending: one that another thread (the client's retry loop) schedules.
   * Woken by {@link #add} itself, so it returns as soon as the task exists, with no polling; the 10
   * s bound only turns a task that never comes into a failure instead of a hang.
   */
  void awaitPending() throws InterruptedException, TimeoutException {
    awaitPending(1);
  }

  /** Waits, as {@link #awaitPending()} does, until at least {@code count} tasks are pending. */
  synchronized void awaitPending(int count) throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (tasks.size() < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new TimeoutException(
            "expected " + count + " scheduled tasks within 10 s, got " + tasks.size());
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  /** Delays of every task ever scheduled, in milliseconds, in scheduling order. */
  synchronized List<Long> scheduledDelays() {
    return new ArrayList<>(scheduledDelays);
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return add(new Task<>(command, null, unit.toMillis(delay)));
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    return add(new Task<>(null, callable, unit.toMillis(delay)));
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    Repeating repeating = new Repeating(command, unit.toMillis(delay));
    Task<?> first = new Task<>(repeating, null, unit.toMillis(initialDelay));
    first.repeating = repeating;
    return add(first);
  }

  /** Runs its command, then schedules itself again, until the first task is cancelled. */
  private final class Repeating implements Runnable {
    final Runnable command;
    final long delayMillis;
    volatile boolean cancelled;

    Repeating(Runnable command, long delayMillis) {
      this.command = command;
      this.delayMillis = delayMillis;
    }

    @Override
    public void run() {
      if (cancelled) {
        return;
      }
      command.run();
      if (!cancelled) {
        add(new Task<>(this, null, delayMillis));
      }
    }
  }

  @Override
  public void execute(Runnable command) {
    schedule(command, 0, TimeUnit.MILLISECONDS);
  }

  @Override
  public void shutdown() {}

  @Override
  public List<Runnable> shutdownNow() {
    return List.of();
  }

  @Override
  public boolean isShutdown() {
    return false;
  }

  @Override
  public boolean isTerminated() {
    return false;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return true;
  }

  private synchronized <V> Task<V> add(Task<V> task) {
    tasks.add(task);
    scheduledDelays.add(task.dueAt - clock.millis());
    notifyAll(); // wakes awaitPending()
    return task;
  }

  private final class Task<V> extends FutureTask<V> implements ScheduledFuture<V> {
    final long dueAt;
    volatile Repeating repeating;

    Task(Runnable runnable, Callable<V> callable, long delayMillis) {
      super(callable != null ? callable : java.util.concurrent.Executors.callable(runnable, null));
      this.dueAt = clock.millis() + delayMillis;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(dueAt - clock.millis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
      return Long.compare(getDelay(TimeUnit.MILLISECONDS), o.getDelay(TimeUnit.MILLISECONDS));
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      if (repeating != null) {
        repeating.cancelled = true;
      }
      synchronized (ManualScheduler.this) {
        tasks.remove(this);
      }
      return super.cancel(mayInterruptIfRunning);
    }
  }
}
