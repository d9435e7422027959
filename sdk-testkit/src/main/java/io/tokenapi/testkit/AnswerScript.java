package io.tokenapi.testkit;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import mockwebserver3.MockResponse;

/**
 * What the test scripted for token requests, in the order it applies: a hold on all answers, the
 * one-shot answers (first in, first out), then a standing failure; a delay applies to whatever
 * answers. Empty, the {@link DefaultAnswers} answer.
 */
final class AnswerScript {
  private static final CountDownLatch OPEN = new CountDownLatch(0);

  private final ConcurrentLinkedQueue<Function<RecordedTokenRequest, MockResponse>> oneShot =
      new ConcurrentLinkedQueue<>();
  private volatile CountDownLatch gate = OPEN;

  /** Null when requests are not failing. */
  private volatile Function<RecordedTokenRequest, MockResponse> standing;

  private volatile long delayNanos;

  void add(Function<RecordedTokenRequest, MockResponse> answer) {
    oneShot.add(answer);
  }

  int remaining() {
    return oneShot.size();
  }

  /** The scripted answer for {@code request}, or null for the default one. */
  MockResponse next(RecordedTokenRequest request) {
    Function<RecordedTokenRequest, MockResponse> answer = oneShot.poll();
    if (answer == null) {
      answer = standing;
    }
    return answer == null ? null : answer.apply(request);
  }

  void failEveryRequest(Function<RecordedTokenRequest, MockResponse> answer) {
    standing = answer;
  }

  void hold() {
    if (gate.getCount() == 0) {
      gate = new CountDownLatch(1);
    }
  }

  void release() {
    gate.countDown();
  }

  /** Waits while answers are held, at most {@code max}, so a test that forgets cannot hang. */
  void awaitRelease(Duration max) throws InterruptedException {
    gate.await(max.toNanos(), TimeUnit.NANOSECONDS);
  }

  void delay(Duration delay) {
    delayNanos = delay.toNanos();
  }

  MockResponse delayed(MockResponse response) {
    long nanos = delayNanos;
    return nanos > 0
        ? response.newBuilder().headersDelay(nanos, TimeUnit.NANOSECONDS).build()
        : response;
  }

  /** Back to empty: no one-shot answers, no hold (held answers go out), no failure, no delay. */
  void clear() {
    oneShot.clear();
    release();
    standing = null;
    delayNanos = 0;
  }
}
