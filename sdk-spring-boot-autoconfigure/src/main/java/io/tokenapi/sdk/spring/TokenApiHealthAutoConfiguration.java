package io.tokenapi.sdk.spring;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * A {@code tokenapi} health contributor with one indicator per client, by name: {@code
 * /actuator/health/tokenapi/default}, {@code /actuator/health/tokenapi/payments}. Off with {@code
 * management.health.tokenapi.enabled=false}.
 */
@AutoConfiguration(after = TokenApiAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(OAuthClients.class)
@ConditionalOnEnabledHealthIndicator("tokenapi")
public final class TokenApiHealthAutoConfiguration {
  /** Created by Spring. */
  public TokenApiHealthAutoConfiguration() {}

  /**
   * The health of every client.
   *
   * @param clients every configured client
   * @return a composite named {@code tokenapi} (from the bean name)
   */
  @Bean
  public CompositeHealthContributor tokenapiHealthContributor(OAuthClients clients) {
    return CompositeHealthContributor.fromMap(clients.asMap(), OAuthClientHealthIndicator::new);
  }
}
