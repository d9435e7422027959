package io.tokenapi.sdk;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import mockwebserver3.MockResponse;

/** Responses and a driver for retry tests on a fake clock and a {@link ManualScheduler}. */
final class RetryTesting {
  /** Just below 1: the jitter source's upper end, so each random wait is at its bound. */
  static final double ALMOST_ONE = Math.nextDown(1.0);

  /** Real-time bound on anything a fake-time test waits for (HTTP on loopback). */
  static final Duration PATIENCE = Duration.ofSeconds(10);

  private RetryTesting() {}

  static MockResponse token(String value) {
    return new MockResponse.Builder()
        .code(200)
        .addHeader("Content-Type", "application/json")
        .body("{\"access_token\":\"" + value + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}")
        .build();
  }

  static MockResponse status(int code) {
    return new MockResponse.Builder()
        .code(code)
        .addHeader("Content-Type", "application/json")
        .body(
            "{\"errorId\":\"e-"
                + code
                + "\",\"code\":\"C"
                + code
                + "\",\"text\":\"status "
                + code
                + "\"}")
        .build();
  }

  static MockResponse status(int code, String retryAfter) {
    return new MockResponse.Builder(status(code)).addHeader("Retry-After", retryAfter).build();
  }

  /**
   * Runs the scheduler's waits, in due order, until {@code future} completes: the HTTP attempts
   * happen for real on loopback, the waits in fake time. Returns the token or throws the failure's
   * cause.
   */
  static AccessToken drive(ManualScheduler scheduler, CompletableFuture<AccessToken> future) {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!future.isDone()) {
      if (!scheduler.runNext()) {
        pause(deadline, "the token future to complete");
      }
    }
    return join(future);
  }

  /** Waits in real time (bounded) until {@code condition} holds. */
  static void awaitTrue(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.getAsBoolean()) {
      pause(deadline, what);
    }
  }

  /**
   * The token, or the failure's cause rethrown as is (an {@link OAuthException} for the SDK's
   * contract).
   */
  static AccessToken join(CompletableFuture<AccessToken> future) {
    try {
      return future.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      throw new AssertionError("failed with a checked exception", cause);
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("no token within " + PATIENCE, e);
    }
  }

  private static void pause(long deadline, String what) {
    if (System.nanoTime() > deadline) {
      throw new AssertionError("gave up waiting for " + what + " after " + PATIENCE);
    }
    try {
      Thread.sleep(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
