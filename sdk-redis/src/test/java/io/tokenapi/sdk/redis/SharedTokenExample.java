package io.tokenapi.sdk.redis;

import io.tokenapi.sdk.OAuthClient;
import java.util.Base64;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The code of docs/stores.md's "Sharing tokens across instances", compiled and run by {@link
 * ReadmeRedisTest}: one instance of a service fleet.
 */
final class SharedTokenExample implements AutoCloseable {
  final RedisTokenStore store;
  final OAuthClient client;

  SharedTokenExample(
      String redisHost,
      int redisPort,
      String tokenStoreKey,
      String baseUrl,
      String clientId,
      String clientSecret) {
    // README redis: begin
    // The same AES key on every instance: 32 random bytes, base64, from your secret store.
    SecretKey key = new SecretKeySpec(Base64.getDecoder().decode(tokenStoreKey), "AES");
    // Connect, socket and pool timeouts of 500 ms: a sick Redis never holds a token caller long.
    RedisTokenStore store =
        RedisTokenStore.builder(redisHost, redisPort).encryptionKey("2026-12", key).build();

    OAuthClient client =
        OAuthClient.builder()
            .baseUrl(baseUrl)
            .clientId(clientId)
            .clientSecret(clientSecret)
            .tokenStore(store)
            .build();
    // README redis: end
    this.store = store;
    this.client = client;
  }

  @Override
  public void close() {
    client.close();
    store.close();
  }
}
