package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenapi.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okio.Buffer;
import org.junit.jupiter.api.Test;

/** How success bodies become tokens, and how bodies that are not tokens fail. */
class TokenResponseTest {
  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

  @StartStop final MockWebServer server = new MockWebServer();
  private final MutableClock clock = new MutableClock(NOW);

  private OAuthClient client() {
    return OAuthClient.builder()
        .baseUrl(server.url("/").toString())
        .clientId("id")
        .clientSecret("the-secret")
        .clock(clock)
        .retryPolicy(RetryPolicy.none())
        .build();
  }

  private AccessToken fetch(String contentType, String body) {
    MockResponse.Builder r = new MockResponse.Builder().body(body);
    if (contentType != null) {
      r.setHeader("Content-Type", contentType);
    }
    server.enqueue(r.build());
    try (OAuthClient client = client()) {
      return client.getToken();
    }
  }

  @Test
  void snakeCaseBody_isParsed() {
    AccessToken t =
        fetch(
            "application/json",
            "{\"access_token\":\"abc\",\"token_type\":\"Bearer\",\"expires_in\":3600,\"scope\":\"payments\"}");

    assertThat(t.value()).isEqualTo("abc");
    assertThat(t.tokenType()).isEqualTo("Bearer");
    assertThat(t.expiresAt()).isEqualTo(NOW.plusSeconds(3600));
    assertThat(t.scope()).contains("payments");
    assertThat(t.authorizationHeader()).isEqualTo("Bearer abc");
    assertThat(t.additionalFields()).isEmpty();
  }

  @Test
  void camelCaseBody_isParsed() {
    AccessToken t =
        fetch(
            "application/json",
            "{\"accessToken\":\"abc\",\"tokenType\":\"bearer\",\"expiresIn\":60}");

    assertThat(t.value()).isEqualTo("abc");
    assertThat(t.tokenType()).isEqualTo("bearer");
    assertThat(t.expiresAt()).isEqualTo(NOW.plusSeconds(60));
  }

  @Test
  void expiresIn_asNumericString_isAccepted() {
    AccessToken t = fetch("application/json", "{\"access_token\":\"abc\",\"expires_in\":\"120\"}");

    assertThat(t.expiresAt()).isEqualTo(NOW.plusSeconds(120));
  }

  @Test
  void expiresIn_fractional_keepsMilliseconds() {
    AccessToken t = fetch("application/json", "{\"access_token\":\"abc\",\"expires_in\":1.5}");

    assertThat(t.expiresAt()).isEqualTo(NOW.plusMillis(1500));
  }

  @Test
  void expiresIn_huge_isClampedNotOverflowed() {
    AccessToken t = fetch("application/json", "{\"access_token\":\"abc\",\"expires_in\":1e300}");

    assertThat(t.expiresAt())
        .isEqualTo(NOW.plusSeconds(TokenResponseParser.MAX_EXPIRES_IN_SECONDS));
  }

  @Test
  void noExpiry_usesDefaultTokenLifetime() {
    AccessToken t = fetch("application/json", "{\"access_token\":\"abc\"}");

    assertThat(t.expiresAt()).isEqualTo(NOW.plus(OAuthClient.DEFAULT_TOKEN_LIFETIME));
    assertThat(t.tokenType()).isEqualTo("Bearer");
  }

  @Test
  void noExpiry_withConfiguredDefaultLifetime_usesIt() {
    server.enqueue(new MockResponse.Builder().body("{\"access_token\":\"abc\"}").build());
    try (OAuthClient client =
        OAuthClient.builder()
            .baseUrl(server.url("/").toString())
            .clientId("id")
            .clientSecret("s")
            .clock(clock)
            .defaultTokenLifetime(Duration.ofMinutes(42))
            .build()) {
      assertThat(client.getToken().expiresAt()).isEqualTo(NOW.plus(Duration.ofMinutes(42)));
    }
  }

  @Test
  void unknownFields_areKeptAsPlainJava() {
    AccessToken t =
        fetch(
            "application/json",
            "{\"access_token\":\"abc\",\"expires_in\":60,\"refresh_expires_in\":0,\"aud\":[\"a\",\"b\"],"
                + "\"meta\":{\"x\":true,\"y\":null},\"ratio\":0.5}");

    assertThat(t.additionalFields())
        .containsEntry("refresh_expires_in", 0)
        .containsEntry("aud", List.of("a", "b"))
        .containsKey("meta")
        .containsKey("ratio");
    Map<String, Object> meta = new java.util.HashMap<>();
    meta.put("x", true);
    meta.put("y", null);
    assertThat(t.additionalFields().get("meta")).isEqualTo(meta);
  }

  @Test
  void wrongContentType_withJsonBody_isStillAToken() {
    AccessToken t = fetch("text/plain", "{\"access_token\":\"abc\",\"expires_in\":60}");

    assertThat(t.value()).isEqualTo("abc");
  }

  @Test
  void htmlBody_isInvalidResponse_namingTheContentType() {
    assertThatThrownBy(() -> fetch("text/html", "<html>login</html>"))
        .isInstanceOf(InvalidResponseException.class)
        .hasMessageContaining("HTTP 200")
        .hasMessageContaining("not JSON")
        .hasMessageContaining("text/html")
        .hasMessageContaining("baseUrl");
  }

  @Test
  void emptyBody_isInvalidResponse() {
    assertThatThrownBy(() -> fetch("application/json", ""))
        .isInstanceOf(InvalidResponseException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void garbageBody_isInvalidResponse() {
    assertThatThrownBy(() -> fetch("application/json", "{\"access_token\": \"abc\""))
        .isInstanceOf(InvalidResponseException.class);
  }

  @Test
  void jsonArray_isInvalidResponse() {
    assertThatThrownBy(() -> fetch("application/json", "[1,2]"))
        .isInstanceOf(InvalidResponseException.class)
        .hasMessageContaining("not a JSON object");
  }

  @Test
  void missingAccessToken_isInvalidResponse() {
    assertThatThrownBy(() -> fetch("application/json", "{\"token_type\":\"Bearer\"}"))
        .isInstanceOf(InvalidResponseException.class)
        .hasMessageContaining("no access_token");
  }

  @Test
  void nonStringAccessToken_isInvalidResponse() {
    assertThatThrownBy(() -> fetch("application/json", "{\"access_token\":42}"))
        .isInstanceOf(InvalidResponseException.class);
  }

  @Test
  void nonNumericExpiresIn_isInvalidResponse() {
    assertThatThrownBy(
            () -> fetch("application/json", "{\"access_token\":\"a\",\"expires_in\":\"soon\"}"))
        .isInstanceOf(InvalidResponseException.class)
        .hasMessageContaining("expires_in");
  }

  @Test
  void negativeExpiresIn_isInvalidResponse() {
    assertThatThrownBy(
            () -> fetch("application/json", "{\"access_token\":\"a\",\"expires_in\":-5}"))
        .isInstanceOf(InvalidResponseException.class)
        .hasMessageContaining("negative");
  }

  @Test
  void hugeBody_isRefused() {
    StringBuilder big = new StringBuilder("{\"access_token\":\"abc\",\"pad\":\"");
    big.append("x".repeat((int) OAuthClient.DEFAULT_MAX_RESPONSE_BYTES));
    big.append("\"}");
    assertThatThrownBy(() -> fetch("application/json", big.toString()))
        .isInstanceOf(InvalidResponseException.class)
        .hasMessageContaining("larger than " + OAuthClient.DEFAULT_MAX_RESPONSE_BYTES + " bytes");
  }

  @Test
  void hugeChunkedBody_withoutContentLength_isRefused() {
    String big = "{\"access_token\":\"abc\",\"pad\":\"" + "x".repeat(200_000) + "\"}";
    server.enqueue(new MockResponse.Builder().chunkedBody(big, 4096).build());
    try (OAuthClient client = client()) {
      assertThatThrownBy(client::getToken)
          .isInstanceOf(InvalidResponseException.class)
          .hasMessageContaining("larger than");
    }
  }

  @Test
  void gzipBody_thatInflatesPastTheBound_isRefused() throws Exception {
    Buffer gz = new Buffer();
    try (okio.BufferedSink sink = okio.Okio.buffer(new okio.GzipSink(gz))) {
      sink.writeUtf8("{\"access_token\":\"abc\",\"pad\":\"" + "x".repeat(5_000_000) + "\"}");
    }
    assertThat(gz.size()).isLessThan(OAuthClient.DEFAULT_MAX_RESPONSE_BYTES);
    server.enqueue(
        new MockResponse.Builder().addHeader("Content-Encoding", "gzip").body(gz).build());
    try (OAuthClient client = client()) {
      assertThatThrownBy(client::getToken)
          .isInstanceOf(InvalidResponseException.class)
          .hasMessageContaining("larger than");
    }
  }

  @Test
  void deeplyNestedBody_isInvalidResponse_notStackOverflow() {
    String deep = "{\"access_token\":\"abc\",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
    assertThatThrownBy(() -> fetch("application/json", deep))
        .isInstanceOf(InvalidResponseException.class);
  }
}
