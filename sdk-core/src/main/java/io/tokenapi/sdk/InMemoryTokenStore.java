package io.tokenapi.sdk;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link TokenStore} in this JVM's memory: shares one token between several {@link OAuthClient}s
 * with the same credentials in one process. For a fleet of processes use a shared store such as
 * {@code RedisTokenStore} from {@code tokenapi-sdk-redis}. Thread-safe.
 */
public final class InMemoryTokenStore implements TokenStore {
  private final Clock clock;
  private final ConcurrentMap<String, StoredToken> tokens = new ConcurrentHashMap<>();
  private final AtomicLong fences = new AtomicLong();
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
    return read(key).map(StoredToken::token);
  }

  /**
   * The token saved under {@code key} with the time it was saved and its fence, unless it has
   * expired.
   *
   * @param key the store key
   * @return the token and its metadata, or empty
   */
  @Override
  public Optional<StoredToken> read(String key) {
    StoredToken stored = tokens.get(key);
    if (stored == null || !stored.token().expiresAt().isAfter(clock.instant())) {
      return Optional.empty();
    }
    return Optional.of(stored);
  }

  /**
   * Saves the token under {@code key}.
   *
   * @param key the store key
   * @param token the token
   */
  @Override
  public void save(String key, AccessToken token) {
    Instant now = clock.instant();
    if (token.expiresAt().isAfter(now)) {
      tokens.put(key, StoredToken.of(token, now, fences.incrementAndGet()));
    }
  }

  /**
   * Extends the lock for {@code key} if {@code owner} holds it.
   *
   * @param key the store key
   * @param owner the owner id from {@link #tryLock}
   * @param ttl the new time to live
   * @return true when extended
   */
  @Override
  public boolean renewLock(String key, String owner, Duration ttl) {
    long now = clock.millis();
    Lock renewed =
        locks.computeIfPresent(
            key,
            (k, held) ->
                held.owner.equals(owner) && held.expiresAt > now
                    ? new Lock(owner, now + ttl.toMillis())
                    : held);
    return renewed != null && renewed.owner.equals(owner) && renewed.expiresAt > now;
  }

  /**
   * Saves the token under {@code key} if {@code owner} holds the lock.
   *
   * @param key the store key
   * @param owner the owner id from {@link #tryLock}
   * @param token the token
   * @return true when saved
   */
  @Override
  public boolean saveIfLocked(String key, String owner, AccessToken token) {
    boolean[] saved = {false};
    long now = clock.millis();
    // Saving inside the lock entry's compute makes the check and the write one atomic step.
    locks.computeIfPresent(
        key,
        (k, held) -> {
          if (held.owner.equals(owner) && held.expiresAt > now) {
            save(key, token);
            saved[0] = true;
          }
          return held;
        });
    return saved[0];
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
