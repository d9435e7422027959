package io.tokenapi.sdk.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AES keys of a token store: one encryption key, written into every new entry with its key id,
 * and any number of decryption keys found by the id an entry carries. Rotation is: every instance
 * adds the new key as a decryption key, then every instance makes it the encryption key (keeping
 * the old one as a decryption key), then the old key is dropped once the entries it wrote expired.
 * Same shape as a Tink keyset (primary key plus others, key id in the ciphertext prefix).
 *
 * <p>Every store builder (Redis, file, JDBC, Spring) takes its keys through a {@link Builder}, so
 * the setters, their checks and their messages are the same everywhere. Immutable; {@link
 * #toString()} names key ids and sizes, never key material.
 */
public final class Keyring {
  /** Longest key id: {@value} characters. */
  public static final int MAX_KEY_ID_LENGTH = 64;

  private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  private final String encryptionKeyId;
  private final Map<String, SecretKey> keys;
  private final int encryptionKeyBits;

  private Keyring(Builder b) {
    this.encryptionKeyId = b.encryptionKeyId;
    this.keys = Collections.unmodifiableMap(new LinkedHashMap<>(b.keys));
    this.encryptionKeyBits = bits(b.keys.get(b.encryptionKeyId));
  }

  /**
   * A new builder.
   *
   * @return a builder without keys
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The id written into new entries.
   *
   * @return the encryption key's id
   */
  public String encryptionKeyId() {
    return encryptionKeyId;
  }

  /**
   * Every key id this keyring decrypts, the encryption key's first.
   *
   * @return the key ids
   */
  public Set<String> keyIds() {
    return keys.keySet();
  }

  SecretKey encryptionKey() {
    return keys.get(encryptionKeyId);
  }

  /** The key with this id, or null. */
  SecretKey key(String keyId) {
    return keys.get(keyId);
  }

  /**
   * Key ids and the cipher, for a store's {@code toString()}, for example {@code AES-256-GCM,
   * keys=[2026-12 (encrypts), 2026-06]}.
   *
   * @return a description without key material
   */
  @Override
  public String toString() {
    StringBuilder s =
        new StringBuilder(encryptionKeyBits > 0 ? "AES-" + encryptionKeyBits + "-GCM" : "AES-GCM");
    s.append(", keys=[");
    boolean first = true;
    for (String id : keys.keySet()) {
      s.append(first ? "" : ", ")
          .append(id)
          .append(id.equals(encryptionKeyId) ? " (encrypts)" : "");
      first = false;
    }
    return s.append(']').toString();
  }

  private static int bits(SecretKey key) {
    byte[] encoded = key.getEncoded();
    return encoded == null ? 0 : encoded.length * 8;
  }

  /**
   * The id of a key given without one: {@code "k-"} and 8 hex digits of HMAC-SHA256(key, label),
   * stable across instances and restarts, and revealing nothing usable about a 128-bit key.
   */
  static String derivedKeyId(SecretKey key) {
    byte[] encoded = key.getEncoded();
    if (encoded == null) {
      throw new IllegalArgumentException(
          "key does not export its bytes (a hardware or KMS key?): pass a key id with"
              + " encryptionKey(String keyId, SecretKey key)");
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(encoded, "HmacSHA256"));
      byte[] id = mac.doFinal("tokenapi token store key id".getBytes(StandardCharsets.US_ASCII));
      return "k-" + HexFormat.of().formatHex(id, 0, 4);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }

  /** Collects keys; the same setters on every store builder delegate here. */
  public static final class Builder {
    private final Map<String, SecretKey> keys = new LinkedHashMap<>();
    private String encryptionKeyId;

    private Builder() {}

    /**
     * The AES key that encrypts new entries, with an id derived from the key ({@code k-} and 8 hex
     * digits), so instances given the same key agree on its id.
     *
     * @param key an AES key of 128, 192 or 256 bits
     * @return this builder
     * @throws IllegalArgumentException if {@code key} is null, not AES, of another size, does not
     *     export its bytes (then pass an id), or a different key has the same id
     */
    public Builder encryptionKey(SecretKey key) {
      checkKey(key, "encryptionKey");
      return encryptionKey(derivedKeyId(key), key);
    }

    /**
     * The AES key that encrypts new entries, and its id, which every entry it writes carries.
     *
     * @param keyId 1 to 64 characters of {@code A-Z a-z 0-9 . _ : -}, for example {@code "2026-12"}
     * @param key an AES key of 128, 192 or 256 bits
     * @return this builder
     * @throws IllegalArgumentException if an argument is null or invalid, or a different key has
     *     the same id
     */
    public Builder encryptionKey(String keyId, SecretKey key) {
      put(keyId, key, "encryptionKey");
      this.encryptionKeyId = keyId;
      return this;
    }

    /**
     * A key that only decrypts, with an id derived from the key as in {@link
     * #encryptionKey(SecretKey)}: the previous key during a rotation.
     *
     * @param key an AES key of 128, 192 or 256 bits
     * @return this builder
     * @throws IllegalArgumentException as {@link #encryptionKey(SecretKey)}
     */
    public Builder decryptionKey(SecretKey key) {
      checkKey(key, "decryptionKey");
      return decryptionKey(derivedKeyId(key), key);
    }

    /**
     * A key that only decrypts entries carrying {@code keyId}: the previous key during a rotation,
     * or the next one before it starts encrypting. Repeatable.
     *
     * @param keyId the id the entries carry
     * @param key an AES key of 128, 192 or 256 bits
     * @return this builder
     * @throws IllegalArgumentException as {@link #encryptionKey(String, SecretKey)}
     */
    public Builder decryptionKey(String keyId, SecretKey key) {
      put(keyId, key, "decryptionKey");
      return this;
    }

    /**
     * Whether an encryption key was set.
     *
     * @return true once {@code encryptionKey} was called
     */
    public boolean hasEncryptionKey() {
      return encryptionKeyId != null;
    }

    /**
     * The keyring, after a trial encryption with every key.
     *
     * @return the keyring
     * @throws IllegalStateException if no encryption key was set, or a key cannot be used for
     *     AES-GCM in this JVM
     */
    public Keyring build() {
      if (encryptionKeyId == null) {
        throw new IllegalStateException(
            "encryptionKey is required: token values are encrypted at rest with the application's"
                + " AES key (encryptionKey(SecretKey) or encryptionKey(String keyId, SecretKey))");
      }
      Keyring keyring = new Keyring(this);
      TokenEnvelope.check(keyring);
      return keyring;
    }

    private void put(String keyId, SecretKey key, String setter) {
      if (keyId == null) {
        throw new IllegalArgumentException(setter + " keyId == null");
      }
      if (!KEY_ID.matcher(keyId).matches()) {
        throw new IllegalArgumentException(
            setter
                + " keyId must be 1 to "
                + MAX_KEY_ID_LENGTH
                + " characters of A-Z a-z 0-9 . _ : -, for example \"2026-12\"");
      }
      checkKey(key, setter);
      SecretKey known = keys.get(keyId);
      if (known != null && !sameKey(known, key)) {
        throw new IllegalArgumentException(
            setter + ": key id " + keyId + " is already used by a different key");
      }
      keys.put(keyId, key);
    }

    private static boolean sameKey(SecretKey a, SecretKey b) {
      byte[] x = a.getEncoded();
      byte[] y = b.getEncoded();
      return x == null || y == null ? a.equals(b) : java.security.MessageDigest.isEqual(x, y);
    }

    private static void checkKey(SecretKey key, String setter) {
      if (key == null) {
        throw new IllegalArgumentException(setter + " == null");
      }
      if (!"AES".equalsIgnoreCase(key.getAlgorithm())) {
        throw new IllegalArgumentException(
            setter
                + " must be an AES key, not "
                + key.getAlgorithm()
                + ": the store encrypts with AES-GCM");
      }
      int bits = bits(key);
      // A key from a hardware module may not export its bytes: build() checks it with a trial
      // encryption.
      if (bits != 0 && bits != 128 && bits != 192 && bits != 256) {
        throw new IllegalArgumentException(
            setter + " must be 128, 192 or 256 bits long, not " + bits + " bits");
      }
    }
  }
}
