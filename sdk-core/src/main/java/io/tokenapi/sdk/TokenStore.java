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
 * provider and saves it; the others poll the store briefly and read the result. A holder that dies
 * lets another client take over when the lock's time to live passes.
 *
 * <p>Implementations must be thread-safe. Any method may throw a {@link RuntimeException} when the
 * store is down or slow: the client then logs a WARN and fetches on its own until the store answers
 * again, so a store outage never fails a caller. The {@code key} arguments are chosen by the
 * client: a hash of token URL, client id and scope, never the secret. Implementations should
 * protect token values at rest (for example, encrypt them).
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
}
