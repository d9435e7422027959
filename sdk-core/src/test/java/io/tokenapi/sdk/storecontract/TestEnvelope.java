package io.tokenapi.sdk.storecontract;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.tokenapi.sdk.AccessToken;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A stand-in for the shared store envelope in store tests, until that envelope is in this build:
 * the same operations (seal with store-clock times and a fence, bound to a key id and a store key),
 * readable JSON instead of ciphertext. It refuses entries of another key id or store key, so the
 * stores' "unreadable entry" paths are exercised; it does not encrypt.
 */
public final class TestEnvelope {
  private static final String PREFIX = "test-envelope.";
  private static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

  private final String keyId;

  /**
   * An envelope for {@code keyId}.
   *
   * @param keyId entries of another key id do not open
   */
  public TestEnvelope(String keyId) {
    this.keyId = keyId;
  }

  /**
   * The entry for {@code token} under {@code storeKey}.
   *
   * @param storeKey the store key it is bound to
   * @param token the token
   * @param issuedAt store clock, epoch ms
   * @param expiresAt store clock, epoch ms
   * @param fence the entry's fence
   * @return the sealed entry
   */
  public String seal(
      String storeKey, AccessToken token, long issuedAt, long expiresAt, long fence) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("keyId", keyId);
    doc.put("storeKey", storeKey);
    doc.put("value", token.value());
    doc.put("tokenType", token.tokenType());
    doc.put("scope", token.scope().orElse(null));
    doc.put("additionalFields", token.additionalFields());
    doc.put("issuedAt", issuedAt);
    doc.put("expiresAt", expiresAt);
    doc.put("fence", fence);
    try {
      return PREFIX + Base64.getEncoder().encodeToString(MAPPER.writeValueAsBytes(doc));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The entry in {@code sealed}.
   *
   * @param storeKey the store key it must be bound to
   * @param sealed the sealed entry
   * @return the entry
   * @throws GeneralSecurityException when it is not an entry of this key id for {@code storeKey}
   */
  public Entry open(String storeKey, String sealed) throws GeneralSecurityException {
    if (!sealed.startsWith(PREFIX)) {
      throw new GeneralSecurityException("not a test envelope");
    }
    JsonNode doc;
    try {
      doc =
          MAPPER.readTree(
              Base64.getDecoder()
                  .decode(
                      sealed
                          .substring(PREFIX.length())
                          .trim()
                          .getBytes(StandardCharsets.US_ASCII)));
    } catch (java.io.IOException | IllegalArgumentException e) {
      throw new GeneralSecurityException("corrupt test envelope");
    }
    if (doc == null
        || !keyId.equals(doc.path("keyId").textValue())
        || !storeKey.equals(doc.path("storeKey").textValue())
        || !doc.path("value").isTextual()) {
      throw new GeneralSecurityException("another key id or store key");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> additional = MAPPER.convertValue(doc.path("additionalFields"), Map.class);
    long expiresAt = doc.path("expiresAt").longValue();
    AccessToken token =
        new AccessToken(
            doc.path("value").textValue(),
            doc.path("tokenType").textValue(),
            Instant.ofEpochMilli(expiresAt),
            doc.path("scope").textValue(),
            additional);
    return new Entry(
        token, doc.path("issuedAt").longValue(), expiresAt, doc.path("fence").longValue());
  }

  /** An opened entry; times on the store's clock. */
  public static final class Entry {
    private final AccessToken token;
    private final long issuedAt;
    private final long expiresAt;
    private final long fence;

    Entry(AccessToken token, long issuedAt, long expiresAt, long fence) {
      this.token = token;
      this.issuedAt = issuedAt;
      this.expiresAt = expiresAt;
      this.fence = fence;
    }

    /**
     * The token; {@code expiresAt} as written.
     *
     * @return the token
     */
    public AccessToken token() {
      return token;
    }

    /**
     * Store clock, epoch ms.
     *
     * @return when written
     */
    public long issuedAt() {
      return issuedAt;
    }

    /**
     * Store clock, epoch ms.
     *
     * @return when it expires
     */
    public long expiresAt() {
      return expiresAt;
    }

    /**
     * The fence.
     *
     * @return the fence
     */
    public long fence() {
      return fence;
    }
  }
}
