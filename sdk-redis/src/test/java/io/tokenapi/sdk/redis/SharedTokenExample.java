package io.tokenapi.sdk.redis;

import io.tokenapi.sdk.OAuthClient;
import java.util.Base64;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;

/**
 * The code of README.md's "Sharing tokens across instances", compiled and run by {@link
 * ReadmeRedisTest}: one instance of a service fleet.
 */
final class SharedTokenExample implements AutoCloseable {
  final RedisClient redis;
  final OAuthClient client;

  SharedTokenExample(
      String redisHost,
      int redisPort,
      String tokenStoreKey,
      String baseUrl,
      String clientId,
      String clientSecret) {
    // README redis: begin
    RedisClient redis =
        RedisClient.builder()
            .hostAndPort(redisHost, redisPort)
            .clientConfig(
                DefaultJedisClientConfig.builder()
                    .connectionTimeoutMillis(
                        500) // a sick Redis costs a token caller at most about this per store call
                    .socketTimeoutMillis(500)
                    .build())
            .build();
    // The same AES key on every instance: 32 random bytes, base64, from your secret store.
    SecretKey key = new SecretKeySpec(Base64.getDecoder().decode(tokenStoreKey), "AES");

    OAuthClient client =
        OAuthClient.builder()
            .baseUrl(baseUrl)
            .clientId(clientId)
            .clientSecret(clientSecret)
            .tokenStore(RedisTokenStore.builder(redis).encryptionKey(key).build())
            .build();
    // README redis: end
    this.redis = redis;
    this.client = client;
  }

  @Override
  public void close() {
    client.close();
    redis.close();
  }
}
