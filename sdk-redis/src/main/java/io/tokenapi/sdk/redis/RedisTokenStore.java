package io.tokenapi.sdk.redis;

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
import javax.crypto.SecretKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * A {@link TokenStore} on Redis, through Jedis: a fleet of services with the same client id shares
 * one token and makes one token request per token lifetime. Token values are encrypted at rest with
 * the application's AES keys, in the SDK's one store envelope.
 *
 * <pre>{@code
 * SecretKey key = new SecretKeySpec(Base64.getDecoder().decode(System.getenv("TOKEN_STORE_KEY")), "AES");
 * RedisTokenStore store = RedisTokenStore.builder("redis.internal", 6379)  // bounded timeouts, see below
 *     .encryptionKey("2026-12", key)
 *     .build();
 * OAuthClient client = OAuthClient.builder()
 *     .baseUrl("https://api.example.com")
 *     .clientId("my-id")
 *     .clientSecret("my-secret")
 *     .tokenStore(store)
 *     .build();
 * }</pre>
 *
 * <h2>Bounded store calls</h2>
 *
 * {@link #builder(String, int)} builds and owns a pooled client with {@link #DEFAULT_TIMEOUT} (500
 * ms) as connect timeout, socket timeout and pool wait, so every store call fails within about a
 * second when Redis is down, frozen or the pool is exhausted; the {@code OAuthClient} then fetches
 * on its own with one WARN. {@link #builder(UnifiedJedis)} takes your client as it is: {@link
 * Builder#build()} refuses a pooled client whose pool waits forever for a connection (Jedis's
 * default), so set {@code maxWait}. The {@code OAuthClient} bounds each store call with its own
 * deadline as well.
 *
 * <h2>Layout in Redis</h2>
 *
 * For a store key {@code K} chosen by the client ({@code tokenapi:token:} and a hash of token URL,
 * client id and scope; never the secret):
 *
 * <ul>
 *   <li>{@code {K}}: the token in the SDK's envelope ({@code base64(2 | key id | IV | AES-GCM)},
 *       bound to {@code K}, with its issue and expiry times on Redis's clock); it expires ({@code
 *       PX}) when the token does.
 *   <li>{@code {K}:lock}: the refresh lock, {@code SET NX PX ttl} with a random owner id, renewed
 *       and released by Lua scripts only by its owner; the token is saved by a script that first
 *       checks the lock, so a holder that lost its lock cannot overwrite a newer token.
 * </ul>
 *
 * Both names carry the hash tag {@code {K}}, so they live in one hash slot: every script touches
 * only keys of one slot, and the store works on Redis Cluster (a {@code RedisClusterClient}) and
 * behind Sentinel as on a single server. Reads ask Redis for its {@code TIME} in the same script,
 * so each reader converts the token's remaining life to its own clock: instances with skewed clocks
 * agree on when the token expires.
 *
 * <p>An entry that does not decrypt (unknown key id, tampered with, moved to another key name) or
 * does not parse is treated as absent: the client fetches a new token and overwrites it.
 *
 * <p>Thread-safe when the Jedis client is (a pooled {@code RedisClient}, {@code RedisClusterClient}
 * or any other {@link UnifiedJedis} is). A store built from host and port owns its client and
 * closes it in {@link #close()}; a client you pass in is yours to close. Redis errors ({@code
 * JedisException}s) pass through to the {@code OAuthClient}, which degrades to local fetching.
 */
public final class RedisTokenStore implements TokenStore, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisTokenStore.class);

  /** Suffix of the refresh lock's key name: {@value}. */
  public static final String LOCK_SUFFIX = RedisLayout.LOCK_SUFFIX;

  /** Connect timeout, socket timeout and pool wait of a store built from host and port: 500 ms. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(500);

  /** Connections in the pool of a store built from host and port: {@value}. */
  public static final int DEFAULT_POOL_SIZE = 8;

  /**
   * Entries longer than this are not ours (a sealed token is a few kilobytes) and never leave
   * Redis: the read script returns only their length.
   */
  static final long MAX_ENTRY_BYTES = RedisLayout.MAX_ENTRY_BYTES;

  private final UnifiedJedis redis;

  /** The oversized entries already reported, for one WARN each. */
  private final RedisLayout.OversizedEntries oversized = new RedisLayout.OversizedEntries(LOG);

  private final boolean ownsClient;
  private final TokenEnvelope envelope;
  private final Clock clock;

  private RedisTokenStore(Builder b, UnifiedJedis redis, boolean ownsClient, Keyring keys) {
    this.redis = redis;
    this.ownsClient = ownsClient;
    this.envelope = new TokenEnvelope(keys);
    this.clock = b.clock;
  }

  /**
   * A builder for a store on {@code redis}, for example a pooled {@code
   * redis.clients.jedis.RedisClient} or a {@code RedisClusterClient} with short timeouts and a
   * bounded pool wait. An encryption key is required.
   *
   * @param redis the Jedis client; the store uses it and never closes it
   * @return a new builder
   * @throws IllegalArgumentException if {@code redis} is null
   */
  public static Builder builder(UnifiedJedis redis) {
    if (redis == null) {
      throw new IllegalArgumentException("redis == null");
    }
    return new Builder(redis, null, 0);
  }

  /**
   * A builder for a store that creates and owns a pooled client for {@code host:port}, with {@link
   * #DEFAULT_TIMEOUT} as connect timeout, socket timeout and pool wait and {@link
   * #DEFAULT_POOL_SIZE} connections ({@link Builder#timeout(Duration)} changes the timeouts). An
   * encryption key is required.
   *
   * @param host the Redis host
   * @param port the Redis port
   * @return a new builder
   * @throws IllegalArgumentException if {@code host} is null or blank, or {@code port} is not 1 to
   *     65535
   */
  public static Builder builder(String host, int port) {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host is null or blank");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1 to 65535, not " + port);
    }
    return new Builder(null, host, port);
  }

  static String tokenName(String key) {
    return RedisLayout.tokenName(key);
  }

  static String lockName(String key) {
    return RedisLayout.lockName(key);
  }

  /**
   * The token stored under {@code key}, decrypted, with its expiry converted to this store's clock
   * from Redis's. An entry that does not decrypt or parse, or whose token has expired by Redis's
   * clock, is reported as empty (logged at DEBUG without its content).
   *
   * @param key the client's store key
   * @return the token, or empty
   * @throws redis.clients.jedis.exceptions.JedisException when Redis cannot be reached or fails
   */
  @Override
  public Optional<AccessToken> load(String key) {
    return read(key).map(StoredToken::token);
  }

  /**
   * The token stored under {@code key} with its issue time and fence; times converted from Redis's
   * clock ({@code TIME}, read in the same script as the entry) to this store's clock, counted from
   * before the request so the round trip shortens the token's life rather than stretching it.
   *
   * @param key the client's store key
   * @return the token and its metadata, or empty
   * @throws redis.clients.jedis.exceptions.JedisException when Redis cannot be reached or fails
   */
  @Override
  public Optional<StoredToken> read(String key) {
    Instant before = Instant.ofEpochMilli(clock.millis());
    Object reply = redis.eval(RedisLayout.READ_SCRIPT, List.of(tokenName(key)), List.of());
    List<?> parts = (List<?>) reply;
    Object sealed = parts.get(0);
    if (sealed == null) {
      oversized.report(key, parts);
      return Optional.empty();
    }
    // Rounded up, and our start rounded down: the conversion may shorten a token, never stretch it.
    long redisNow = redisMillis((List<?>) parts.get(1)) + 1;
    try {
      return envelope.open(key, text(sealed)).toStoredToken(redisNow, before);
    } catch (TokenEnvelope.UnreadableEntryException e) {
      // The reason only: never the entry, which may hold a token encrypted under another key.
      LOG.debug("Token store entry {} is treated as absent: {}", key, e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Encrypts and stores {@code token} under {@code key} until it expires, without checking the
   * lock; its remaining life is carried over to Redis's clock. A token that has already expired is
   * not stored.
   *
   * @param key the client's store key
   * @param token the token
   * @throws redis.clients.jedis.exceptions.JedisException when Redis cannot be reached or fails
   */
  @Override
  public void save(String key, AccessToken token) {
    Sealed s = seal(key, token);
    if (s != null) {
      redis.set(tokenName(key), s.entry, SetParams.setParams().px(s.ttlMillis));
    }
  }

  /**
   * Encrypts and stores {@code token} under {@code key} only while {@code owner} holds the refresh
   * lock, checked and written in one Lua script.
   *
   * @param key the client's store key
   * @param owner the owner id {@link #tryLock} returned
   * @param token the token
   * @return true when saved, false when the lock is no longer {@code owner}'s (or the token has
   *     already expired)
   * @throws redis.clients.jedis.exceptions.JedisException when Redis cannot be reached or fails
   */
  @Override
  public boolean saveIfLocked(String key, String owner, AccessToken token) {
    Sealed s = seal(key, token);
    if (s == null) {
      return false;
    }
    Object saved =
        redis.eval(
            RedisLayout.SAVE_IF_LOCKED_SCRIPT,
            List.of(lockName(key), tokenName(key)),
            List.of(owner, s.entry, Long.toString(s.ttlMillis)));
    return Long.valueOf(1).equals(saved);
  }

  private Sealed seal(String key, AccessToken token) {
    // Redis's clock first, then ours: the remaining life is measured after Redis's TIME, so it is
    // never longer than the token's. The token's key routes the script to the node that will hold
    // it (Redis Cluster).
    long redisNow =
        redisMillis(
            (List<?>) redis.eval(RedisLayout.TIME_SCRIPT, List.of(tokenName(key)), List.of()));
    long ttlMillis = token.expiresAt().toEpochMilli() - clock.millis();
    if (ttlMillis <= 0) {
      return null;
    }
    // Redis's time of the save is the fence: later saves under a key carry higher fences.
    return new Sealed(
        envelope.seal(key, token, redisNow, redisNow + ttlMillis, redisNow), ttlMillis);
  }

  /**
   * Takes the refresh lock {@code {key}:lock} with {@code SET NX PX ttl} and a random owner id.
   *
   * @param key the client's store key
   * @param ttl how long the lock holds if it is never released or renewed; at least 1 ms is used
   * @return the owner id, or empty when another owner holds the lock
   * @throws redis.clients.jedis.exceptions.JedisException when Redis cannot be reached or fails
   */
  @Override
  public Optional<String> tryLock(String key, Duration ttl) {
    String owner = UUID.randomUUID().toString();
    String reply =
        redis.set(lockName(key), owner, SetParams.setParams().nx().px(Math.max(1, ttl.toMillis())));
    return "OK".equals(reply) ? Optional.of(owner) : Optional.empty();
  }

  /**
   * Extends the refresh lock {@code {key}:lock} to {@code ttl} if {@code owner} still holds it, in
   * a Lua script.
   *
   * @param key the client's store key
   * @param owner the owner id {@link #tryLock} returned
   * @param ttl the new time to live; at least 1 ms is used
   * @return true when extended, false when the lock is no longer {@code owner}'s
   * @throws redis.clients.jedis.exceptions.JedisException when Redis cannot be reached or fails
   */
  @Override
  public boolean renewLock(String key, String owner, Duration ttl) {
    Object renewed =
        redis.eval(
            RedisLayout.RENEW_SCRIPT,
            List.of(lockName(key)),
            List.of(owner, Long.toString(Math.max(1, ttl.toMillis()))));
    return Long.valueOf(1).equals(renewed);
  }

  /**
   * Deletes the refresh lock {@code {key}:lock} if {@code owner} still holds it, atomically in a
   * Lua script; a lock that expired and was taken by another owner is left alone.
   *
   * @param key the client's store key
   * @param owner the owner id {@link #tryLock} returned
   * @throws redis.clients.jedis.exceptions.JedisException when Redis cannot be reached or fails
   */
  @Override
  public void unlock(String key, String owner) {
    redis.eval(RedisLayout.RELEASE_SCRIPT, List.of(lockName(key)), List.of(owner));
  }

  /** Closes the Jedis client if this store created it ({@link #builder(String, int)}). */
  @Override
  public void close() {
    if (ownsClient) {
      redis.close();
    }
  }

  /**
   * Describes the store without key material or tokens, for example {@code
   * RedisTokenStore[redis=RedisClient, encryption=AES-256-GCM, keys=[2026-12 (encrypts)]]}.
   *
   * @return a description that is safe to log
   */
  @Override
  public String toString() {
    return "RedisTokenStore[redis="
        + redis.getClass().getSimpleName()
        + ", encryption="
        + envelope.keys()
        + "]";
  }

  private static long redisMillis(List<?> time) {
    // TIME: seconds and microseconds, as bulk strings (raw) or strings (Jedis's time()).
    long seconds = Long.parseLong(text(time.get(0)));
    long micros = Long.parseLong(text(time.get(1)));
    return seconds * 1000 + micros / 1000;
  }

  private static String text(Object reply) {
    return reply instanceof byte[]
        ? new String((byte[]) reply, java.nio.charset.StandardCharsets.UTF_8)
        : reply.toString();
  }

  private static final class Sealed {
    final String entry;
    final long ttlMillis;

    Sealed(String entry, long ttlMillis) {
      this.entry = entry;
      this.ttlMillis = ttlMillis;
    }
  }

  /**
   * Builds a {@link RedisTokenStore}; an encryption key is required. The key setters are the same
   * on every store of the SDK (Redis, file, JDBC).
   */
  public static final class Builder {
    private final UnifiedJedis redis;
    private final String host;
    private final int port;
    private final Keyring.Builder keys = Keyring.builder();
    private Duration timeout = DEFAULT_TIMEOUT;
    private Clock clock = Clock.systemUTC();

    private Builder(UnifiedJedis redis, String host, int port) {
      this.redis = redis;
      this.host = host;
      this.port = port;
    }

    /**
     * The AES key that encrypts new entries (AES-GCM), with an id derived from the key. Every
     * instance of the fleet needs the same key, so take it from the application's secret store, for
     * example {@code new SecretKeySpec(Base64.getDecoder().decode(secret), "AES")} with a 32-byte
     * secret. Prefer {@link #encryptionKey(String, SecretKey)}, whose id you choose, to rotate keys
     * later.
     *
     * @param key an AES key of 128, 192 or 256 bits (algorithm {@code "AES"})
     * @return this builder
     * @throws IllegalArgumentException if {@code key} is null, not an AES key, not 16, 24 or 32
     *     bytes long, or does not export its bytes (then pass a key id)
     */
    public Builder encryptionKey(SecretKey key) {
      keys.encryptionKey(key);
      return this;
    }

    /**
     * The AES key that encrypts new entries, and its id, which every entry carries so that readers
     * pick the right key during a rotation.
     *
     * @param keyId 1 to 64 characters of {@code A-Z a-z 0-9 . _ : -}, for example {@code "2026-12"}
     * @param key an AES key of 128, 192 or 256 bits
     * @return this builder
     * @throws IllegalArgumentException if an argument is null or invalid, or another key has the
     *     same id
     */
    public Builder encryptionKey(String keyId, SecretKey key) {
      keys.encryptionKey(keyId, key);
      return this;
    }

    /**
     * A key that only decrypts entries carrying {@code keyId}: the old key after a rotation, or the
     * new one before it starts encrypting (see the README's rotation procedure). Repeatable.
     *
     * @param keyId the id the entries carry
     * @param key an AES key of 128, 192 or 256 bits
     * @return this builder
     * @throws IllegalArgumentException if an argument is null or invalid, or another key has the
     *     same id
     */
    public Builder decryptionKey(String keyId, SecretKey key) {
      keys.decryptionKey(keyId, key);
      return this;
    }

    /**
     * A key that only decrypts, with the id derived from the key as {@link
     * #encryptionKey(SecretKey)} derives it: the old key after a rotation from an unnamed key.
     *
     * @param key an AES key of 128, 192 or 256 bits
     * @return this builder
     * @throws IllegalArgumentException as {@link #encryptionKey(SecretKey)}
     */
    public Builder decryptionKey(SecretKey key) {
      keys.decryptionKey(key);
      return this;
    }

    /**
     * Connect timeout, socket timeout and pool wait of the client a store built from host and port
     * creates. Default {@link RedisTokenStore#DEFAULT_TIMEOUT} (500 ms). Ignored for a client you
     * pass in.
     *
     * @param timeout positive, at most 1 minute
     * @return this builder
     * @throws IllegalArgumentException if null, not positive, or longer than 1 minute
     */
    public Builder timeout(Duration timeout) {
      if (timeout == null
          || timeout.isZero()
          || timeout.isNegative()
          || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException(
            "timeout must be positive and at most 1 minute, not " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * The clock on which tokens read from Redis are given their expiry; use the same clock as the
     * {@code OAuthClient}. Default: the system UTC clock. Token lifetimes travel on Redis's clock,
     * so this clock may be skewed from other instances' without harm.
     *
     * @param clock the clock
     * @return this builder
     * @throws IllegalArgumentException if {@code clock} is null
     */
    public Builder clock(Clock clock) {
      if (clock == null) {
        throw new IllegalArgumentException("clock == null");
      }
      this.clock = clock;
      return this;
    }

    /**
     * Builds the store.
     *
     * @return the store
     * @throws IllegalStateException if no encryption key was set, a key cannot encrypt with AES-GCM
     *     in this JVM, or the Jedis client's pool waits forever for a connection
     */
    public RedisTokenStore build() {
      Keyring keyring = keys.build();
      if (redis != null) {
        checkBounded(redis);
        return new RedisTokenStore(this, redis, false, keyring);
      }
      int millis = (int) timeout.toMillis();
      ConnectionPoolConfig pool = new ConnectionPoolConfig();
      pool.setMaxTotal(DEFAULT_POOL_SIZE);
      pool.setMaxWait(timeout);
      RedisClient client =
          RedisClient.builder()
              .hostAndPort(host, port)
              .clientConfig(
                  DefaultJedisClientConfig.builder()
                      .connectionTimeoutMillis(millis)
                      .socketTimeoutMillis(millis)
                      .blockingSocketTimeoutMillis(millis)
                      .build())
              .poolConfig(pool)
              .build();
      return new RedisTokenStore(this, client, true, keyring);
    }

    private static void checkBounded(UnifiedJedis redis) {
      if (redis instanceof RedisClient) {
        Duration maxWait = ((RedisClient) redis).getPool().getMaxWaitDuration();
        if (maxWait.isNegative() || maxWait.isZero()) {
          throw new IllegalStateException(
              "the RedisClient's pool waits forever for a free connection (Jedis's default):"
                  + " set ConnectionPoolConfig.setMaxWait (for example 500 ms) so a token caller"
                  + " never hangs on an exhausted pool, or use RedisTokenStore.builder(host, port)");
        }
      }
    }
  }
}
