package io.tokenapi.sdk.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-GCM for store entries: a random 12-byte IV per write, a 128-bit tag, and the Redis key name
 * as additional authenticated data, so a ciphertext copied under another key does not decrypt. The
 * sealed form is {@code base64(version || iv || ciphertext+tag)}: printable in {@code redis-cli},
 * and the version byte leaves room for another format later.
 */
final class TokenCipher {
  private static final String TRANSFORMATION = "AES/GCM/NoPadding";
  private static final byte VERSION = 1;
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final int MIN_SEALED_BYTES = 1 + IV_BYTES + TAG_BITS / 8;

  private final SecretKey key;
  private final SecureRandom random = new SecureRandom();

  TokenCipher(SecretKey key) {
    this.key = key;
  }

  String seal(String keyName, byte[] plaintext) {
    byte[] iv = new byte[IV_BYTES];
    random.nextBytes(iv);
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
      cipher.updateAAD(keyName.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(plaintext);
      ByteBuffer out = ByteBuffer.allocate(1 + IV_BYTES + sealed.length);
      out.put(VERSION).put(iv).put(sealed);
      return Base64.getEncoder().encodeToString(out.array());
    } catch (GeneralSecurityException e) {
      // Checked at build() with a trial seal: reaching this means the JCE provider changed under
      // us.
      throw new IllegalStateException(
          "AES-GCM encryption failed (" + e.getClass().getSimpleName() + ")", e);
    }
  }

  /**
   * The plaintext of {@code sealed}.
   *
   * @throws GeneralSecurityException when the entry is not ours: bad encoding, unknown version,
   *     wrong key, tampered with, or stored under another key name
   */
  byte[] open(String keyName, String sealed) throws GeneralSecurityException {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(sealed);
    } catch (IllegalArgumentException e) {
      throw new GeneralSecurityException("entry is not base64");
    }
    if (bytes.length < MIN_SEALED_BYTES) {
      throw new GeneralSecurityException("entry is too short");
    }
    if (bytes[0] != VERSION) {
      throw new GeneralSecurityException("unknown entry version " + bytes[0]);
    }
    Cipher cipher = Cipher.getInstance(TRANSFORMATION);
    cipher.init(
        Cipher.DECRYPT_MODE,
        key,
        new GCMParameterSpec(TAG_BITS, Arrays.copyOfRange(bytes, 1, 1 + IV_BYTES)));
    cipher.updateAAD(keyName.getBytes(StandardCharsets.UTF_8));
    return cipher.doFinal(bytes, 1 + IV_BYTES, bytes.length - 1 - IV_BYTES);
  }
}
