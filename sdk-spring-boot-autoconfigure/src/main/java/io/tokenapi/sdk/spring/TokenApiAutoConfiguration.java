package io.tokenapi.sdk.spring;

import io.tokenapi.sdk.OAuthClient;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Primary;

/**
 * Creates an {@link OAuthClient} for {@code tokenapi.client.*} and one per {@code
 * tokenapi.clients.<name>.*}, all held by an {@link OAuthClients} bean that closes them on
 * shutdown. The {@code tokenapi.client.*} client is also a primary {@link OAuthClient} bean. Bad
 * settings fail the startup with a report that names each property and its fix.
 */
@AutoConfiguration
@EnableConfigurationProperties(TokenApiProperties.class)
@Conditional(OnTokenApiClientsCondition.class)
public final class TokenApiAutoConfiguration {
  /** Created by Spring. */
  public TokenApiAutoConfiguration() {}

  /**
   * Every configured client.
   *
   * @param properties the bound properties
   * @param customizers applied to each client's builder, in order
   * @param redisStores the Redis token stores, when Spring Data Redis is configured
   * @return the clients; Spring closes them on shutdown
   * @throws TokenApiConfigurationException if the properties cannot make a working client
   */
  @Bean
  @ConditionalOnMissingBean
  public OAuthClients tokenApiClients(
      TokenApiProperties properties,
      ObjectProvider<OAuthClientBuilderCustomizer> customizers,
      ObjectProvider<RedisTokenStores> redisStores) {
    return OAuthClientsFactory.create(
        properties, customizers.orderedStream().toList(), redisStores.getIfAvailable());
  }

  /**
   * Warns at startup when a client has {@code allowed-hosts} but no Boot builder bean will carry
   * its interceptor (Spring Boot 4's web starters no longer bring the client builders).
   *
   * @param clients every configured client
   * @param beans where the builders and the starter's customizers are looked up
   * @return the check, run once every singleton exists
   */
  @Bean
  SmartInitializingSingleton tokenApiInterceptorCoverageCheck(
      OAuthClients clients, ListableBeanFactory beans) {
    return new InterceptorCoverageCheck(clients, beans);
  }

  /**
   * The {@code tokenapi.client.*} client, for injection as a plain {@link OAuthClient}.
   *
   * @param clients every configured client
   * @return the client named {@value TokenApiProperties#DEFAULT_CLIENT}; closed with {@code
   *     clients}
   */
  @Bean(destroyMethod = "")
  @Primary
  @Conditional(OnTokenApiClientsCondition.SingleClient.class)
  @ConditionalOnMissingBean(OAuthClient.class)
  public OAuthClient tokenApiClient(OAuthClients clients) {
    return clients.get(TokenApiProperties.DEFAULT_CLIENT);
  }
}
