package io.tokenapi.sdk;

import java.time.Instant;
import java.util.Optional;

/**
 * A token as a {@link TokenStore} returns it from {@link TokenStore#read}: the token, with its
 * {@code expiresAt} already on the reading client's clock, plus what the client needs to judge it
 * like a token it fetched itself (when it was issued) and to refuse an older entry put back into
 * the store (its fence). Immutable; {@link #toString()} never shows the token value.
 */
public final class StoredToken {
  private final AccessToken token;
  private final Instant issuedAt;
  private final long fence;

  private StoredToken(AccessToken token, Instant issuedAt, long fence) {
    if (token == null) {
      throw new IllegalArgumentException("token == null");
    }
    this.token = token;
    this.issuedAt = issuedAt;
    this.fence = fence;
  }

  /**
   * A stored token without metadata: the client judges it by its remaining lifetime alone and keeps
   * no fence for it.
   *
   * @param token the token, {@code expiresAt} on the reader's clock
   * @return the stored token
   * @throws IllegalArgumentException if {@code token} is null
   */
  public static StoredToken of(AccessToken token) {
    return new StoredToken(token, null, 0);
  }

  /**
   * A stored token with its metadata.
   *
   * @param token the token, {@code expiresAt} on the reader's clock
   * @param issuedAt when the token was saved, on the reader's clock (the store converts it from its
   *     own clock); the freshness margins are taken from {@code expiresAt - issuedAt}, as for a
   *     freshly fetched token
   * @param fence a number that grows with every save under the key (for example the store clock's
   *     time of the save, in milliseconds); the client refuses an entry whose fence is lower than
   *     one it has already seen for the key
   * @return the stored token
   * @throws IllegalArgumentException if {@code token} or {@code issuedAt} is null, or {@code
   *     issuedAt} is after the token's expiry
   */
  public static StoredToken of(AccessToken token, Instant issuedAt, long fence) {
    if (issuedAt == null) {
      throw new IllegalArgumentException("issuedAt == null");
    }
    if (token != null && issuedAt.isAfter(token.expiresAt())) {
      throw new IllegalArgumentException("issuedAt is after the token's expiresAt");
    }
    return new StoredToken(token, issuedAt, fence);
  }

  /**
   * The token, {@code expiresAt} on the reader's clock.
   *
   * @return the token
   */
  public AccessToken token() {
    return token;
  }

  /**
   * When the token was saved, on the reader's clock; empty when the store keeps no such time.
   *
   * @return the issue time, or empty
   */
  public Optional<Instant> issuedAt() {
    return Optional.ofNullable(issuedAt);
  }

  /**
   * The entry's fence: grows with every save under the key; 0 when the store keeps none.
   *
   * @return the fence
   */
  public long fence() {
    return fence;
  }

  /**
   * Describes the entry without the token value.
   *
   * @return a description that is safe to log
   */
  @Override
  public String toString() {
    return "StoredToken[" + token + ", issuedAt=" + issuedAt + ", fence=" + fence + "]";
  }
}
