package io.tokenapi.sdk;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A {@link TokenStore} in this JVM's memory: shares one token between several {@link OAuthClient}s
 * with the same credentials in one process. For a fleet of processes use a shared store such as
 * {@code RedisTokenStore} from {@code tokenapi-sdk-redis}. Thread-safe.
 */
public final class InMemoryTokenStore implements TokenStore {
  private final Clock clock;
  private final ConcurrentMap<String, AccessToken> tokens = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Lock> locks = new ConcurrentHashMap<>();

  /** Creates an empty store on the system clock. */
  public InMemoryTokenStore() {
    this(Clock.systemUTC());
  }

  /**
   * Creates an empty store.
   *
   * @param clock the clock that expires tokens and locks
   * @throws IllegalArgumentException if {@code clock} is null
   */
  public InMemoryTokenStore(Clock clock) {
    if (clock == null) {
      throw new IllegalArgumentException("clock == null");
    }
    this.clock = clock;
  }

  /**
   * The token saved under {@code key}, unless it has expired.
   *
   * @param key the store key
   * @return the token, or empty
   */
  @Override
  public Optional<AccessToken> load(String key) {
    AccessToken token = tokens.get(key);
    if (token == null || !token.expiresAt().isAfter(clock.instant())) {
      return Optional.empty();
    }
    return Optional.of(token);
  }

  /**
   * Saves the token under {@code key}.
   *
   * @param key the store key
   * @param token the token
   */
  @Override
  public void save(String key, AccessToken token) {
    tokens.put(key, token);
  }

  /**
   * Takes the lock for {@code key} if it is free or expired.
   *
   * @param key the store key
   * @param ttl how long the lock holds
   * @return the owner id, or empty when another owner holds the lock
   */
  @Override
  public Optional<String> tryLock(String key, Duration ttl) {
    long now = clock.millis();
    Lock mine = new Lock(UUID.randomUUID().toString(), now + ttl.toMillis());
    Lock winner =
        locks.compute(key, (k, held) -> held == null || held.expiresAt <= now ? mine : held);
    return winner == mine ? Optional.of(mine.owner) : Optional.empty();
  }

  /**
   * Releases the lock for {@code key} if {@code owner} holds it.
   *
   * @param key the store key
   * @param owner the owner id from {@link #tryLock}
   */
  @Override
  public void unlock(String key, String owner) {
    locks.computeIfPresent(key, (k, held) -> held.owner.equals(owner) ? null : held);
  }

  /**
   * Describes the store by size; never token values.
   *
   * @return a description that is safe to log
   */
  @Override
  public String toString() {
    return "InMemoryTokenStore[entries=" + tokens.size() + "]";
  }

  private static final class Lock {
    final String owner;
    final long expiresAt;

    Lock(String owner, long expiresAt) {
      this.owner = owner;
      this.expiresAt = expiresAt;
    }
  }
}
