package io.tokenapi.sdk.internal;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;

/**
 * How a token store keeps its entries in Redis: the key names and the Lua scripts. One copy, read
 * by {@code RedisTokenStore} (Jedis) and the Spring Boot store (Spring Data Redis), so Boot and
 * non-Boot instances of one fleet share tokens and locks. Both names of a key share the hash tag
 * {@code {key}}, so a Redis Cluster keeps them on one slot and the scripts may touch both.
 */
public final class RedisLayout {
  /** Suffix of a key's refresh lock after its hash-tagged name: {@value}. */
  public static final String LOCK_SUFFIX = ":lock";

  /**
   * Entries longer than this are not ours (a sealed token is a few kilobytes) and never leave
   * Redis: the read script returns only their length.
   */
  public static final long MAX_ENTRY_BYTES = 1 << 20;

  /**
   * KEYS: token. The entry (or false when longer than {@link #MAX_ENTRY_BYTES}: STRLEN first, so an
   * oversized value is never sent), the server's time and the entry's length, read together.
   */
  public static final String READ_SCRIPT =
      "local n = redis.call('strlen', KEYS[1]) if n > 1048576 then"
          + " return {false, redis.call('time'), n} end"
          + " return {redis.call('get', KEYS[1]), redis.call('time'), n}";

  /** KEYS: token (for the slot only). The server's time. */
  public static final String TIME_SCRIPT = "return redis.call('time')";

  /** KEYS: lock; ARGV: owner. Deletes the lock only while the owner holds it. */
  public static final String RELEASE_SCRIPT =
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else"
          + " return 0 end";

  /** KEYS: lock; ARGV: owner, TTL millis. Extends the lock only while the owner holds it. */
  public static final String RENEW_SCRIPT =
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1],"
          + " ARGV[2]) else return 0 end";

  /**
   * KEYS: lock, token; ARGV: owner, sealed entry, PX millis. Saves only while the owner holds the
   * lock.
   */
  public static final String SAVE_IF_LOCKED_SCRIPT =
      "if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('set', KEYS[2], ARGV[2], 'PX',"
          + " ARGV[3]) return 1 else return 0 end";

  private RedisLayout() {}

  /**
   * The Redis name of a store key's token entry.
   *
   * @param key the store key
   * @return {@code {key}}
   */
  public static String tokenName(String key) {
    return "{" + key + "}";
  }

  /**
   * The Redis name of a store key's refresh lock.
   *
   * @param key the store key
   * @return {@code {key}:lock}
   */
  public static String lockName(String key) {
    return tokenName(key) + LOCK_SUFFIX;
  }

  /**
   * The entries {@link #READ_SCRIPT} refused for their size, reported with one WARN per key and
   * length: the length only, since the value never left Redis. One per store instance.
   */
  public static final class OversizedEntries {
    private final Logger log;

    /** Store key to the length already reported. */
    private final ConcurrentMap<String, Long> reported = new ConcurrentHashMap<>();

    /**
     * Reports to {@code log}.
     *
     * @param log the store's logger
     */
    public OversizedEntries(Logger log) {
      this.log = log;
    }

    /**
     * Reports the entry behind a read that returned no value, if its length says it was too large.
     *
     * @param key the store key
     * @param readReply {@link #READ_SCRIPT}'s reply: value (absent), time, length
     */
    public void report(String key, List<?> readReply) {
      if (readReply.size() < 3 || !(readReply.get(2) instanceof Long)) {
        return;
      }
      Long length = (Long) readReply.get(2);
      if (length > MAX_ENTRY_BYTES && !length.equals(reported.put(key, length))) {
        log.warn(
            "Token store entry {} holds {} bytes, larger than {}: not a token this store wrote;"
                + " treating it as absent, the next token replaces it",
            key,
            length,
            MAX_ENTRY_BYTES);
      }
    }
  }
}
