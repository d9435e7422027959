package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tokenapi.testkit.MutableClock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every status the provider documents, and the common others, become the right typed exception. */
class ErrorMappingTest {
  private static final String SECRET = "sup3r-s3cret-value";
  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

  @StartStop final MockWebServer server = new MockWebServer();
  private final MutableClock clock = new MutableClock(NOW);

  private static String envelope(String code, String text) {
    return "{\"errorId\":\"err-123\",\"code\":\""
        + code
        + "\",\"text\":\""
        + text
        + "\","
        + "\"parameter_name\":\"client_secret\",\"parameter_value\":\""
        + SECRET
        + "\"}";
  }

  private OAuthException failWith(MockResponse response) {
    server.enqueue(response);
    try (OAuthClient client =
        OAuthClient.builder()
            .baseUrl(server.url("/").toString())
            .clientId("id")
            .clientSecret(SECRET)
            .clock(clock)
            .retryPolicy(RetryPolicy.none())
            .build()) {
      OAuthException e = catchThrowableOfType(OAuthException.class, client::getToken);
      assertThat(e).isNotNull();
      assertThat(e.getMessage()).doesNotContain(SECRET);
      assertThat(String.valueOf(e)).doesNotContain(SECRET);
      return e;
    }
  }

  private static MockResponse json(int status, String body) {
    return new MockResponse.Builder()
        .code(status)
        .addHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  @Test
  void status409_isConflict_neverRetryable_withParsedEnvelope() {
    OAuthException e = failWith(json(409, envelope("CONFLICT", "Token request in progress")));

    assertThat(e).isInstanceOf(ConflictException.class);
    ConflictException c = (ConflictException) e;
    assertThat(c.statusCode()).isEqualTo(409);
    assertThat(c.isRetryable()).isFalse();
    ApiError error = c.error().orElseThrow();
    assertThat(error.errorId()).isEqualTo("err-123");
    assertThat(error.code()).isEqualTo("CONFLICT");
    assertThat(error.text()).isEqualTo("Token request in progress");
    assertThat(error.parameterName()).contains("client_secret");
    assertThat(error.parameterValue()).isEqualTo(Redactor.REDACTED);
    assertThat(error.toString()).doesNotContain(SECRET);
    assertThat(c.getMessage())
        .contains("409")
        .contains("CONFLICT")
        .contains("err-123")
        .contains("not retried");
  }

  @Test
  void status500_isInternalServerError_retryable() {
    OAuthException e = failWith(json(500, envelope("INTERNAL", "boom")));

    assertThat(e).isInstanceOf(InternalServerErrorException.class);
    assertThat(((ApiException) e).isRetryable()).isTrue();
    assertThat(e.getMessage()).contains("500").contains("INTERNAL").contains("err-123");
  }

  @Test
  void status503_isServiceUnavailable_withRetryAtFromDeltaSeconds() {
    OAuthException e =
        failWith(
            new MockResponse.Builder()
                .code(503)
                .addHeader("Retry-After", "120")
                .body(
                    envelope(
                        "CLOSED", "The server is currently unavailable due to non-working hours."))
                .build());

    assertThat(e).isInstanceOf(ServiceUnavailableException.class);
    ServiceUnavailableException s = (ServiceUnavailableException) e;
    assertThat(s.retryAt()).contains(NOW.plusSeconds(120));
    assertThat(s.error().orElseThrow().code()).isEqualTo("CLOSED");
    assertThat(s.getMessage())
        .contains("503")
        .contains("CLOSED")
        .contains("err-123")
        .contains(NOW.plusSeconds(120).toString());
  }

  @Test
  void status503_withHttpDateRetryAfter_parsesTheDate() {
    OAuthException e =
        failWith(
            new MockResponse.Builder()
                .code(503)
                .addHeader("Retry-After", "Wed, 25 Nov 2026 12:30:00 GMT")
                .build());

    assertThat(((ServiceUnavailableException) e).retryAt())
        .contains(Instant.parse("2026-11-25T12:30:00Z"));
  }

  @Test
  void status503_withGarbageRetryAfter_hasNoRetryAt() {
    OAuthException e =
        failWith(new MockResponse.Builder().code(503).addHeader("Retry-After", "soon-ish").build());

    assertThat(((ServiceUnavailableException) e).retryAt()).isEmpty();
  }

  @Test
  void status503_withoutRetryAfter_outsideWorkingHours_carriesNextOpening() {
    server.enqueue(new MockResponse.Builder().code(503).build());
    WorkingHours hours =
        WorkingHours.of(
            java.time.ZoneOffset.UTC,
            java.time.LocalTime.of(12, 0),
            java.time.LocalTime.of(16, 0),
            java.util.EnumSet.allOf(java.time.DayOfWeek.class));
    try (OAuthClient client =
        OAuthClient.builder()
            .baseUrl(server.url("/").toString())
            .clientId("id")
            .clientSecret(SECRET)
            .clock(clock)
            .workingHours(hours)
            .retryPolicy(RetryPolicy.none())
            .build()) {
      ServiceUnavailableException e =
          catchThrowableOfType(ServiceUnavailableException.class, client::getToken);
      assertThat(e.retryAt()).contains(Instant.parse("2026-11-25T12:00:00Z"));
    }
  }

  @Test
  void rfc6749ErrorBody_isParsedIntoApiError() {
    OAuthException e =
        failWith(
            json(
                401,
                "{\"error\":\"invalid_client\",\"error_description\":\"Client authentication failed\"}"));

    ApiException a = (ApiException) e;
    assertThat(a.getClass()).isEqualTo(ApiException.class);
    assertThat(a.statusCode()).isEqualTo(401);
    assertThat(a.isRetryable()).isFalse();
    assertThat(a.error().orElseThrow().code()).isEqualTo("invalid_client");
    assertThat(a.error().orElseThrow().text()).isEqualTo("Client authentication failed");
    assertThat(a.error().orElseThrow().errorId()).isNull();
    assertThat(a.getMessage())
        .contains("401")
        .contains("invalid_client")
        .contains("client id and secret");
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 401, 403, 404, 418, 422})
  void other4xx_areApiExceptions_notRetryable(int status) {
    OAuthException e = failWith(json(status, envelope("E" + status, "nope")));

    assertThat(e.getClass()).isEqualTo(ApiException.class);
    assertThat(((ApiException) e).statusCode()).isEqualTo(status);
    assertThat(((ApiException) e).isRetryable()).isFalse();
    assertThat(e.getMessage())
        .contains(String.valueOf(status))
        .contains("E" + status)
        .contains("err-123");
  }

  @ParameterizedTest
  @ValueSource(ints = {408, 429, 502, 504})
  void transientStatuses_areRetryableApiExceptions(int status) {
    OAuthException e = failWith(json(status, "{}"));

    assertThat(((ApiException) e).statusCode()).isEqualTo(status);
    assertThat(((ApiException) e).isRetryable()).isTrue();
    assertThat(((ApiException) e).error()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {301, 302, 307, 308})
  void redirects_areNotFollowed_andBecomeApiExceptions(int status) throws Exception {
    OAuthException e =
        failWith(
            new MockResponse.Builder()
                .code(status)
                .addHeader("Location", server.url("/elsewhere").toString())
                .build());

    assertThat(((ApiException) e).statusCode()).isEqualTo(status);
    assertThat(e.getMessage()).contains("never follows redirects");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void errorBodyThatIsNotJson_givesNoApiError_butKeepsTheStatus() {
    OAuthException e =
        failWith(new MockResponse.Builder().code(500).body("<html>oops</html>").build());

    assertThat(e).isInstanceOf(InternalServerErrorException.class);
    assertThat(((ApiException) e).error()).isEmpty();
  }

  @Test
  void secretEchoedInErrorText_isRedacted() {
    OAuthException e =
        failWith(
            json(
                400,
                "{\"code\":\"BAD\",\"text\":\"client_secret "
                    + SECRET
                    + " is invalid\",\"parameter_value\":[\""
                    + SECRET
                    + "\"]}"));

    ApiError error = ((ApiException) e).error().orElseThrow();
    assertThat(error.text()).doesNotContain(SECRET).contains(Redactor.REDACTED);
    assertThat(error.parameterValue()).isEqualTo(List.of(Redactor.REDACTED));
  }

  @Test
  void parameterValue_keepsPlainJavaTypes() {
    OAuthException e =
        failWith(
            json(
                400,
                "{\"code\":\"BAD\",\"parameter_name\":\"limits\",\"parameter_value\":{\"max\":3,\"on\":true}}"));

    assertThat(((ApiException) e).error().orElseThrow().parameterValue())
        .isEqualTo(Map.of("max", 3, "on", true));
  }

  @Test
  void connectionRefused_isTransportException() throws Exception {
    int port;
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    try (OAuthClient client =
        OAuthClient.builder()
            .baseUrl("http://127.0.0.1:" + port)
            .clientId("id")
            .clientSecret(SECRET)
            .retryPolicy(RetryPolicy.none())
            .build()) {
      TransportException e = catchThrowableOfType(TransportException.class, client::getToken);
      assertThat(e.getMessage())
          .contains("127.0.0.1:" + port)
          .contains("Check network access")
          .doesNotContain(SECRET);
      assertThat(e.getCause()).isInstanceOf(java.io.IOException.class);
    }
  }
}
