package io.tokenapi.testkit;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Counts and records every request that reaches the fake endpoint, on any path. */
final class RequestJournal {
  private final int capacity;
  private final LinkedBlockingQueue<RecordedTokenRequest> untaken;

  /** Guarded by itself; notified on each request for {@link #awaitCount}. */
  private final ArrayDeque<RecordedTokenRequest> history = new ArrayDeque<>();

  /** Guarded by {@link #history}. */
  private int count;

  RequestJournal(int capacity) {
    this.capacity = capacity;
    this.untaken = new LinkedBlockingQueue<>(capacity);
  }

  /** Counts a request as soon as it arrives, before it is parsed. */
  void arrived() {
    synchronized (history) {
      count++;
      history.notifyAll();
    }
  }

  void record(RecordedTokenRequest request) {
    synchronized (history) {
      if (history.size() == capacity) {
        history.removeFirst();
      }
      history.addLast(request);
    }
    while (!untaken.offer(request)) {
      untaken.poll(); // Full: drop the oldest untaken request to keep memory bounded.
    }
  }

  int count() {
    synchronized (history) {
      return count;
    }
  }

  void awaitCount(int n, Duration timeout) {
    Objects.requireNonNull(timeout, "timeout == null");
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (history) {
      while (count < n) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException(
              "Expected " + n + " requests within " + timeout + ", got " + count);
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(history, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("Interrupted while waiting for requests", e);
        }
      }
    }
  }

  RecordedTokenRequest take(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout == null");
    try {
      RecordedTokenRequest request = untaken.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
      if (request == null) {
        throw new IllegalStateException("No request arrived within " + timeout);
      }
      return request;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for a request", e);
    }
  }

  List<RecordedTokenRequest> recorded() {
    synchronized (history) {
      return List.copyOf(history);
    }
  }

  void clear() {
    synchronized (history) {
      count = 0;
      history.clear();
      untaken.clear();
    }
  }
}
