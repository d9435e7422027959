package io.tokenapi.testkit;

import static io.tokenapi.testkit.TestHttp.requestToken;
import static io.tokenapi.testkit.TestHttp.tokenRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tokenapi.testkit.TestHttp.Reply;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** One-shot scripted answers and faults. */
class FakeTokenServerScriptTest {

  @AutoClose private final FakeTokenServer server = new FakeTokenServer().start();

  @Test
  void enqueueConflict_answers409WithProviderEnvelopeOnce() {
    server.enqueueConflict();

    Reply conflict = requestToken(server);
    Reply next = requestToken(server);

    assertThat(conflict.status()).isEqualTo(409);
    assertThat(conflict.header("Content-Type")).isEqualTo("application/json");
    JsonNode json = conflict.json();
    assertThat(json.get("errorId").asText()).isEqualTo("fake-error-1");
    assertThat(json.get("code").asText()).isEqualTo("CONFLICT");
    assertThat(json.get("text").asText())
        .isEqualTo("Action could not be completed because of conflict.");
    assertThat(json.has("parameter_name")).isFalse();
    assertThat(next.status()).isEqualTo(200);
    assertThat(server.issuedTokens()).hasSize(1);
  }

  @Test
  void enqueueServerError_answers500() {
    server.enqueueServerError();

    Reply reply = requestToken(server);

    assertThat(reply.status()).isEqualTo(500);
    assertThat(reply.json().get("code").asText()).isEqualTo("INTERNAL_SERVER_ERROR");
  }

  @Test
  void enqueueError_withParameter_writesTheFullEnvelope() {
    server.enqueueError(409, "DUPLICATE", "Already exists.", "client_id", 42);

    JsonNode json = requestToken(server).json();

    assertThat(json.get("code").asText()).isEqualTo("DUPLICATE");
    assertThat(json.get("parameter_name").asText()).isEqualTo("client_id");
    assertThat(json.get("parameter_value").isNumber()).isTrue();
    assertThat(json.get("parameter_value").asInt()).isEqualTo(42);
  }

  @Test
  void scriptedAnswers_areServedInOrderWhateverTheCredentials() {
    server.enqueueServerError().enqueueConflict();

    assertThat(TestHttp.postJson(server.tokenUrl(), "nobody", "nothing").status()).isEqualTo(500);
    assertThat(requestToken(server).status()).isEqualTo(409);
    assertThat(requestToken(server).status()).isEqualTo(200);
    assertThat(server.scriptedAnswersRemaining()).isZero();
  }

  @Test
  void enqueueClosed_withDuration_sendsRetryAfterDeltaSecondsRoundedUp() {
    server.enqueueClosed(Duration.ofMillis(1500));

    Reply reply = requestToken(server);

    assertThat(reply.status()).isEqualTo(503);
    assertThat(reply.header("Retry-After")).isEqualTo("2");
    assertThat(reply.json().get("code").asText()).isEqualTo(FakeTokenServer.CLOSED_CODE);
    assertThat(reply.json().get("text").asText()).isEqualTo(FakeTokenServer.CLOSED_TEXT);
  }

  @Test
  void enqueueClosed_withoutDuration_sendsNoRetryAfter() {
    server.enqueueClosed();

    Reply reply = requestToken(server);

    assertThat(reply.status()).isEqualTo(503);
    assertThat(reply.header("Retry-After")).isNull();
  }

  @Test
  void enqueueClosedUntil_sendsRetryAfterAsImfFixdate() {
    server.enqueueClosedUntil(Instant.parse("2025-06-02T08:00:00.750Z"));

    Reply reply = requestToken(server);

    assertThat(reply.status()).isEqualTo(503);
    assertThat(reply.header("Retry-After")).isEqualTo("Mon, 02 Jun 2025 08:00:00 GMT");
    assertThat(
            ZonedDateTime.parse(reply.header("Retry-After"), DateTimeFormatter.RFC_1123_DATE_TIME)
                .toInstant())
        .isEqualTo(Instant.parse("2025-06-02T08:00:00Z"));
  }

  @Test
  void enqueueResponse_sendsRawAnswerAndDefaultsContentTypeToJson() {
    server
        .enqueueResponse(502, Map.of("Content-Type", "text/html"), "<html>bad gateway</html>")
        .enqueueResponse(
            200, Map.of("X-Trace", "abc"), "{\"access_token\":\"custom\",\"extra\":true}");

    Reply html = requestToken(server);
    Reply custom = requestToken(server);

    assertThat(html.status()).isEqualTo(502);
    assertThat(html.header("Content-Type")).isEqualTo("text/html");
    assertThat(html.body()).isEqualTo("<html>bad gateway</html>");
    assertThat(custom.header("Content-Type")).isEqualTo("application/json");
    assertThat(custom.header("X-Trace")).isEqualTo("abc");
    assertThat(custom.json().get("extra").asBoolean()).isTrue();
    assertThat(server.issuedTokens()).isEmpty();
  }

  @Test
  void enqueueDelay_holdsTheHeadersThenAnswersNormally() {
    server.enqueueDelay(Duration.ofMillis(300));

    long start = System.nanoTime();
    Reply reply = requestToken(server);
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

    assertThat(reply.status()).isEqualTo(200);
    assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    assertThat(server.issuedTokens()).hasSize(1);
  }

  @Test
  void enqueueDelay_longerThanTheReadTimeout_makesTheClientTimeOut() {
    server.enqueueDelay(Duration.ofSeconds(1));
    OkHttpClient impatient =
        TestHttp.CLIENT.newBuilder().readTimeout(Duration.ofMillis(100)).build();

    assertThatThrownBy(() -> TestHttp.execute(impatient, tokenRequest(server)))
        .isInstanceOf(UncheckedIOException.class)
        .hasCauseInstanceOf(InterruptedIOException.class);
    assertThat(requestToken(server).status()).isEqualTo(200);
  }

  @Test
  void enqueueDisconnect_closesTheConnectionWithoutAnswerOrToken() {
    server.enqueueDisconnect();

    assertThatThrownBy(() -> requestToken(server))
        .isInstanceOf(UncheckedIOException.class)
        .hasCauseInstanceOf(IOException.class);
    assertThat(server.requestCount()).isEqualTo(1);
    assertThat(server.issuedTokens()).isEmpty();
    assertThat(requestToken(server).status()).isEqualTo(200);
  }

  @Test
  void enqueueDisconnectDuringBody_sendsHeadersThenBreaksTheBody() throws IOException {
    server.enqueueDisconnectDuringBody();

    try (Response response = TestHttp.CLIENT.newCall(tokenRequest(server)).execute()) {
      assertThat(response.code()).isEqualTo(200);
      assertThatThrownBy(() -> response.body().string()).isInstanceOf(IOException.class);
    }
    assertThat(requestToken(server).status()).isEqualTo(200);
  }

  @Test
  void enqueueTruncatedJson_sendsAWellFramedHalfBody() {
    server.enqueueTruncatedJson();

    Reply reply = requestToken(server);

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header("Content-Length")).isEqualTo(Integer.toString(reply.body().length()));
    assertThat(reply.body()).startsWith("{\"access_token\":\"fake-token-1\"");
    assertThatThrownBy(reply::json).isInstanceOf(UncheckedIOException.class);
    assertThat(requestToken(server).status()).isEqualTo(200);
  }

  @Test
  void enqueue_rejectsBadArguments() {
    assertThatThrownBy(() -> server.enqueueError(99, "X", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> server.enqueueError(600, "X", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> server.enqueueClosed(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> server.enqueueDelay(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> server.enqueueResponse(200, Map.of(), null))
        .hasMessage("body == null");
    assertThat(server.scriptedAnswersRemaining()).isZero();
  }
}
