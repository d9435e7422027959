package io.tokenapi.sdk.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.StoredToken;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The one encrypted form of a stored token, shared by every store (Redis, file, JDBC, Spring).
 *
 * <pre>
 *   base64( 0x02 | len(keyId) | keyId (ASCII) | IV (12 bytes) | AES-GCM(plaintext) + tag (16 bytes) )
 *   plaintext = JSON {value, tokenType, scope, additionalFields, issuedAt, expiresAt, fence}
 *   AAD       = "tokenapi-token-v2" 0x00 keyId 0x00 storeKey
 * </pre>
 *
 * <ul>
 *   <li>The key id in clear picks the decryption key (rotation); it is also authenticated, so an
 *       entry cannot be relabelled.
 *   <li>The store key in the AAD binds an entry to the client it is for: a ciphertext copied under
 *       another key name does not decrypt.
 *   <li>{@code issuedAt} and {@code expiresAt} are on the <em>store's</em> clock (Redis {@code
 *       TIME}, the database's {@code CURRENT_TIMESTAMP}, the host's clock for files), so the
 *       writer's clock never reaches a reader: each reader converts them to its own clock with
 *       {@link Entry#toStoredToken}. They are inside the ciphertext, so someone with write access
 *       to the store cannot stretch a token's life.
 *   <li>{@code fence} grows with every save under a key; readers refuse entries older than what
 *       they have seen, so a restored old ciphertext is not taken over a newer or rejected token.
 * </ul>
 *
 * Thread-safe.
 */
public final class TokenEnvelope {
  private static final String TRANSFORMATION = "AES/GCM/NoPadding";
  private static final byte VERSION = 2;
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final byte[] AAD_LABEL = "tokenapi-token-v2".getBytes(StandardCharsets.US_ASCII);
  private static final TypeReference<LinkedHashMap<String, Object>> PLAIN_MAP =
      new TypeReference<>() {};
  // Floats as BigDecimal, as the core parses token responses, so additional fields survive the
  // round trip as-is.
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private final Keyring keys;
  private final SecureRandom random = new SecureRandom();

  /**
   * An envelope over {@code keys}.
   *
   * @param keys the store's keyring
   * @throws IllegalArgumentException if {@code keys} is null
   */
  public TokenEnvelope(Keyring keys) {
    if (keys == null) {
      throw new IllegalArgumentException("keys == null");
    }
    this.keys = keys;
  }

  /**
   * The keyring.
   *
   * @return the keys this envelope uses
   */
  public Keyring keys() {
    return keys;
  }

  /** A trial seal and open with every key of {@code keyring}, so a bad key fails at build(). */
  static void check(Keyring keyring) {
    for (String id : keyring.keyIds()) {
      try {
        byte[] iv = new byte[IV_BYTES];
        SecretKey key = keyring.key(id);
        Cipher c = Cipher.getInstance(TRANSFORMATION);
        c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
        byte[] sealed = c.doFinal(new byte[] {1});
        c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
        c.doFinal(sealed);
      } catch (GeneralSecurityException | RuntimeException e) {
        throw new IllegalStateException(
            "key "
                + id
                + " cannot be used for AES-GCM in this JVM ("
                + e.getClass().getSimpleName()
                + ")",
            e);
      }
    }
  }

  /**
   * Encrypts {@code token} for {@code storeKey} with the encryption key.
   *
   * @param storeKey the client's store key (bound into the AAD)
   * @param token the token; its {@code expiresAt} is not used, {@code expiresAt} below is
   * @param issuedAt when the entry is written, store clock, epoch milliseconds
   * @param expiresAt when the token expires, store clock, epoch milliseconds
   * @param fence the entry's fence (see {@link StoredToken#fence()})
   * @return the sealed entry, printable ASCII
   */
  public String seal(
      String storeKey, AccessToken token, long issuedAt, long expiresAt, long fence) {
    String keyId = keys.encryptionKeyId();
    byte[] id = keyId.getBytes(StandardCharsets.US_ASCII);
    byte[] iv = new byte[IV_BYTES];
    random.nextBytes(iv);
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      cipher.init(Cipher.ENCRYPT_MODE, keys.encryptionKey(), new GCMParameterSpec(TAG_BITS, iv));
      cipher.updateAAD(aad(keyId, storeKey));
      byte[] sealed = cipher.doFinal(encode(token, issuedAt, expiresAt, fence));
      ByteBuffer out = ByteBuffer.allocate(2 + id.length + IV_BYTES + sealed.length);
      out.put(VERSION).put((byte) id.length).put(id).put(iv).put(sealed);
      return Base64.getEncoder().encodeToString(out.array());
    } catch (GeneralSecurityException e) {
      // Checked at build() with a trial seal: reaching this means the JCE provider changed.
      throw new IllegalStateException(
          "AES-GCM encryption failed (" + e.getClass().getSimpleName() + ")", e);
    }
  }

  /**
   * Decrypts an entry written by {@link #seal} under {@code storeKey}.
   *
   * @param storeKey the client's store key
   * @param sealed the entry
   * @return the entry's contents
   * @throws UnreadableEntryException when the entry is not ours: bad encoding, unknown version or
   *     key id, wrong key, tampered with, stored under another store key, or not a token document
   */
  public Entry open(String storeKey, String sealed) throws UnreadableEntryException {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(sealed);
    } catch (IllegalArgumentException e) {
      throw new UnreadableEntryException("not base64");
    }
    if (bytes.length < 2 || bytes[0] != VERSION) {
      throw new UnreadableEntryException(
          bytes.length == 0 ? "empty" : "unknown format version " + bytes[0]);
    }
    int idLength = bytes[1] & 0xff;
    int ivStart = 2 + idLength;
    if (idLength == 0 || bytes.length < ivStart + IV_BYTES + TAG_BITS / 8) {
      throw new UnreadableEntryException("too short");
    }
    String keyId = new String(bytes, 2, idLength, StandardCharsets.US_ASCII);
    SecretKey key = keys.key(keyId);
    if (key == null) {
      // The id is printable ASCII we wrote, or garbage: say only that it is unknown.
      throw new UnreadableEntryException("encrypted with a key id this store does not have");
    }
    byte[] plaintext;
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      cipher.init(
          Cipher.DECRYPT_MODE,
          key,
          new GCMParameterSpec(TAG_BITS, Arrays.copyOfRange(bytes, ivStart, ivStart + IV_BYTES)));
      cipher.updateAAD(aad(keyId, storeKey));
      plaintext = cipher.doFinal(bytes, ivStart + IV_BYTES, bytes.length - ivStart - IV_BYTES);
    } catch (GeneralSecurityException e) {
      throw new UnreadableEntryException(
          "does not decrypt (tampered with, or written for another store key)");
    }
    return decode(keyId, plaintext);
  }

  private static byte[] aad(String keyId, String storeKey) {
    byte[] id = keyId.getBytes(StandardCharsets.US_ASCII);
    byte[] name = storeKey.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(AAD_LABEL.length + 1 + id.length + 1 + name.length)
        .put(AAD_LABEL)
        .put((byte) 0)
        .put(id)
        .put((byte) 0)
        .put(name)
        .array();
  }

  private static byte[] encode(AccessToken token, long issuedAt, long expiresAt, long fence) {
    ObjectNode json = MAPPER.createObjectNode();
    json.put("value", token.value());
    json.put("tokenType", token.tokenType());
    token.scope().ifPresent(scope -> json.put("scope", scope));
    if (!token.additionalFields().isEmpty()) {
      json.set("additionalFields", MAPPER.valueToTree(token.additionalFields()));
    }
    json.put("issuedAt", issuedAt);
    json.put("expiresAt", expiresAt);
    json.put("fence", fence);
    try {
      return MAPPER.writeValueAsBytes(json);
    } catch (JsonProcessingException e) {
      // Additional fields are plain Java values parsed from JSON, so they always serialize.
      throw new IllegalStateException(
          "token could not be serialized (" + e.getClass().getSimpleName() + ")", e);
    }
  }

  private static Entry decode(String keyId, byte[] plaintext) throws UnreadableEntryException {
    try {
      JsonNode node = MAPPER.readTree(plaintext);
      if (node == null
          || !node.isObject()
          || !node.path("value").isTextual()
          || !node.path("issuedAt").canConvertToExactIntegral()
          || !node.path("expiresAt").canConvertToExactIntegral()
          || !node.path("fence").canConvertToExactIntegral()) {
        throw new UnreadableEntryException("not a stored token document");
      }
      Map<String, Object> additional =
          node.path("additionalFields").isObject()
              ? MAPPER.convertValue(node.get("additionalFields"), PLAIN_MAP)
              : null;
      long issuedAt = node.get("issuedAt").longValue();
      long expiresAt = node.get("expiresAt").longValue();
      AccessToken token =
          new AccessToken(
              node.get("value").textValue(),
              node.path("tokenType").textValue(),
              Instant.ofEpochMilli(expiresAt),
              node.path("scope").textValue(),
              additional);
      return new Entry(keyId, token, issuedAt, expiresAt, node.get("fence").longValue());
    } catch (IOException | IllegalArgumentException e) {
      throw new UnreadableEntryException("not a stored token document");
    }
  }

  /** A decrypted entry; times on the store's clock. */
  public static final class Entry {
    private final String keyId;
    private final AccessToken token;
    private final long issuedAt;
    private final long expiresAt;
    private final long fence;

    Entry(String keyId, AccessToken token, long issuedAt, long expiresAt, long fence) {
      this.keyId = keyId;
      this.token = token;
      this.issuedAt = issuedAt;
      this.expiresAt = expiresAt;
      this.fence = fence;
    }

    /**
     * The id of the key that wrote the entry.
     *
     * @return the key id
     */
    public String keyId() {
      return keyId;
    }

    /**
     * When the entry was written, store clock, epoch milliseconds.
     *
     * @return the issue time
     */
    public long issuedAt() {
      return issuedAt;
    }

    /**
     * When the token expires, store clock, epoch milliseconds.
     *
     * @return the expiry
     */
    public long expiresAt() {
      return expiresAt;
    }

    /**
     * The entry's fence.
     *
     * @return the fence
     */
    public long fence() {
      return fence;
    }

    /**
     * The token on the reader's clock: its remaining life and age as the store's clock measures
     * them at {@code storeNow}, counted from {@code localNow}. Pass as {@code localNow} the
     * reader's time <em>before</em> it asked the store, so the round trip shortens the token's life
     * rather than stretching it.
     *
     * @param storeNow the store clock when it answered, epoch milliseconds
     * @param localNow the reader's clock before it asked
     * @return the token, or empty when it has expired by the store's clock
     */
    public Optional<StoredToken> toStoredToken(long storeNow, Instant localNow) {
      long remaining = expiresAt - storeNow;
      if (remaining <= 0) {
        return Optional.empty();
      }
      long age = Math.max(0, storeNow - issuedAt);
      AccessToken local =
          new AccessToken(
              token.value(),
              token.tokenType(),
              localNow.plusMillis(remaining),
              token.scope().orElse(null),
              token.additionalFields());
      return Optional.of(StoredToken.of(local, localNow.minusMillis(age), fence));
    }

    /**
     * Describes the entry without the token value.
     *
     * @return a description that is safe to log
     */
    @Override
    public String toString() {
      return "Entry[keyId="
          + keyId
          + ", issuedAt="
          + issuedAt
          + ", expiresAt="
          + expiresAt
          + ", fence="
          + fence
          + "]";
    }
  }

  /** An entry that is not a token this store wrote; its message is safe to log. */
  public static final class UnreadableEntryException extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * An unreadable entry.
     *
     * @param reason why, without the entry's content
     */
    public UnreadableEntryException(String reason) {
      super("unreadable token store entry: " + reason);
    }
  }
}
