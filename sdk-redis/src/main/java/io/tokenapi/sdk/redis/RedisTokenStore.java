package io.tokenapi.sdk.redis;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.TokenStore;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.SecretKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * A {@link TokenStore} on Redis, through Jedis: a fleet of services with the same client id shares
 * one token and makes one token request per token lifetime. Token values are encrypted at rest with
 * the application's AES key.
 *
 * <pre>{@code
 * RedisClient redis = RedisClient.builder()
 *     .hostAndPort("redis.internal", 6379)
 *     .clientConfig(DefaultJedisClientConfig.builder()
 *         .connectionTimeoutMillis(500)   // a slow Redis must degrade quickly, not hold token callers
 *         .socketTimeoutMillis(500)
 *         .build())
 *     .build();
 * SecretKey key = new SecretKeySpec(Base64.getDecoder().decode(System.getenv("TOKEN_STORE_KEY")), "AES");
 * OAuthClient client = OAuthClient.builder()
 *     .baseUrl("https://api.example.com")
 *     .clientId("my-id")
 *     .clientSecret("my-secret")
 *     .tokenStore(RedisTokenStore.builder(redis).encryptionKey(key).build())
 *     .build();
 * }</pre>
 *
 * <p>Use short connect and socket timeouts (a few hundred milliseconds) on the Jedis client: when
 * Redis is down or slow, each store call fails after that timeout and the {@code OAuthClient}
 * fetches on its own with a WARN, so the timeout is what a token caller waits for a sick Redis at
 * most per store call.
 *
 * <p>Layout in Redis, for a store key {@code K} chosen by the client ({@code tokenapi:token:} and a
 * hash of token URL, client id and scope; never the secret):
 *
 * <ul>
 *   <li>{@code K}: the token, as {@code base64(1 || IV || AES-GCM ciphertext and tag)}, with the
 *       Redis key name as additional authenticated data; it expires ({@code PX}) when the token
 *       does.
 *   <li>{@code K:lock}: the refresh lock, {@code SET NX PX ttl} with a random owner id, released by
 *       a Lua script only by its owner.
 * </ul>
 *
 * An entry that does not decrypt (another key, tampered with, moved to another key name) or does
 * not parse is treated as absent: the client fetches a new token and overwrites it.
 *
 * <p>Thread-safe when the Jedis client is (a pooled {@code RedisClient} or any other {@link
 * UnifiedJedis} is). The store does not own the Jedis client: close it yourself when the
 * application stops. Redis errors ({@code JedisException}s) pass through to the {@code
 * OAuthClient}, which degrades to local fetching.
 */
public final class RedisTokenStore implements TokenStore {
  private static final Logger LOG = LoggerFactory.getLogger(RedisTokenStore.class);

  /** Suffix of the refresh lock's key name: {@value}. */
  public static final String LOCK_SUFFIX = ":lock";

  private static final String RELEASE_SCRIPT =
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

  private final UnifiedJedis redis;
  private final TokenCipher cipher;
  private final Clock clock;
  private final int keyBits;

  private RedisTokenStore(Builder b) {
    this.redis = b.redis;
    this.cipher = new TokenCipher(b.encryptionKey);
    this.clock = b.clock;
    this.keyBits = b.keyBits;
  }

  /**
   * A builder for a store on {@code redis}, for example a pooled {@code
   * redis.clients.jedis.RedisClient} with short timeouts. An encryption key is required.
   *
   * @param redis the Jedis client; the store uses it and never closes it
   * @return a new builder
   * @throws IllegalArgumentException if {@code redis} is null
   */
  public static Builder builder(UnifiedJedis redis) {
    if (redis == null) {
      throw new IllegalArgumentException("redis == null");
    }
    return new Builder(redis);
  }

  /**
   * The token stored under {@code key}, decrypted. An entry that does not decrypt or parse, or
   * whose token has expired, is reported as empty (logged at DEBUG without its content).
   *
   * @param key the client's store key
   * @return the token, or empty
   * @throws redis.clients.jedis.exceptions.JedisException when Redis cannot be reached or fails
   */
  @Override
  public Optional<AccessToken> load(String key) {
    String sealed = redis.get(key);
    if (sealed == null) {
      return Optional.empty();
    }
    AccessToken token;
    try {
      token = TokenCodec.decode(cipher.open(key, sealed));
    } catch (GeneralSecurityException | IOException e) {
      // The reason only: never the entry, which may hold a token encrypted under another key.
      LOG.debug(
          "Token store entry {} is unreadable ({}); treating it as absent",
          key,
          e.getClass().getSimpleName());
      return Optional.empty();
    }
    if (!token.expiresAt().isAfter(clock.instant())) {
      return Optional.empty();
    }
    return Optional.of(token);
  }

  /**
   * Encrypts and stores {@code token} under {@code key} until it expires ({@code SET key value PX
   * millis}); a token that has already expired is not stored.
   *
   * @param key the client's store key
   * @param token the token
   * @throws redis.clients.jedis.exceptions.JedisException when Redis cannot be reached or fails
   */
  @Override
  public void save(String key, AccessToken token) {
    long ttlMillis = token.expiresAt().toEpochMilli() - clock.millis();
    if (ttlMillis <= 0) {
      return;
    }
    redis.set(key, cipher.seal(key, TokenCodec.encode(token)), SetParams.setParams().px(ttlMillis));
  }

  /**
   * Takes the refresh lock {@code key + ":lock"} with {@code SET NX PX ttl} and a random owner id.
   *
   * @param key the client's store key
   * @param ttl how long the lock holds if it is never released; at least 1 ms is used
   * @return the owner id, or empty when another owner holds the lock
   * @throws redis.clients.jedis.exceptions.JedisException when Redis cannot be reached or fails
   */
  @Override
  public Optional<String> tryLock(String key, Duration ttl) {
    String owner = UUID.randomUUID().toString();
    String reply =
        redis.set(
            key + LOCK_SUFFIX, owner, SetParams.setParams().nx().px(Math.max(1, ttl.toMillis())));
    return "OK".equals(reply) ? Optional.of(owner) : Optional.empty();
  }

  /**
   * Deletes the refresh lock {@code key + ":lock"} if {@code owner} still holds it, atomically in a
   * Lua script; a lock that expired and was taken by another owner is left alone.
   *
   * @param key the client's store key
   * @param owner the owner id {@link #tryLock} returned
   * @throws redis.clients.jedis.exceptions.JedisException when Redis cannot be reached or fails
   */
  @Override
  public void unlock(String key, String owner) {
    redis.eval(RELEASE_SCRIPT, List.of(key + LOCK_SUFFIX), List.of(owner));
  }

  /**
   * Describes the store without key material or tokens, for example {@code
   * RedisTokenStore[redis=RedisClient, encryption=AES-256-GCM]}.
   *
   * @return a description that is safe to log
   */
  @Override
  public String toString() {
    return "RedisTokenStore[redis="
        + redis.getClass().getSimpleName()
        + ", encryption="
        + (keyBits > 0 ? "AES-" + keyBits + "-GCM" : "AES-GCM")
        + "]";
  }

  /** Builds a {@link RedisTokenStore}; {@link #encryptionKey} is required. */
  public static final class Builder {
    private final UnifiedJedis redis;
    private SecretKey encryptionKey;
    private int keyBits;
    private Clock clock = Clock.systemUTC();

    private Builder(UnifiedJedis redis) {
      this.redis = redis;
    }

    /**
     * The AES key that encrypts token values at rest (AES-GCM). Required. Every instance of the
     * fleet needs the same key, so take it from the application's secret store, for example {@code
     * new SecretKeySpec(Base64.getDecoder().decode(secret), "AES")} with a 32-byte secret. Entries
     * written under another key read as absent, so rotating the key costs one token request.
     *
     * @param key an AES key of 128, 192 or 256 bits (algorithm {@code "AES"})
     * @return this builder
     * @throws IllegalArgumentException if {@code key} is null, not an AES key, or not 16, 24 or 32
     *     bytes long
     */
    public Builder encryptionKey(SecretKey key) {
      if (key == null) {
        throw new IllegalArgumentException("encryptionKey == null");
      }
      if (!"AES".equalsIgnoreCase(key.getAlgorithm())) {
        throw new IllegalArgumentException(
            "encryptionKey must be an AES key, not "
                + key.getAlgorithm()
                + ": the store encrypts with AES-GCM");
      }
      byte[] encoded = key.getEncoded();
      // A key from a hardware module may not export its bytes: then build() checks it with a trial
      // encryption.
      int bits = encoded == null ? 0 : encoded.length * 8;
      if (encoded != null && bits != 128 && bits != 192 && bits != 256) {
        throw new IllegalArgumentException(
            "encryptionKey must be 128, 192 or 256 bits long, not " + bits + " bits");
      }
      this.encryptionKey = key;
      this.keyBits = bits;
      return this;
    }

    /**
     * The clock that decides whether a token has expired and how long to keep it in Redis. Default:
     * the system UTC clock. The lock's time to live is measured by Redis.
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
     * @throws IllegalStateException if no encryption key was set, or the key cannot encrypt with
     *     AES-GCM in this JVM
     */
    public RedisTokenStore build() {
      if (encryptionKey == null) {
        throw new IllegalStateException(
            "encryptionKey is required: token values are encrypted at rest with the application's AES key");
      }
      TokenCipher trial = new TokenCipher(encryptionKey);
      try {
        trial.open("check", trial.seal("check", new byte[] {1}));
      } catch (GeneralSecurityException | IllegalStateException e) {
        throw new IllegalStateException(
            "encryptionKey cannot be used for AES-GCM in this JVM ("
                + e.getClass().getSimpleName()
                + ")",
            e);
      }
      return new RedisTokenStore(this);
    }
  }
}
