package io.tokenapi.sdk.redis;

import io.tokenapi.sdk.TokenStore;
import io.tokenapi.sdk.storecontract.TestKeys;
import io.tokenapi.sdk.storecontract.TokenStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import redis.clients.jedis.RedisClient;

/** The shared {@link TokenStore} contract on {@link RedisTokenStore} over a real redis-server. */
class RedisTokenStoreContractTest extends TokenStoreContract {
  private static RedisServer server;
  private static RedisClient redis;

  private final RedisTokenStore store =
      RedisTokenStore.builder(redis).encryptionKey("k1", TestKeys.aes256(1)).build();
  private final RedisTokenStore other =
      RedisTokenStore.builder(redis).encryptionKey("k2", TestKeys.aes256(2)).build();

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

  @Override
  protected TokenStore store() {
    return store;
  }

  @Override
  protected TokenStore storeWithAnotherKey() {
    return other;
  }
}
