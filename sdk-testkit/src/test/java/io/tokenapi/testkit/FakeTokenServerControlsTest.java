package io.tokenapi.testkit;

import static io.tokenapi.testkit.TestHttp.requestToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenapi.testkit.TestHttp.Reply;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Holding, standing failures, delays and waiting for requests. */
class FakeTokenServerControlsTest {
  private final FakeTokenServer server = new FakeTokenServer().start();

  @AfterEach
  void close() {
    server.close();
  }

  @Test
  void holdAnswers_keepsTheRequestCountedButUnanswered_untilReleased() throws Exception {
    server.holdAnswers();
    CompletableFuture<Reply> reply = CompletableFuture.supplyAsync(() -> requestToken(server));

    server.awaitRequestCount(1);
    assertThat(server.requestCount()).isEqualTo(1);
    assertThat(reply).isNotDone();
    assertThat(server.issuedTokens()).isEmpty();

    server.releaseAnswers();
    assertThat(reply.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
    assertThat(server.issuedTokens()).containsExactly("fake-token-1");
  }

  @Test
  void heldAnswer_isChosenAtRelease_fromTheScriptOfThatMoment() throws Exception {
    server.holdAnswers();
    CompletableFuture<Reply> reply = CompletableFuture.supplyAsync(() -> requestToken(server));
    server.awaitRequestCount(1);

    server.enqueueConflict().releaseAnswers();

    assertThat(reply.get(5, TimeUnit.SECONDS).status()).isEqualTo(409);
  }

  @Test
  void close_sendsHeldAnswers_soNoCallerHangs() throws Exception {
    server.holdAnswers();
    CompletableFuture<Reply> reply =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return requestToken(server);
              } catch (RuntimeException e) {
                return null; // the connection closing is an answer too
              }
            });
    server.awaitRequestCount(1);

    long start = System.nanoTime();
    server.close();
    reply.get(5, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FakeTokenServer.MAX_HOLD);
  }

  @Test
  void failEveryRequest_answersTheErrorUntilStopFailing_afterTheScript() {
    server.enqueueServerError().failEveryRequest(503, "DOWN", "Down for maintenance.");

    assertThat(requestToken(server).status()).isEqualTo(500);
    Reply failing = requestToken(server);
    assertThat(failing.status()).isEqualTo(503);
    assertThat(failing.json().get("code").asText()).isEqualTo("DOWN");
    assertThat(failing.json().get("errorId").asText()).startsWith("fake-error-");
    assertThat(requestToken(server).status()).isEqualTo(503);

    server.stopFailing();
    assertThat(requestToken(server).status()).isEqualTo(200);
    assertThat(server.issuedTokens()).containsExactly("fake-token-1");
  }

  @Test
  void failEveryRequest_rejectsBadArguments() {
    assertThatThrownBy(() -> server.failEveryRequest(99, "X", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("100..599");
    assertThatThrownBy(() -> server.failEveryRequest(500, null, "x"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("code == null");
  }

  @Test
  void delayAnswers_delaysEachAnswer_untilSetToZero() {
    server.delayAnswers(Duration.ofMillis(300));
    long start = System.nanoTime();
    assertThat(requestToken(server).status()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(300));

    server.delayAnswers(Duration.ZERO);
    assertThat(requestToken(server).status()).isEqualTo(200);
    assertThatThrownBy(() -> server.delayAnswers(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void awaitRequestCount_failsWithTheCount_whenTooFewArrive() {
    requestToken(server);

    assertThatThrownBy(() -> server.awaitRequestCount(2, Duration.ofMillis(50)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Expected 2 requests within PT0.05S, got 1");
  }

  @Test
  void reset_endsHoldFailureAndDelay() throws Exception {
    server.holdAnswers().failEveryRequest(500, "X", "x").delayAnswers(Duration.ofSeconds(5));

    server.reset();

    long start = System.nanoTime();
    assertThat(requestToken(server).status()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }
}
