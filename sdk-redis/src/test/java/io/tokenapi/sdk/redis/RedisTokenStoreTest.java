package io.tokenapi.sdk.redis;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.logcapture.CapturingLogs;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * {@link RedisTokenStore} against a real redis-server: encryption at rest, unreadable entries, the
 * refresh lock.
 */
class RedisTokenStoreTest {
  private static final String KEY = "tokenapi:token:0123456789abcdef";
  private static final String TOKEN = RedisTokenStore.tokenName(KEY);
  private static final String LOCK = RedisTokenStore.lockName(KEY);
  private static RedisServer server;
  private static RedisClient redis;

  private final SecretKey key = aesKey(32, 7);
  private final RedisTokenStore store = RedisTokenStore.builder(redis).encryptionKey(key).build();
  private CapturingLogs logs;

  @BeforeAll
  static void startRedis() throws Exception {
    server = RedisServer.start();
    redis = server.client();
  }

  @AfterAll
  static void stopRedis() {
    if (redis != null) {
      redis.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void emptyRedis() {
    redis.flushAll();
    logs = CapturingLogs.start();
  }

  @AfterEach
  void stopCapturingLogs() {
    logs.close();
  }

  @Test
  void anEntryOverTheBound_isAbsentWithOneWarn_andNeverLeavesRedis() {
    // Issue 22 (as defect 5 for JDBC): GET returned a value of any size, up to Redis's 512 MB.
    redis.set(TOKEN, "A".repeat((int) RedisTokenStore.MAX_ENTRY_BYTES + 1));

    assertThat(store.read(KEY)).isEmpty();
    assertThat(store.read(KEY)).isEmpty();

    assertThat(logs.messages(Level.WARN)).singleElement().asString().contains("larger than");
    store.save(KEY, AccessToken.of("tok-after", Instant.now().plusSeconds(600)));
    assertThat(store.load(KEY)).map(AccessToken::value).contains("tok-after");
  }

  @Test
  void save_thenLoad_returnsEveryField() {
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("refresh_hint", "soon");
    extra.put("limit", 3);
    extra.put("ratio", new BigDecimal("1.5"));
    extra.put("flags", List.of(true, "x"));
    Instant expiresAt = Instant.now().plusSeconds(60).truncatedTo(ChronoUnit.MILLIS);
    AccessToken token = new AccessToken("tok-round-trip", "MAC", expiresAt, "payments read", extra);

    store.save(KEY, token);
    AccessToken loaded = store.load(KEY).orElseThrow();

    assertThat(loaded.value()).isEqualTo("tok-round-trip");
    assertThat(loaded.tokenType()).isEqualTo("MAC");
    // The remaining life travels on Redis's clock, so the round trip may shorten it by a little.
    assertThat(loaded.expiresAt()).isBetween(expiresAt.minusSeconds(1), expiresAt);
    assertThat(loaded.scope()).contains("payments read");
    assertThat(loaded.additionalFields()).isEqualTo(extra);
  }

  @Test
  void save_withoutScopeOrFields_loadsThemEmpty() {
    store.save(KEY, AccessToken.of("tok-plain", Instant.now().plusSeconds(60)));

    AccessToken loaded = store.load(KEY).orElseThrow();

    assertThat(loaded.tokenType()).isEqualTo("Bearer");
    assertThat(loaded.scope()).isEmpty();
    assertThat(loaded.additionalFields()).isEmpty();
  }

  @Test
  void save_encryptsTheTokenAtRest() {
    store.save(
        KEY,
        new AccessToken(
            "tok-secret-value", "Bearer", Instant.now().plusSeconds(60), "payments", null));

    String raw = redis.get(TOKEN);
    byte[] decoded = Base64.getDecoder().decode(raw);

    assertThat(raw).doesNotContain("tok-secret-value").doesNotContain("payments");
    assertThat(new String(decoded, UTF_8))
        .doesNotContain("tok-secret-value")
        .doesNotContain("payments");
    assertThat(decoded[0]).isEqualTo((byte) 2);
  }

  @Test
  void save_twice_usesAFreshIvEachTime() {
    AccessToken token = AccessToken.of("tok-same", Instant.now().plusSeconds(60));
    store.save(KEY, token);
    String first = redis.get(TOKEN);
    store.save(KEY, token);

    assertThat(redis.get(TOKEN)).isNotEqualTo(first);
    assertThat(store.load(KEY)).contains(token);
  }

  @Test
  void save_expiresTheEntryWithTheToken() {
    store.save(KEY, AccessToken.of("tok-ttl", Instant.now().plusSeconds(30)));

    assertThat(redis.pttl(TOKEN)).isBetween(25_000L, 30_000L);
  }

  @Test
  void save_expiredToken_storesNothing() {
    store.save(KEY, AccessToken.of("tok-old", Instant.now().minusSeconds(1)));

    assertThat(redis.exists(TOKEN)).isFalse();
  }

  @Test
  void load_missing_isEmpty() {
    assertThat(store.load(KEY)).isEmpty();
  }

  @Test
  void load_tamperedCiphertext_isEmpty() {
    store.save(KEY, AccessToken.of("tok-tampered", Instant.now().plusSeconds(60)));
    byte[] sealed = Base64.getDecoder().decode(redis.get(TOKEN));

    for (int index : new int[] {5, 20, sealed.length - 1}) { // IV, ciphertext, tag
      byte[] tampered = sealed.clone();
      tampered[index] ^= 0x01;
      redis.set(
          TOKEN, Base64.getEncoder().encodeToString(tampered), SetParams.setParams().keepTtl());

      assertThat(store.load(KEY)).as("byte %d flipped", index).isEmpty();
    }
  }

  @Test
  void load_entryWrittenWithAnotherKey_isEmpty() {
    RedisTokenStore other = RedisTokenStore.builder(redis).encryptionKey(aesKey(32, 8)).build();
    other.save(KEY, AccessToken.of("tok-other-key", Instant.now().plusSeconds(60)));

    assertThat(store.load(KEY)).isEmpty();
  }

  @Test
  void load_entryCopiedUnderAnotherKeyName_isEmpty() {
    String otherKey = "tokenapi:token:fedcba9876543210";
    store.save(otherKey, AccessToken.of("tok-moved", Instant.now().plusSeconds(60)));
    redis.set(TOKEN, redis.get(RedisTokenStore.tokenName(otherKey)));

    assertThat(store.load(otherKey)).isPresent();
    assertThat(store.load(KEY)).isEmpty();
  }

  @Test
  void load_garbage_isEmpty() {
    for (String garbage :
        List.of(
            "not base64 at all!",
            "",
            Base64.getEncoder().encodeToString(new byte[] {1, 2, 3}),
            Base64.getEncoder().encodeToString(new byte[64]),
            "{\"value\":\"tok-plaintext\",\"expiresAt\":99999999999999}")) {
      redis.set(TOKEN, garbage);

      assertThat(store.load(KEY)).as(garbage).isEmpty();
    }
  }

  @Test
  void load_unreadableEntry_logsAtDebugWithoutItsContent() {
    RedisTokenStore other = RedisTokenStore.builder(redis).encryptionKey(aesKey(16, 9)).build();
    other.save(KEY, AccessToken.of("tok-must-not-be-logged", Instant.now().plusSeconds(60)));
    String raw = redis.get(TOKEN);

    assertThat(store.load(KEY)).isEmpty();

    assertThat(logs.messages(Level.DEBUG))
        .anySatisfy(m -> assertThat(m).contains(KEY).contains("treated as absent"));
    assertThat(logs.events())
        .noneSatisfy(e -> assertThat(e.message()).contains(raw))
        .noneSatisfy(e -> assertThat(e.message()).contains("tok-must-not-be-logged"));
  }

  @Test
  void load_byAReaderWhoseClockIsTwoMinutesAhead_givesTheRemainingLifeOnItsOwnClock() {
    // Lifetimes travel on Redis's clock: the reader's skew neither shortens nor stretches them.
    java.time.Clock ahead =
        java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofMinutes(2));
    RedisTokenStore late = RedisTokenStore.builder(redis).encryptionKey(key).clock(ahead).build();
    store.save(KEY, AccessToken.of("tok-expiring", Instant.now().plusSeconds(60)));

    Instant expiresAt = late.load(KEY).orElseThrow().expiresAt();

    assertThat(Duration.between(ahead.instant(), expiresAt))
        .isBetween(Duration.ofSeconds(58), Duration.ofSeconds(60));
  }

  @Test
  void tryLock_isExclusiveUntilUnlocked() {
    Optional<String> first = store.tryLock(KEY, Duration.ofSeconds(10));
    Optional<String> second = store.tryLock(KEY, Duration.ofSeconds(10));

    assertThat(first).isPresent();
    assertThat(second).isEmpty();
    assertThat(redis.get(LOCK)).isEqualTo(first.get());
    assertThat(redis.pttl(LOCK)).isBetween(9_000L, 10_000L);

    store.unlock(KEY, first.get());

    assertThat(redis.exists(LOCK)).isFalse();
    assertThat(store.tryLock(KEY, Duration.ofSeconds(10))).isPresent();
  }

  @Test
  void unlock_byAnotherOwner_leavesTheLock() {
    String owner = store.tryLock(KEY, Duration.ofSeconds(10)).orElseThrow();

    store.unlock(KEY, "someone-else");

    assertThat(redis.get(LOCK)).isEqualTo(owner);
    assertThat(store.tryLock(KEY, Duration.ofSeconds(10))).isEmpty();
  }

  @Test
  void unlock_afterTheLockExpiredAndWasRetaken_leavesTheNewHoldersLock() throws Exception {
    String dead = store.tryLock(KEY, Duration.ofMillis(100)).orElseThrow();
    String next = awaitLock(Duration.ofSeconds(10), 2_000);

    store.unlock(KEY, dead);

    assertThat(redis.get(LOCK)).isEqualTo(next);
  }

  @Test
  void tryLock_isFreeAgainAfterItsTtl() throws Exception {
    store.tryLock(KEY, Duration.ofMillis(150)).orElseThrow();
    long start = System.nanoTime();

    awaitLock(Duration.ofSeconds(1), 2_000);

    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isBetween(Duration.ofMillis(100), Duration.ofSeconds(2));
  }

  @Test
  void keys_shareOneHashTag_soTokenAndLockLiveInOneClusterSlot() {
    store.save(KEY, AccessToken.of("tok-key", Instant.now().plusSeconds(60)));
    store.tryLock(KEY, Duration.ofSeconds(5));

    assertThat(redis.keys("*")).containsExactlyInAnyOrder("{" + KEY + "}", "{" + KEY + "}:lock");
  }

  @Test
  void redisDown_storeCallsThrowForTheClientToDegrade() throws Exception {
    int closedPort;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      closedPort = probe.getLocalPort();
    }
    try (RedisClient nowhere =
        RedisClient.builder()
            .hostAndPort("127.0.0.1", closedPort)
            .poolConfig(RedisServer.boundedPool())
            .build()) {
      RedisTokenStore down = RedisTokenStore.builder(nowhere).encryptionKey(key).build();

      assertThatThrownBy(() -> down.load(KEY)).isInstanceOf(JedisException.class);
      assertThatThrownBy(() -> down.tryLock(KEY, Duration.ofSeconds(1)))
          .isInstanceOf(JedisException.class);
    }
  }

  @Test
  void build_withoutEncryptionKey_isRefused() {
    assertThatThrownBy(() -> RedisTokenStore.builder(redis).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("encryptionKey is required");
  }

  @Test
  void encryptionKey_thatIsNotAes128To256_isRefused() {
    assertThatThrownBy(
            () ->
                RedisTokenStore.builder(redis).encryptionKey(new SecretKeySpec(new byte[8], "DES")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be an AES key");
    assertThatThrownBy(() -> RedisTokenStore.builder(redis).encryptionKey(aesKey(20, 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("128, 192 or 256 bits");
    assertThatThrownBy(() -> RedisTokenStore.builder(redis).encryptionKey(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("encryptionKey == null");
    assertThatThrownBy(() -> RedisTokenStore.builder(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("redis == null");
  }

  @Test
  void everyAesKeySize_roundTrips() {
    for (int bytes : new int[] {16, 24, 32}) {
      RedisTokenStore sized =
          RedisTokenStore.builder(redis).encryptionKey(aesKey(bytes, 3)).build();
      sized.save(KEY, AccessToken.of("tok-" + bytes, Instant.now().plusSeconds(60)));

      assertThat(sized.load(KEY).map(AccessToken::value)).contains("tok-" + bytes);
      assertThat(sized.toString()).contains("AES-" + bytes * 8 + "-GCM");
    }
  }

  @Test
  void toString_showsNeitherKeyMaterialNorTokens() {
    store.save(KEY, AccessToken.of("tok-not-in-tostring", Instant.now().plusSeconds(60)));
    String keyBase64 = Base64.getEncoder().encodeToString(key.getEncoded());

    assertThat(store.toString())
        .matches(
            "RedisTokenStore\\[redis=RedisClient, encryption=AES-256-GCM, keys=\\[k-[0-9a-f]{8} \\(encrypts\\)\\]\\]")
        .doesNotContain(keyBase64)
        .doesNotContain("tok-not-in-tostring");
  }

  private String awaitLock(Duration ttl, long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (System.currentTimeMillis() < deadline) {
      Optional<String> owner = store.tryLock(KEY, ttl);
      if (owner.isPresent()) {
        return owner.get();
      }
      Thread.sleep(10);
    }
    throw new AssertionError("lock still held after " + timeoutMillis + " ms");
  }

  static SecretKey aesKey(int bytes, int seed) {
    byte[] material = new byte[bytes];
    for (int i = 0; i < bytes; i++) {
      material[i] = (byte) (seed * 31 + i);
    }
    return new SecretKeySpec(material, "AES");
  }
}
