package io.tokenapi.sdk;

import java.time.Duration;
import java.util.Optional;

/**
 * A store that shares tokens between clients, typically every instance of a service fleet with the
 * same client id, so that the fleet makes one token request per token lifetime instead of one per
 * instance.
 *
 * <p>The client keeps its own in-memory cache in front of the store; the store is consulted only
 * when the client needs a new token. By default a client has no store and behaves as a single
 * instance. With a store, a client that needs a token first reads the store; if the store has no
 * fresh token it takes the store's refresh lock, and only the lock holder requests a token from the
 * provider and saves it; the others wait for that token, reading the store, for as long as their
 * own wait allows.
 *
 * <h2>The SPI, as the client uses it</h2>
 *
 * <ol>
 *   <li>{@link #read(String)}: the stored token with its metadata ({@link StoredToken}): {@code
 *       expiresAt} and {@code issuedAt} <em>on the reader's clock</em>, converted by the store from
 *       its own clock (Redis {@code TIME}, the database's clock), so writers' clocks never matter;
 *       and a {@code fence} that grows with every save (a store that uses its clock's time as the
 *       fence, as the Redis stores do, gives two saves in the same millisecond the same one: the
 *       client refuses only a lower fence, so an equal one is never refused). The client judges a
 *       stored token with the same freshness margins as a fetched one (from its whole lifetime
 *       {@code expiresAt - issuedAt}), and refuses one whose fence is lower than a fence it already
 *       saw or rejected.
 *   <li>{@link #tryLock(String, Duration)}: the refresh lock, with a time to live that bounds only
 *       a holder that died.
 *   <li>{@link #renewLock(String, String, Duration)}: the holder's watchdog calls it every third of
 *       the TTL while the token request runs, so a slow provider never lets the lock lapse under a
 *       live holder.
 *   <li>{@link #saveIfLocked(String, String, AccessToken)}: the holder saves only while it still
 *       holds the lock, atomically; a holder that lost its lock (paused past the TTL) cannot
 *       overwrite a newer token.
 *   <li>{@link #unlock(String, String)}: releases the lock, only if the owner still holds it.
 * </ol>
 *
 * The methods added after the first release ({@code read}, {@code renewLock}, {@code saveIfLocked})
 * have default bodies on top of {@code load}/{@code save}, so older implementations keep working
 * with the weaker guarantees of the original four methods. Shared stores encrypt entries with the
 * SDK's one envelope (key id, rotation, entry bound to its store key, times on the store's clock).
 *
 * <p>Implementations must be thread-safe. Any method may throw a {@link RuntimeException} when the
 * store is down or slow: the client then logs a WARN and fetches on its own until the store answers
 * again, so a store outage never fails a caller. The client also bounds every store call with its
 * own deadline ({@code OAuthClient.Builder.tokenStoreTimeout}), so a store that hangs is bypassed
 * like one that fails. The {@code key} arguments are chosen by the client: a hash of token URL,
 * client id and scope, never the secret. Implementations should protect token values at rest (for
 * example, encrypt them).
 */
public interface TokenStore {
  /**
   * The token saved under {@code key}, if any. An entry that cannot be read (corrupt, tampered
   * with, or encrypted with another key) should be reported as empty.
   *
   * @param key the client's store key
   * @return the token, or empty
   */
  Optional<AccessToken> load(String key);

  /**
   * Saves {@code token} under {@code key} until it expires.
   *
   * @param key the client's store key
   * @param token the new token
   */
  void save(String key, AccessToken token);

  /**
   * Tries to take the refresh lock for {@code key}; never waits.
   *
   * @param key the client's store key
   * @param ttl how long the lock holds if it is never released (a holder that died)
   * @return an owner id to pass to {@link #unlock}, or empty when another client holds the lock
   */
  Optional<String> tryLock(String key, Duration ttl);

  /**
   * Releases the refresh lock for {@code key} if {@code owner} still holds it; a lock that expired
   * and was taken by another client is left alone.
   *
   * @param key the client's store key
   * @param owner the owner id {@link #tryLock} returned
   */
  void unlock(String key, String owner);

  /**
   * The token saved under {@code key} with its metadata, {@code expiresAt} and {@code issuedAt} on
   * the caller's clock. An entry that cannot be read (corrupt, tampered with, encrypted with an
   * unknown key, written for another key) or that has expired is reported as empty.
   *
   * <p>Default: {@link #load(String)} without metadata ({@link StoredToken#of(AccessToken)}).
   *
   * @param key the client's store key
   * @return the token and its metadata, or empty
   */
  default Optional<StoredToken> read(String key) {
    return load(key).map(StoredToken::of);
  }

  /**
   * Extends the refresh lock for {@code key} to {@code ttl} from now if {@code owner} still holds
   * it, atomically. The client calls it every third of the lock's TTL while its token request runs.
   *
   * <p>Default: {@code false} (the store cannot renew; the lock then lasts its TTL from {@link
   * #tryLock} and the client's fenced save still keeps a holder that lost it from overwriting).
   *
   * @param key the client's store key
   * @param owner the owner id {@link #tryLock} returned
   * @param ttl the new time to live
   * @return true when the lock was extended, false when {@code owner} no longer holds it
   */
  default boolean renewLock(String key, String owner, Duration ttl) {
    return false;
  }

  /**
   * Saves {@code token} under {@code key} only if {@code owner} still holds the refresh lock, in
   * one atomic step, so a holder that lost its lock cannot overwrite the token of the one that took
   * it over. The entry's fence must be higher than any fence saved before under {@code key}.
   *
   * <p>Default: {@link #save(String, AccessToken)} without the check, returning true.
   *
   * @param key the client's store key
   * @param owner the owner id {@link #tryLock} returned
   * @param token the new token
   * @return true when saved, false when {@code owner} no longer holds the lock (nothing saved)
   */
  default boolean saveIfLocked(String key, String owner, AccessToken token) {
    save(key, token);
    return true;
  }
}
