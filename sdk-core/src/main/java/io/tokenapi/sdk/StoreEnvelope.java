package io.tokenapi.sdk;

import java.security.GeneralSecurityException;

/**
 * The seam between {@link FileTokenStore} and the envelope that seals its entries, shaped like the
 * shared store envelope (seal with store-clock times and a fence; open to those times), so that
 * binding it is a change in {@link FileTokenStore.Builder#build()} alone.
 */
interface StoreEnvelope {
  /** The sealed entry for {@code token} under {@code storeKey}; times on the store's clock. */
  String seal(String storeKey, AccessToken token, long issuedAt, long expiresAt, long fence);

  /**
   * The entry in {@code sealed}.
   *
   * @throws GeneralSecurityException when the entry is not ours: foreign, corrupt, another key, or
   *     sealed for another store key
   */
  Opened open(String storeKey, String sealed) throws GeneralSecurityException;

  /** Names the algorithm and key id, never key material: for {@code toString()}. */
  String describe();

  /** An opened entry; times on the store's clock, epoch milliseconds. */
  interface Opened {
    AccessToken token();

    long issuedAt();

    long expiresAt();

    long fence();
  }
}
