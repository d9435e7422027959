package io.tokenapi.sdk.jdbc;

import io.tokenapi.sdk.AccessToken;
import java.security.GeneralSecurityException;

/**
 * The seam between {@link JdbcTokenStore} and the envelope that seals its rows, shaped like the
 * shared store envelope (seal with database-clock times and a fence; open to those times), so that
 * binding it is a change in {@link JdbcTokenStore.Builder#build()} alone.
 */
interface JdbcEnvelope {
  /** The sealed entry for {@code token} under {@code storeKey}; times on the database's clock. */
  String seal(String storeKey, AccessToken token, long issuedAt, long expiresAt, long fence);

  /**
   * The entry in {@code sealed}.
   *
   * @throws GeneralSecurityException when the entry is not ours
   */
  Opened open(String storeKey, String sealed) throws GeneralSecurityException;

  /** Names the algorithm and key id, never key material. */
  String describe();

  /** An opened entry; times on the database's clock, epoch milliseconds. */
  interface Opened {
    AccessToken token();

    long issuedAt();

    long expiresAt();

    long fence();
  }
}
