package io.tokenapi.sdk.spring;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.StoredToken;
import io.tokenapi.sdk.TokenStore;
import io.tokenapi.sdk.internal.Keyring;
import io.tokenapi.sdk.internal.RedisLayout;
import io.tokenapi.sdk.internal.TokenEnvelope;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The {@code sdk-redis} store on the application's own Redis connection ({@link
 * StringRedisTemplate} on Boot's {@code RedisConnectionFactory}, Lettuce by default): the same
 * names, Lua scripts, lock and envelope as {@code RedisTokenStore}, so Boot and non-Boot instances
 * of one fleet share tokens. Redis errors pass through to the {@code OAuthClient}, which fetches on
 * its own with one WARN.
 */
final class SpringRedisTokenStore implements TokenStore {
  private static final Logger LOG = LoggerFactory.getLogger(SpringRedisTokenStore.class);

  /** The oversized entries already reported, for one WARN each. */
  private final RedisLayout.OversizedEntries oversized = new RedisLayout.OversizedEntries(LOG);

  // RedisTokenStore's scripts (one copy, RedisLayout): one layout in Redis for both stores.
  private static final RedisScript<List<Object>> READ = listScript(RedisLayout.READ_SCRIPT);
  private static final RedisScript<List<Object>> TIME = listScript(RedisLayout.TIME_SCRIPT);
  private static final RedisScript<Long> RELEASE =
      RedisScript.of(RedisLayout.RELEASE_SCRIPT, Long.class);
  private static final RedisScript<Long> RENEW =
      RedisScript.of(RedisLayout.RENEW_SCRIPT, Long.class);
  private static final RedisScript<Long> SAVE_IF_LOCKED =
      RedisScript.of(RedisLayout.SAVE_IF_LOCKED_SCRIPT, Long.class);

  private final StringRedisTemplate redis;
  private final TokenEnvelope envelope;
  private final Clock clock;

  SpringRedisTokenStore(StringRedisTemplate redis, Keyring keys, Clock clock) {
    this.redis = redis;
    this.envelope = new TokenEnvelope(keys);
    this.clock = clock;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static RedisScript<List<Object>> listScript(String script) {
    return (RedisScript<List<Object>>) (RedisScript) RedisScript.of(script, List.class);
  }

  static String tokenName(String key) {
    return RedisLayout.tokenName(key);
  }

  static String lockName(String key) {
    return RedisLayout.lockName(key);
  }

  @Override
  public Optional<AccessToken> load(String key) {
    return read(key).map(StoredToken::token);
  }

  @Override
  public Optional<StoredToken> read(String key) {
    Instant before = Instant.ofEpochMilli(clock.millis());
    List<Object> parts = redis.execute(READ, List.of(tokenName(key)));
    Object sealed = parts.get(0);
    if (sealed == null) {
      oversized.report(key, parts);
      return Optional.empty();
    }
    // Rounded up, and our start rounded down: the conversion may shorten a token, never stretch it.
    long redisNow = redisMillis((List<?>) parts.get(1)) + 1;
    try {
      return envelope.open(key, sealed.toString()).toStoredToken(redisNow, before);
    } catch (TokenEnvelope.UnreadableEntryException e) {
      // The reason only: never the entry, which may hold a token encrypted under another key.
      LOG.debug("Token store entry {} is treated as absent: {}", key, e.getMessage());
      return Optional.empty();
    }
  }

  @Override
  public void save(String key, AccessToken token) {
    Sealed s = seal(key, token);
    if (s != null) {
      redis.opsForValue().set(tokenName(key), s.entry, Duration.ofMillis(s.ttlMillis));
    }
  }

  @Override
  public boolean saveIfLocked(String key, String owner, AccessToken token) {
    Sealed s = seal(key, token);
    if (s == null) {
      return false;
    }
    Long saved =
        redis.execute(
            SAVE_IF_LOCKED,
            List.of(lockName(key), tokenName(key)),
            owner,
            s.entry,
            Long.toString(s.ttlMillis));
    return Long.valueOf(1).equals(saved);
  }

  private Sealed seal(String key, AccessToken token) {
    // Redis's clock first, then ours: the remaining life is never longer than the token's.
    long redisNow = redisMillis(redis.execute(TIME, List.of(tokenName(key))));
    long ttlMillis = token.expiresAt().toEpochMilli() - clock.millis();
    if (ttlMillis <= 0) {
      return null;
    }
    // Redis's time of the save is the fence: later saves under a key carry higher fences.
    return new Sealed(
        envelope.seal(key, token, redisNow, redisNow + ttlMillis, redisNow), ttlMillis);
  }

  @Override
  public Optional<String> tryLock(String key, Duration ttl) {
    String owner = UUID.randomUUID().toString();
    Boolean taken =
        redis
            .opsForValue()
            .setIfAbsent(lockName(key), owner, Duration.ofMillis(Math.max(1, ttl.toMillis())));
    return Boolean.TRUE.equals(taken) ? Optional.of(owner) : Optional.empty();
  }

  @Override
  public boolean renewLock(String key, String owner, Duration ttl) {
    Long renewed =
        redis.execute(
            RENEW, List.of(lockName(key)), owner, Long.toString(Math.max(1, ttl.toMillis())));
    return Long.valueOf(1).equals(renewed);
  }

  @Override
  public void unlock(String key, String owner) {
    redis.execute(RELEASE, List.of(lockName(key)), owner);
  }

  @Override
  public String toString() {
    return "SpringRedisTokenStore[encryption=" + envelope.keys() + "]";
  }

  private static long redisMillis(List<?> time) {
    long seconds = Long.parseLong(time.get(0).toString());
    long micros = Long.parseLong(time.get(1).toString());
    return seconds * 1000 + micros / 1000;
  }

  private record Sealed(String entry, long ttlMillis) {}
}
