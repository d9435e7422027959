package io.tokenapi.sdk.redis;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/**
 * The token endpoint for the fleet tests: issues {@code token-1}, {@code token-2}, ... each living
 * {@code expiresInSeconds}, after {@code delayMillis}; it can hold its first answer until released, to play a lock
 * holder whose token request hangs. Counts what it issued.
 */
final class TokenServer extends Dispatcher {
  private final AtomicInteger issued = new AtomicInteger();
  private final long expiresInSeconds;
  private final long delayMillis;
  private final CountDownLatch firstArrived = new CountDownLatch(1);
  private final CountDownLatch releaseFirst;

  private TokenServer(long expiresInSeconds, long delayMillis, boolean holdFirst) {
    this.expiresInSeconds = expiresInSeconds;
    this.delayMillis = delayMillis;
    this.releaseFirst = new CountDownLatch(holdFirst ? 1 : 0);
  }

  static TokenServer issuing(long expiresInSeconds, long delayMillis) {
    return new TokenServer(expiresInSeconds, delayMillis, false);
  }

  static TokenServer holdingTheFirstAnswer(long expiresInSeconds) {
    return new TokenServer(expiresInSeconds, 0, true);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
    int n = issued.incrementAndGet();
    if (n == 1) {
      firstArrived.countDown();
      // Bounded: a test that forgets to release still ends.
      releaseFirst.await(20, TimeUnit.SECONDS);
    }
    return new MockResponse.Builder()
        .headersDelay(delayMillis, TimeUnit.MILLISECONDS)
        .setHeader("Content-Type", "application/json")
        .body("{\"access_token\":\"token-" + n + "\",\"token_type\":\"Bearer\",\"expires_in\":" + expiresInSeconds + "}")
        .build();
  }

  int issued() {
    return issued.get();
  }

  boolean awaitFirstRequest(long timeoutMillis) throws InterruptedException {
    return firstArrived.await(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  void releaseFirst() {
    releaseFirst.countDown();
  }
}
