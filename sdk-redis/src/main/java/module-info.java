/**
 * A Redis token store for the tokenapi SDK, on Jedis. Only {@code io.tokenapi.sdk.redis} is
 * exported.
 */
module io.tokenapi.sdk.redis {
  requires transitive io.tokenapi.sdk;
  requires transitive redis.clients.jedis;
  // RedisClient.getPool(): the pool wait check.
  requires org.apache.commons.pool2;
  requires org.slf4j;

  exports io.tokenapi.sdk.redis;
}
