package io.tokenapi.sdk.spring;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
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
@EnableConfigurationProperties(TokenApiHealthProperties.class)
public final class TokenApiHealthAutoConfiguration {
  /** Created by Spring. */
  public TokenApiHealthAutoConfiguration() {}

  /**
   * The health of every client.
   *
   * @param clients every configured client
   * @param properties the {@code management.health.tokenapi.*} settings
   * @return a composite named {@code tokenapi} (from the bean name)
   * @throws TokenApiConfigurationException if {@code closed-status} is not a status
   */
  @Bean
  public CompositeHealthContributor tokenapiHealthContributor(
      OAuthClients clients, TokenApiHealthProperties properties) {
    Status closed = new Status(properties.closedStatusCode());
    return CompositeHealthContributor.fromMap(
        clients.asMap(), client -> new OAuthClientHealthIndicator(client, closed));
  }
}
