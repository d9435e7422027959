package io.tokenapi.sdk.storecontract;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/** Deterministic AES keys for store tests: the same seed gives the same key in every JVM. */
public final class TestKeys {
  private TestKeys() {}

  /**
   * A 256-bit AES key derived from {@code seed}.
   *
   * @param seed any number
   * @return the key
   */
  public static SecretKey aes256(int seed) {
    byte[] bytes = new byte[32];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (seed * 31 + i * 7);
    }
    return new SecretKeySpec(bytes, "AES");
  }
}
