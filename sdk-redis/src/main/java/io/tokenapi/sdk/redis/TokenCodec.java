package io.tokenapi.sdk.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenapi.sdk.AccessToken;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token as the small JSON document that is encrypted into the store: {@code
 * {"value","tokenType","expiresAt" (epoch ms),"scope","additionalFields"}}.
 */
final class TokenCodec {
  private static final TypeReference<LinkedHashMap<String, Object>> PLAIN_MAP =
      new TypeReference<>() {};
  // Floats as BigDecimal, as the core parses token responses, so additional fields survive the
  // round trip as-is.
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private TokenCodec() {}

  static byte[] encode(AccessToken token) {
    ObjectNode json = MAPPER.createObjectNode();
    json.put("value", token.value());
    json.put("tokenType", token.tokenType());
    json.put("expiresAt", token.expiresAt().toEpochMilli());
    token.scope().ifPresent(scope -> json.put("scope", scope));
    if (!token.additionalFields().isEmpty()) {
      json.set("additionalFields", MAPPER.valueToTree(token.additionalFields()));
    }
    try {
      return MAPPER.writeValueAsBytes(json);
    } catch (JsonProcessingException e) {
      // Additional fields are plain Java values parsed from JSON, so they always serialize.
      throw new IllegalStateException(
          "token could not be serialized (" + e.getClass().getSimpleName() + ")", e);
    }
  }

  /**
   * The token in {@code json}.
   *
   * @throws IOException when the document is not a token this class wrote
   */
  static AccessToken decode(byte[] json) throws IOException {
    JsonNode node = MAPPER.readTree(json);
    if (node == null
        || !node.isObject()
        || !node.path("value").isTextual()
        || !node.path("expiresAt").canConvertToExactIntegral()) {
      throw new IOException("not a stored token document");
    }
    Map<String, Object> additional =
        node.path("additionalFields").isObject()
            ? MAPPER.convertValue(node.get("additionalFields"), PLAIN_MAP)
            : null;
    try {
      return new AccessToken(
          node.get("value").textValue(),
          node.path("tokenType").textValue(),
          Instant.ofEpochMilli(node.get("expiresAt").longValue()),
          node.path("scope").textValue(),
          additional);
    } catch (IllegalArgumentException e) {
      throw new IOException("stored token document is invalid", e);
    }
  }
}
