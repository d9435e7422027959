package io.tokenapi.sdk;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Records every listener event in the order it arrives, with the thread it arrived on: the new
 * event records as they are, and each {@code aroundAttempt} as an {@link Around} entry (the request
 * is sent inside it).
 */
// ListenerDispatcher.Inline: this test listener records event content and order, asserted right
// after
// getToken() returns; delivery through the client's bounded event thread (application listeners)
// is tested by BoundaryHardeningTest.
final class EventLog implements OAuthClientListener, ListenerDispatcher.Inline {
  /** One {@code aroundAttempt}: the attempt, and the thread it wrapped. */
  record Around(AttemptStarted attempt, Thread thread) {}

  private final List<Object> events = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();

  /** Every event so far, in order. */
  synchronized List<Object> events() {
    return new ArrayList<>(events);
  }

  /** The simple type names of every event so far, in order: the shape of a fetch. */
  synchronized List<String> kinds() {
    return events.stream().map(e -> e.getClass().getSimpleName()).collect(Collectors.toList());
  }

  /** The events of one type, in order. */
  synchronized <T> List<T> of(Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
  }

  /** The one event of a type; fails if there is not exactly one. */
  <T> T only(Class<T> type) {
    List<T> found = of(type);
    if (found.size() != 1) {
      throw new AssertionError("expected one " + type.getSimpleName() + ", got " + found);
    }
    return found.get(0);
  }

  synchronized List<Thread> threads() {
    return new ArrayList<>(threads);
  }

  private synchronized void add(Object event) {
    events.add(event);
    threads.add(Thread.currentThread());
  }

  @Override
  public void onFetchStarted(FetchStarted event) {
    add(event);
  }

  @Override
  public void onAttemptStarted(AttemptStarted event) {
    add(event);
  }

  @Override
  public void aroundAttempt(AttemptStarted event, Runnable send) {
    add(new Around(event, Thread.currentThread()));
    send.run();
  }

  @Override
  public void onAttemptEnded(AttemptEnded event) {
    add(event);
  }

  @Override
  public void onRetryScheduled(RetryScheduled event) {
    add(event);
  }

  @Override
  public void onTokenObtained(TokenObtained event) {
    add(event);
  }

  @Override
  public void onFetchEnded(FetchEnded event) {
    add(event);
  }

  @Override
  public void onStateChanged(StateChanged event) {
    add(event);
  }

  @Override
  public void onStoreEvent(StoreEvent event) {
    add(event);
  }
}
