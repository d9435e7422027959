package io.tokenapi.sdk;

import static io.tokenapi.sdk.HostileInputs.SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import okhttp3.Headers;

/**
 * Hostile bodies and headers straight into the parsers, without HTTP, so many more cases fit in the
 * time: a success body is a usable token or an {@link InvalidResponseException}, an error body is
 * an {@link ApiError} or nothing, a {@code Retry-After} value is an instant within the bound or
 * nothing. Never another exception, never the secret in a message or an error field.
 */
class TokenResponseParserPropertiesTest {
  static final int TRIES = 2_000;
  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
  private static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);

  private final TokenResponseParser parser =
      new TokenResponseParser(DEFAULT_LIFETIME, Redactor.builder().secret(SECRET).build());

  @Provide
  Arbitrary<byte[]> bodies() {
    return HostileInputs.bodies();
  }

  @Provide
  Arbitrary<String> tokenDocuments() {
    return HostileInputs.tokenDocuments();
  }

  @Provide
  Arbitrary<String> errorDocuments() {
    return HostileInputs.errorDocuments();
  }

  @Provide
  Arbitrary<String> contentTypes() {
    return HostileInputs.contentTypes();
  }

  @Provide
  Arbitrary<String> retryAfterValues() {
    return HostileInputs.retryAfterValues();
  }

  @Property(tries = TRIES, edgeCases = EdgeCasesMode.NONE)
  void parseToken_anyBody_isAUsableTokenOrInvalidResponse(
      @ForAll("bodies") byte[] body, @ForAll("contentTypes") String contentType) {
    assertTokenOrInvalid(body, contentType);
  }

  @Property(tries = TRIES, edgeCases = EdgeCasesMode.NONE)
  void parseToken_tokenShapedDocuments_areAUsableTokenOrInvalidResponse(
      @ForAll("tokenDocuments") String document) {
    assertTokenOrInvalid(document.getBytes(StandardCharsets.UTF_8), "application/json");
  }

  @Property(tries = TRIES, edgeCases = EdgeCasesMode.NONE)
  void parseError_anyBody_isAnErrorOrNull_neverThrows_andNeverHoldsTheSecret(
      @ForAll("bodies") byte[] body) {
    assertErrorOrNull(parser.parseError(body));
  }

  @Property(tries = TRIES, edgeCases = EdgeCasesMode.NONE)
  void parseError_errorShapedDocuments_neverThrow_andNeverHoldTheSecret(
      @ForAll("errorDocuments") String document) {
    assertErrorOrNull(parser.parseError(document.getBytes(StandardCharsets.UTF_8)));
  }

  @Property(tries = TRIES, edgeCases = EdgeCasesMode.NONE)
  void retryAfter_anyValue_isNullOrWithinTheBound(@ForAll("retryAfterValues") String value) {
    Instant at = RetryAfter.parse(value, NOW);
    Statistics.label("outcome").collect(at == null ? "null" : at.equals(NOW) ? "now" : "later");

    if (at != null) {
      assertThat(at).isBetween(NOW, NOW.plus(RetryAfter.MAX));
    }
    String trimmed = value.trim();
    if (!trimmed.isEmpty()
        && trimmed.length() <= 64
        && trimmed.chars().allMatch(c -> c >= '0' && c <= '9')) {
      assertThat(at).as("delta-seconds %s", value).isNotNull();
    }
    if (trimmed.startsWith("-")) {
      assertThat(at).as("a negative delay is garbage, not 'now'").isNull();
    }
  }

  @Example
  void expiresIn_zeroWithAHugeExponent_isAToken_thatExpiresNow() {
    AccessToken token = parse("{\"access_token\":\"abc\",\"expires_in\":0e2147483647}");

    assertThat(token.expiresAt()).isEqualTo(NOW);
  }

  @Example
  void expiresIn_tinyAndHugeExponents_areClampedWithoutArithmeticErrors() {
    assertThat(parse("{\"access_token\":\"abc\",\"expires_in\":1e-999999999}").expiresAt())
        .isEqualTo(NOW);
    assertThat(parse("{\"access_token\":\"abc\",\"expires_in\":\"0e2147483647\"}").expiresAt())
        .isEqualTo(NOW);
    assertThat(parse("{\"access_token\":\"abc\",\"expires_in\":1e2147483647}").expiresAt())
        .isEqualTo(NOW.plusSeconds(TokenResponseParser.MAX_EXPIRES_IN_SECONDS));
  }

  @Example
  void accessToken_thatIsNoValidHeaderValue_isInvalidResponse() {
    for (String value : List.of("tok\\r\\nX-Evil: 1", "tok\\u0000", "t\u00f6k", "tok\\u007f")) {
      assertThatThrownBy(() -> parse("{\"access_token\":\"" + value + "\"}"))
          .as(value)
          .isInstanceOf(InvalidResponseException.class)
          .hasMessageContaining("access_token");
    }
  }

  private AccessToken parse(String json) {
    return parser.parseToken(200, json.getBytes(StandardCharsets.UTF_8), "application/json", NOW);
  }

  private void assertTokenOrInvalid(byte[] body, String contentType) {
    AccessToken token;
    try {
      token = parser.parseToken(200, body, contentType, NOW);
    } catch (InvalidResponseException e) {
      Statistics.label("outcome").collect("InvalidResponseException");
      assertThat(e.statusCode()).isEqualTo(200);
      assertThat(e.getMessage()).doesNotContain(SECRET).hasSizeLessThan(400);
      return;
    }
    Statistics.label("outcome").collect("AccessToken");
    assertUsable(token);
  }

  /** What every caller of getToken() relies on. */
  static void assertUsable(AccessToken token) {
    assertThat(token.value()).isNotBlank();
    assertThat(token.expiresAt())
        .isBetween(NOW, NOW.plusSeconds(TokenResponseParser.MAX_EXPIRES_IN_SECONDS));
    assertThat(token.tokenType()).isNotBlank();
    // The token goes into an Authorization header: OkHttp must accept it there, or every resource
    // call would fail with an IllegalArgumentException far from the token response that caused it.
    new Headers.Builder().add("Authorization", token.authorizationHeader());
  }

  private static void assertErrorOrNull(ApiError error) {
    Statistics.label("outcome").collect(error == null ? "null" : "ApiError");
    if (error == null) {
      return;
    }
    assertThat(error.code() != null || error.text() != null || error.errorId() != null).isTrue();
    assertThat(error.toString()).doesNotContain(SECRET);
    for (String field :
        new String[] {
          error.errorId(), error.code(), error.text(), error.parameterName().orElse(null)
        }) {
      assertThat(String.valueOf(field)).doesNotContain(SECRET);
    }
    assertNoSecretInside(error.parameterValue());
  }

  private static void assertNoSecretInside(Object value) {
    if (value instanceof String) {
      assertThat((String) value).doesNotContain(SECRET);
    } else if (value instanceof List) {
      ((List<?>) value).forEach(TokenResponseParserPropertiesTest::assertNoSecretInside);
    } else if (value instanceof Map) {
      for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
        assertNoSecretInside(e.getKey());
        assertNoSecretInside(e.getValue());
      }
    } else if (value != null) {
      assertThat(value).isInstanceOfAny(Number.class, Boolean.class);
    }
  }
}
