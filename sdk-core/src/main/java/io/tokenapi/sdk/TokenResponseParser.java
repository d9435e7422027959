package io.tokenapi.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import io.tokenapi.sdk.internal.SafeText;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Turns a token response body into an {@link AccessToken}, or an error body into an {@link
 * ApiError}.
 */
final class TokenResponseParser {
  /** Ten years: a longer {@code expires_in} is clamped, so no arithmetic can overflow. */
  static final long MAX_EXPIRES_IN_SECONDS = 10L * 365 * 24 * 3600;

  private static final Set<String> KNOWN_FIELDS =
      Set.of(
          "access_token",
          "accessToken",
          "token_type",
          "tokenType",
          "expires_in",
          "expiresIn",
          "scope");

  private final Duration defaultLifetime;
  private final Redactor redactor;

  TokenResponseParser(Duration defaultLifetime, Redactor redactor) {
    this.defaultLifetime = defaultLifetime;
    this.redactor = redactor;
  }

  /**
   * The token in a success body.
   *
   * @param requestedAt when the token request was sent: {@code expires_in} counts from there
   */
  AccessToken parseToken(int status, byte[] body, String contentType, Instant requestedAt) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body);
    } catch (IOException | RuntimeException e) {
      throw invalid(status, "the body is not JSON" + describe(contentType, body), null);
    }
    if (root == null || !root.isObject()) {
      throw invalid(status, "the body is not a JSON object" + describe(contentType, body), null);
    }
    JsonNode value = field(root, "access_token", "accessToken");
    if (value == null || !value.isTextual() || value.textValue().isBlank()) {
      throw invalid(status, "the body has no access_token", null);
    }
    if (!isVsChars(value.textValue())) {
      // It could not be sent: OkHttp refuses such a header value, far from the response that caused
      // it.
      throw invalid(
          status,
          "its access_token has characters outside RFC 6749's %x20-7E, so it cannot be sent in"
              + " an Authorization header",
          null);
    }
    String type = bearerType(status, field(root, "token_type", "tokenType"));
    JsonNode scope = root.get("scope");
    Instant expiresAt = requestedAt.plus(lifetime(status, field(root, "expires_in", "expiresIn")));

    Map<String, Object> additional = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      if (!KNOWN_FIELDS.contains(e.getKey())) {
        // toString() lists the names: a server echoing the secret as one must not log it.
        additional.put(redactor.redact(e.getKey()), Json.toPlain(e.getValue()));
      }
    }
    return new AccessToken(
        value.textValue(), type, expiresAt, redactor.redact(scopeText(scope)), additional);
  }

  /** The error document in a non-2xx body, or null when the body is not one. Never throws. */
  ApiError parseError(byte[] body) {
    if (body == null || body.length == 0) {
      return null;
    }
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body);
    } catch (IOException | RuntimeException e) {
      return null;
    }
    if (root == null || !root.isObject()) {
      return null;
    }
    String code = text(field(root, "code", "error"));
    String text = text(field(root, "text", "error_description"));
    String errorId = text(field(root, "errorId", "error_id"));
    String parameterName = text(field(root, "parameter_name", "parameterName"));
    JsonNode parameterValue = field(root, "parameter_value", "parameterValue");
    if (code == null && text == null && errorId == null) {
      return null;
    }
    return new ApiError(
        redactor.redact(errorId),
        redactor.redact(code),
        redactor.redactText(text),
        redactor.redact(parameterName),
        redactor.redactValue(Json.toPlain(parameterValue)));
  }

  private Duration lifetime(int status, JsonNode expiresIn) {
    if (expiresIn == null || expiresIn.isNull()) {
      return defaultLifetime;
    }
    BigDecimal seconds;
    if (expiresIn.isNumber()) {
      seconds = expiresIn.decimalValue();
    } else if (expiresIn.isTextual() && expiresIn.textValue().trim().length() <= 30) {
      try {
        seconds = new BigDecimal(expiresIn.textValue().trim());
      } catch (NumberFormatException e) {
        throw invalid(status, "expires_in is not a number", null);
      }
    } else {
      throw invalid(status, "expires_in is not a number", null);
    }
    if (seconds.signum() < 0) {
      throw invalid(status, "expires_in is negative", null);
    }
    if (seconds.compareTo(BigDecimal.valueOf(MAX_EXPIRES_IN_SECONDS)) > 0) {
      return Duration.ofSeconds(MAX_EXPIRES_IN_SECONDS);
    }
    return Duration.ofMillis(seconds.movePointRight(3).longValue());
  }

  /**
   * The token type when it is Bearer in any case, null when the server named none (the provider's
   * schema has no {@code token_type}). Any other type is refused: RFC 6749 section 7.1 forbids
   * using a token whose type the client does not understand, and a DPoP or MAC token sent as Bearer
   * fails at the resource server, far from the cause.
   */
  private String bearerType(int status, JsonNode type) {
    if (type == null || type.isNull() || (type.isTextual() && type.textValue().isEmpty())) {
      return null;
    }
    if (type.isTextual() && type.textValue().equalsIgnoreCase("Bearer")) {
      return type.textValue();
    }
    throw invalid(
        status,
        "its token_type is \""
            + SafeText.of(
                redactor.redact(type.isTextual() ? type.textValue() : type.toString()), 40)
            + "\", not Bearer, and the SDK sends Bearer tokens only (RFC 6749 7.1): ask for one",
        null);
  }

  /**
   * RFC 6749 appendix A.12: {@code access-token = 1*VSCHAR}, {@code VSCHAR = %x20-7E}: what an HTTP
   * header can carry. The one check for every token the client hands out: the provider's here, a
   * token store's in {@link SharedTokenFetcher}.
   */
  static boolean isVsChars(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7E) {
        return false;
      }
    }
    return true;
  }

  private static String scopeText(JsonNode scope) {
    if (scope == null || scope.isNull()) {
      return null;
    }
    if (scope.isTextual()) {
      return scope.textValue();
    }
    if (scope.isArray()) {
      StringBuilder sb = new StringBuilder();
      for (JsonNode item : scope) {
        if (sb.length() > 0) {
          sb.append(' ');
        }
        sb.append(item.asText());
      }
      return sb.toString();
    }
    return scope.asText();
  }

  private static JsonNode field(JsonNode root, String name, String alternative) {
    JsonNode node = root.get(name);
    return node != null && !node.isNull() ? node : root.get(alternative);
  }

  private static String text(JsonNode node) {
    if (node == null || node.isNull() || node.isContainerNode()) {
      return null;
    }
    return node.asText();
  }

  private static String describe(String contentType, byte[] body) {
    if (body.length == 0) {
      return " (it is empty)";
    }
    if (contentType == null) {
      return "";
    }
    // The header is the server's text: keep it short so a hostile value cannot flood a log line.
    return " (content type " + SafeText.of(contentType, 80) + ")";
  }

  static InvalidResponseException invalid(int status, String what, Throwable cause) {
    return new InvalidResponseException(
        "Token endpoint answered HTTP "
            + status
            + " but "
            + what
            + ": check that baseUrl and tokenPath point at the token API.",
        status,
        cause);
  }
}
