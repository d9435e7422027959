package io.tokenapi.sdk;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/**
 * The loopback token endpoint of the cache tests: counts requests and answers request {@code n}
 * with token {@code tok-n}. Answers can be held back until the test releases them (a refresh that
 * is "in flight" for as long as the test needs), delayed, scripted, or replaced by a failure. Every
 * unscripted request gets an answer, so a second request is counted rather than left hanging.
 */
final class TokenDispatcher extends Dispatcher {
  /**
   * A held answer is sent after this long even if the test never releases it, so no test can hang.
   */
  private static final long MAX_HOLD_SECONDS = 10;

  private final AtomicInteger requests = new AtomicInteger();
  private final ConcurrentLinkedQueue<MockResponse> scripted = new ConcurrentLinkedQueue<>();
  private volatile CountDownLatch gate = new CountDownLatch(0);
  private volatile Long expiresInSeconds = 3600L;
  private volatile long headersDelayMillis;
  private volatile MockResponse failure;

  @Override
  public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
    int n = requests.incrementAndGet();
    synchronized (this) {
      notifyAll();
    }
    gate.await(MAX_HOLD_SECONDS, TimeUnit.SECONDS);
    MockResponse answer = scripted.poll();
    if (answer == null) {
      answer = failure;
    }
    if (answer == null) {
      answer = token("tok-" + n, expiresInSeconds);
    }
    long delay = headersDelayMillis;
    return delay > 0
        ? answer.newBuilder().headersDelay(delay, TimeUnit.MILLISECONDS).build()
        : answer;
  }

  /** Requests received so far, held ones included. */
  int requests() {
    return requests.get();
  }

  /** Waits until at least {@code n} requests have arrived. */
  void awaitRequests(int n) throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    synchronized (this) {
      while (requests.get() < n) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          throw new TimeoutException("expected " + n + " requests, got " + requests.get());
        }
        wait(left);
      }
    }
  }

  /** Holds every answer from now on until {@link #release()}. */
  TokenDispatcher hold() {
    gate = new CountDownLatch(1);
    return this;
  }

  void release() {
    gate.countDown();
  }

  /** The {@code expires_in} of later tokens, in seconds; null leaves the field out. */
  TokenDispatcher expiresIn(Long seconds) {
    this.expiresInSeconds = seconds;
    return this;
  }

  TokenDispatcher headersDelay(long millis) {
    this.headersDelayMillis = millis;
    return this;
  }

  /** Answers every later unscripted request with {@code response}; null goes back to tokens. */
  TokenDispatcher failWith(MockResponse response) {
    this.failure = response;
    return this;
  }

  /** Answers the next unscripted request with {@code response}. */
  TokenDispatcher enqueue(MockResponse response) {
    scripted.add(response);
    return this;
  }

  static MockResponse token(String value, Long expiresInSeconds) {
    String expiry = expiresInSeconds == null ? "" : ",\"expires_in\":" + expiresInSeconds;
    return json(
        200, "{\"access_token\":\"" + value + "\",\"token_type\":\"Bearer\"" + expiry + "}");
  }

  static MockResponse error(int status) {
    return json(
        status,
        "{\"errorId\":\"e-" + status + "\",\"code\":\"TEST\",\"text\":\"scripted failure\"}");
  }

  static MockResponse json(int status, String body) {
    return new MockResponse.Builder()
        .code(status)
        .addHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }
}
