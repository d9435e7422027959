package io.tokenapi.sdk.redis;

import io.tokenapi.sdk.storecontract.TestKeys;
import io.tokenapi.sdk.virtualthreads.ColdClientScenario;
import io.tokenapi.testkit.FakeTokenServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import redis.clients.jedis.RedisClient;

/**
 * {@value ColdClientScenario#CALLERS} virtual-thread callers on cold clients sharing a {@link
 * RedisTokenStore} over a real redis-server: one token request, the token for everyone, no pinned
 * virtual thread. The store's commands run on the clients' own threads, never on the callers'. JDK
 * 21 and later.
 */
@EnabledForJreRange(min = JRE.JAVA_21)
class VirtualThreadRedisStoreTest {
  private static RedisServer redisServer;
  private static RedisClient redis;

  private final FakeTokenServer server = new FakeTokenServer().start();

  @BeforeAll
  static void startRedis() throws Exception {
    redisServer = RedisServer.start();
    redis = redisServer.client();
  }

  @AfterAll
  static void stopRedis() {
    if (redis != null) {
      redis.close();
    }
    if (redisServer != null) {
      redisServer.close();
    }
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void tenThousandVirtualThreads_onColdClientsSharingARedisStore_makeOneTokenRequest()
      throws Exception {
    RedisTokenStore store =
        RedisTokenStore.builder(redis).encryptionKey("k1", TestKeys.aes256(1)).build();
    ColdClientScenario.run(
        "RedisTokenStore, " + ColdClientScenario.CLIENTS_PER_STORE + " clients",
        server,
        ColdClientScenario.CLIENTS_PER_STORE,
        store);
  }
}
