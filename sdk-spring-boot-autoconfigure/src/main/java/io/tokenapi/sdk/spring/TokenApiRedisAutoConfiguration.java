package io.tokenapi.sdk.spring;

import java.time.Clock;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Lets {@code tokenapi.client.token-store=redis} share tokens through the application's own Redis
 * connection (Spring Data Redis, Lettuce by default), so a Boot application carries no second Redis
 * client. Bound store calls with {@code spring.data.redis.timeout} (for example {@code 500ms}): the
 * client waits for the store at most that long before fetching on its own.
 */
@AutoConfiguration(
    afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
    before = TokenApiAutoConfiguration.class)
@ConditionalOnClass(StringRedisTemplate.class)
@ConditionalOnBean(RedisConnectionFactory.class)
public final class TokenApiRedisAutoConfiguration {
  /** Created by Spring. */
  public TokenApiRedisAutoConfiguration() {}

  /**
   * The stores, one per client that asks for one, on one template.
   *
   * @param connectionFactory the application's Redis connection
   * @return the store factory
   */
  @Bean
  RedisTokenStores tokenApiRedisTokenStores(RedisConnectionFactory connectionFactory) {
    StringRedisTemplate redis = new StringRedisTemplate(connectionFactory);
    return keys -> new SpringRedisTokenStore(redis, keys, Clock.systemUTC());
  }
}
